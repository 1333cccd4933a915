"""Well-formed NIK and KK numbers for the synthetic feeds."""

from __future__ import annotations

from datetime import date

from satudata.nik.parse import Sex
from satudata.regions import normalise_code


def _kecamatan_digits(kecamatan: str) -> str:
    digits = normalise_code(kecamatan)
    if len(digits) != 6:
        raise ValueError(
            "Kode kecamatan harus 6 digit (mis. 53.01.04). / A kecamatan code must have 6 digits (e.g. 53.01.04)."
        )
    return digits


def _serial(serial: int) -> str:
    if not 1 <= serial <= 9999:
        raise ValueError("Nomor urut harus 1-9999. / The serial must be 1-9999.")
    return f"{serial:04d}"


def _ddmmyy(day: int, when: date) -> str:
    return f"{day:02d}{when.month:02d}{when.year % 100:02d}"


def make_nik(kecamatan: str, birth_date: date, sex: Sex, serial: int) -> str:
    """A well-formed NIK first registered in `kecamatan` (6 digits or dotted; any province)."""
    if sex not in ("L", "P"):
        raise ValueError("Jenis kelamin harus 'L' atau 'P'. / Sex must be 'L' or 'P'.")
    day = birth_date.day + (40 if sex == "P" else 0)
    return _kecamatan_digits(kecamatan) + _ddmmyy(day, birth_date) + _serial(serial)


def make_kk(kecamatan: str, issue_date: date, serial: int) -> str:
    """A well-formed KK number issued in `kecamatan` on `issue_date`."""
    return _kecamatan_digits(kecamatan) + _ddmmyy(issue_date.day, issue_date) + _serial(serial)
