"""Cell values as agencies type them → the JSON values of a feed's field kinds.

A converter returns the value or raises `UnconvertibleError` with a bilingual reason. Reasons never repeat the cell:
a cell may hold a NIK or KK number, which must not reach a report or a log line.
Only the form is judged here (a date that is a date, a number that is a number); whether the value is plausible
is the quality gateway's job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from satudata.events import FieldKind

# Excel's day 0 is 1899-12-30 once its phantom 29 February 1900 is accounted for (every serial after 60).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_RANGE = (1, 2_958_465)  # 1900-01-01 .. 9999-12-31
_DMY = re.compile(r"(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")
_THOUSANDS_DOTS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")
_ID_SEPARATORS = re.compile(r"[\s.\-']")
_LIST_SEPARATORS = re.compile(r"[;,|/\s]+")

_TRUE = frozenset({"ya", "y", "1", "true", "t", "yes", "benar", "ada"})
_FALSE = frozenset({"tidak", "n", "0", "false", "f", "no", "tdk", "salah", "tidak ada", "bukan"})


class UnconvertibleError(ValueError):
    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message = f"{message_id} / {message_en}"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def to_str(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a spreadsheet stores an id typed as 12 as the number 12.0
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value).strip()


def to_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_serial(float(value))
    text = str(value).strip()
    try:
        if match := _DMY.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day).isoformat()
        if match := _YMD.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day).isoformat()
    except ValueError:
        raise UnconvertibleError("tanggal tidak ada di kalender", "the date does not exist") from None
    if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
        return _excel_serial(float(text.replace(",", ".")))
    raise UnconvertibleError(
        "bukan tanggal (dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd atau nomor tanggal Excel)",
        "not a date (dd/mm/yyyy, d-m-yyyy, yyyy-mm-dd or an Excel date number)",
    )


def _excel_serial(serial: float) -> str:
    low, high = _EXCEL_SERIAL_RANGE
    if not low <= serial <= high:
        raise UnconvertibleError("nomor tanggal Excel di luar rentang", "Excel date number out of range")
    return (_EXCEL_EPOCH + timedelta(days=int(serial))).isoformat()


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise UnconvertibleError("bukan angka", "not a number")
    if isinstance(value, int | float):
        if _is_nan(value) or math.isinf(value):
            raise UnconvertibleError("bukan angka", "not a number")
        return float(value)
    text = str(value).strip().replace(" ", "")
    if "," in text and "." in text:
        # Both separators: the later one is the decimal mark (1.234,5 in Indonesia, 1,234.5 elsewhere).
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise UnconvertibleError("bukan angka", "not a number") from None
    if math.isnan(number) or math.isinf(number):
        raise UnconvertibleError("bukan angka", "not a number")
    return number


def to_int(value: Any) -> int:
    if isinstance(value, str):
        text = re.sub(r"(?i)^rp\.?", "", value.strip()).strip().replace(" ", "")
        if _THOUSANDS_DOTS.fullmatch(text):
            text = text.replace(".", "")  # Rp 350.000: dots group thousands in Indonesian amounts
        value = text
    number = to_float(value)
    if not number.is_integer():
        raise UnconvertibleError("harus bilangan bulat", "must be a whole number")
    return int(number)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = " ".join(str(value).strip().lower().split())
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise UnconvertibleError("harus ya/tidak", "must be yes/no (ya/tidak, y/n, 1/0, true/false)")


def to_identifier(value: Any) -> str:
    """A NIK, KK number or desa code as its digits: spreadsheets add dots, spaces or a leading apostrophe."""
    if isinstance(value, bool):
        raise UnconvertibleError("bukan nomor", "not a number")
    if isinstance(value, float):
        if not value.is_integer():
            raise UnconvertibleError("bukan nomor", "not a number")
        value = int(value)
    text = str(value).strip()
    if _SCIENTIFIC.fullmatch(text):
        raise UnconvertibleError(
            "tertulis sebagai notasi ilmiah (angka hilang); simpan kolom sebagai teks",
            "written in scientific notation (digits lost); store the column as text",
        )
    return _ID_SEPARATORS.sub("", text)


def to_identifier_list(value: Any) -> list[str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [to_identifier(value)]
    return [to_identifier(part) for part in _LIST_SEPARATORS.split(str(value).strip()) if part]


CONVERTERS: dict[FieldKind, Callable[[Any], Any]] = {
    "str": to_str,
    "date": to_date,
    "float": to_float,
    "int": to_int,
    "bool": to_bool,
    "nik": to_identifier,
    "kk": to_identifier,
    "desa": to_identifier,
    "nik_list": to_identifier_list,
}
