"""Reason codes of NIK and KK checks, their default severity and their message in two languages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

Severity = Literal["error", "warning"]

NIK_FORMAT: Final = "nik_format"
NIK_PROVINCE_UNKNOWN: Final = "nik_province_unknown"
NIK_REGISTERED_ELSEWHERE: Final = "nik_registered_elsewhere"
NIK_KABUPATEN_UNKNOWN: Final = "nik_kabupaten_unknown"
NIK_KECAMATAN_UNKNOWN: Final = "nik_kecamatan_unknown"
NIK_BIRTH_DATE_INVALID: Final = "nik_birth_date_invalid"
NIK_SERIAL_ZERO: Final = "nik_serial_zero"
NIK_BIRTH_DATE_MISMATCH: Final = "nik_birth_date_mismatch"
NIK_SEX_MISMATCH: Final = "nik_sex_mismatch"
KK_FORMAT: Final = "kk_format"
KK_REGION_UNKNOWN: Final = "kk_region_unknown"

# Default severity and the message in Bahasa Indonesia and English; a data contract may override the severity.
_REASONS: Final[dict[str, tuple[Severity, str, str]]] = {
    NIK_FORMAT: (
        "error",
        "NIK harus terdiri dari tepat 16 digit angka.",
        "The NIK must be exactly 16 digits.",
    ),
    NIK_PROVINCE_UNKNOWN: (
        "error",
        "Digit 1-2 NIK bukan kode provinsi di Indonesia.",
        "Digits 1-2 of the NIK are not an Indonesian province code.",
    ),
    NIK_REGISTERED_ELSEWHERE: (
        "warning",
        "NIK pertama kali terdaftar di luar Provinsi NTT.",
        "The NIK was first registered outside NTT province.",
    ),
    NIK_KABUPATEN_UNKNOWN: (
        "error",
        "Digit 1-4 NIK bukan kode kabupaten/kota di NTT.",
        "Digits 1-4 of the NIK are not a known NTT kabupaten/kota code.",
    ),
    NIK_KECAMATAN_UNKNOWN: (
        "warning",
        "Digit 1-6 NIK bukan kode kecamatan NTT yang dikenal (mungkin kode lama sebelum pemekaran).",
        "Digits 1-6 of the NIK are not a known NTT kecamatan code (perhaps a code from before a split).",
    ),
    NIK_BIRTH_DATE_INVALID: (
        "error",
        "Digit 7-12 NIK bukan tanggal lahir yang sah (tanggal 01-31, atau 41-71 untuk perempuan).",
        "Digits 7-12 of the NIK are not a real birth date (day 01-31, or 41-71 for women).",
    ),
    NIK_SERIAL_ZERO: (
        "error",
        "Nomor urut NIK (digit 13-16) tidak boleh 0000.",
        "The NIK serial number (digits 13-16) must not be 0000.",
    ),
    NIK_BIRTH_DATE_MISMATCH: (
        "error",
        "Tanggal lahir dalam NIK berbeda dengan tanggal lahir yang dicatat.",
        "The birth date in the NIK differs from the recorded birth date.",
    ),
    NIK_SEX_MISMATCH: (
        "error",
        "Jenis kelamin dalam NIK berbeda dengan jenis kelamin yang dicatat.",
        "The sex encoded in the NIK differs from the recorded sex.",
    ),
    KK_FORMAT: (
        "error",
        "Nomor KK harus terdiri dari tepat 16 digit angka.",
        "The KK number must be exactly 16 digits.",
    ),
    KK_REGION_UNKNOWN: (
        "error",
        "Digit 1-4 nomor KK bukan kode provinsi Indonesia atau kabupaten/kota NTT yang dikenal.",
        "Digits 1-4 of the KK number are not a known Indonesian province or NTT kabupaten/kota.",
    ),
}
NIK_REASON_CODES: Final[tuple[str, ...]] = tuple(code for code in _REASONS if code.startswith("nik_"))
KK_REASON_CODES: Final[tuple[str, ...]] = (KK_FORMAT, KK_REGION_UNKNOWN)
# Read-only: parse_nik decides what to raise on by it, so a contract overriding a severity must not edit it.
DEFAULT_SEVERITY: Final[Mapping[str, Severity]] = MappingProxyType(
    {code: reason[0] for code, reason in _REASONS.items()}
)


@dataclass(frozen=True, slots=True)
class NikIssue:
    code: str
    severity: Severity
    message_id: str
    message_en: str


def issue(code: str) -> NikIssue:
    severity, message_id, message_en = _REASONS[code]
    return NikIssue(code, severity, message_id, message_en)


class InvalidNikError(ValueError):
    """A NIK that cannot be read; `.code` is the reason code. The message never contains the value."""

    def __init__(self, code: str) -> None:
        _, message_id, message_en = _REASONS[code]
        super().__init__(f"{message_id} / {message_en}")
        self.code = code

    def __reduce__(self) -> tuple[type[InvalidNikError], tuple[str]]:
        # The default would re-create the error from its message, which is not a reason code.
        return type(self), (self.code,)
