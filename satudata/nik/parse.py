"""One NIK or KK number: reading it and checking it against the record it came with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from satudata.nik.reasons import (
    DEFAULT_SEVERITY,
    KK_FORMAT,
    KK_REGION_UNKNOWN,
    NIK_BIRTH_DATE_INVALID,
    NIK_BIRTH_DATE_MISMATCH,
    NIK_FORMAT,
    NIK_KABUPATEN_UNKNOWN,
    NIK_KECAMATAN_UNKNOWN,
    NIK_PROVINCE_UNKNOWN,
    NIK_REGISTERED_ELSEWHERE,
    NIK_SERIAL_ZERO,
    NIK_SEX_MISMATCH,
    InvalidNikError,
    NikIssue,
    issue,
)
from satudata.regions import INDONESIA_PROVINCE_CODES, NTT_PROVINCE_CODE, master

Sex = Literal["L", "P"]


@dataclass(frozen=True, slots=True)
class NikInfo:
    province: str
    kabupaten: str
    kecamatan: str
    # Birth date, sex, region and serial together rebuild the NIK, so the repr leaves the first and last out.
    birth_date: date = field(repr=False)
    sex: Sex
    serial: str = field(repr=False)


_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")


def _is_sixteen_digits(value: object) -> bool:
    return isinstance(value, str) and _SIXTEEN_DIGITS.fullmatch(value) is not None


def _region_reason(value: str) -> str | None:
    regions = master()
    if value[:2] not in INDONESIA_PROVINCE_CODES:
        return NIK_PROVINCE_UNKNOWN
    if value[:2] != NTT_PROVINCE_CODE:
        return NIK_REGISTERED_ELSEWHERE
    if regions.find(value[:4]) is None:
        return NIK_KABUPATEN_UNKNOWN
    if regions.find(value[:6]) is None:
        return NIK_KECAMATAN_UNKNOWN
    return None


def _birth(value: str, reference_date: date) -> tuple[date, Sex] | None:
    """Birth date and sex from digits 7-12: the latest real date with those digits not after the reference."""
    dd, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if not (1 <= dd <= 31 or 41 <= dd <= 71):
        return None
    sex: Sex = "P" if dd > 40 else "L"
    day = dd - 40 if dd > 40 else dd
    century = reference_date.year - reference_date.year % 100
    for year in (century + yy, century + yy - 100):
        try:
            born = date(year, month, day)
        except ValueError:
            continue
        if born <= reference_date:
            return born, sex
    return None


def _scan(value: str, reference_date: date) -> tuple[list[str], tuple[date, Sex] | None]:
    """The reasons that concern the NIK alone, and its birth date and sex if those can be read."""
    if not _is_sixteen_digits(value):
        return [NIK_FORMAT], None
    reasons = []
    if (region := _region_reason(value)) is not None:
        reasons.append(region)
    if (born := _birth(value, reference_date)) is None:
        reasons.append(NIK_BIRTH_DATE_INVALID)
    if value[12:] == "0000":
        reasons.append(NIK_SERIAL_ZERO)
    return reasons, born


def parse_nik(value: str, *, reference_date: date | None = None) -> NikInfo:
    """Read a NIK. Raises InvalidNikError on the first error that concerns the NIK alone; warnings pass.

    The century of the birth year is inferred: the birth date is the latest real date with the NIK's day,
    month and two-digit year that is not after `reference_date` (default today).
    """
    reasons, born = _scan(value, reference_date or date.today())
    for code in reasons:
        if DEFAULT_SEVERITY[code] == "error":
            raise InvalidNikError(code)
    assert born is not None  # an unreadable date is an error above
    return NikInfo(value[:2], value[:4], value[:6], born[0], born[1], value[12:])


def _without_century(when: date) -> tuple[int, int, int]:
    return when.day, when.month, when.year % 100


def check_nik(
    value: str | None,
    *,
    birth_date: date | None = None,
    sex: str | None = None,
    reference_date: date | None = None,
) -> list[NikIssue]:
    """Every problem with a NIK, and with the record's birth date and sex if given; empty when all is well.

    A missing NIK has no issues here: whether it may be missing is the contract's business. The birth date is
    compared on day, month and two-digit year, all the NIK holds. A sex other than 'L' or 'P' is not compared
    (the contract's code list catches it), and neither is anything when the NIK's own date cannot be read.
    """
    if value is None:
        return []
    reasons, born = _scan(value, reference_date or date.today())
    if born is not None:
        nik_date, nik_sex = born
        if birth_date is not None and _without_century(nik_date) != _without_century(birth_date):
            reasons.append(NIK_BIRTH_DATE_MISMATCH)
        if sex in ("L", "P") and sex != nik_sex:
            reasons.append(NIK_SEX_MISMATCH)
    return [issue(code) for code in reasons]


def check_kk(value: str | None) -> list[NikIssue]:
    """Problems with a KK number: 16 digits, an Indonesian province, and a known kabupaten if in NTT."""
    if value is None:
        return []
    if not _is_sixteen_digits(value):
        return [issue(KK_FORMAT)]
    if _region_reason(value) in (NIK_PROVINCE_UNKNOWN, NIK_KABUPATEN_UNKNOWN):
        return [issue(KK_REGION_UNKNOWN)]
    return []
