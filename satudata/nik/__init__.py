"""NIK and KK numbers: parsing, consistency checks (a value or a column), synthetic numbers, pseudonyms.

Both are 16 digits, PP KK CC DDMMYY SSSS: the Kemendagri province, kab/kota and kecamatan where the number
was first issued, a date, and a serial from 0001. In a NIK the date is the birth date, with 40 added to the
day for women; in a KK number it is the issue date. A NIK never changes when its holder moves, so digits 1-6
say where the person was first registered, not where they live.

A NIK or KK number never appears in an exception message, an issue or a repr: those end up in logs and
quarantine reasons, which personal identifiers must not reach.
"""

from satudata.nik.columns import check_kk_column, check_nik_column, nik_birth_date, nik_sex
from satudata.nik.make import make_kk, make_nik
from satudata.nik.parse import NikInfo, Sex, check_kk, check_nik, parse_nik
from satudata.nik.pseudonyms import mask, pseudonymise, pseudonymise_column
from satudata.nik.reasons import (
    DEFAULT_SEVERITY,
    KK_FORMAT,
    KK_REASON_CODES,
    KK_REGION_UNKNOWN,
    NIK_BIRTH_DATE_INVALID,
    NIK_BIRTH_DATE_MISMATCH,
    NIK_FORMAT,
    NIK_KABUPATEN_UNKNOWN,
    NIK_KECAMATAN_UNKNOWN,
    NIK_PROVINCE_UNKNOWN,
    NIK_REASON_CODES,
    NIK_REGISTERED_ELSEWHERE,
    NIK_SERIAL_ZERO,
    NIK_SEX_MISMATCH,
    InvalidNikError,
    NikIssue,
    Severity,
)

__all__ = [
    "DEFAULT_SEVERITY",
    "KK_FORMAT",
    "KK_REASON_CODES",
    "KK_REGION_UNKNOWN",
    "NIK_BIRTH_DATE_INVALID",
    "NIK_BIRTH_DATE_MISMATCH",
    "NIK_FORMAT",
    "NIK_KABUPATEN_UNKNOWN",
    "NIK_KECAMATAN_UNKNOWN",
    "NIK_PROVINCE_UNKNOWN",
    "NIK_REASON_CODES",
    "NIK_REGISTERED_ELSEWHERE",
    "NIK_SERIAL_ZERO",
    "NIK_SEX_MISMATCH",
    "InvalidNikError",
    "NikInfo",
    "NikIssue",
    "Severity",
    "Sex",
    "check_kk",
    "check_kk_column",
    "check_nik",
    "check_nik_column",
    "make_kk",
    "make_nik",
    "mask",
    "nik_birth_date",
    "nik_sex",
    "parse_nik",
    "pseudonymise",
    "pseudonymise_column",
]
