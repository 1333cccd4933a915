"""A spreadsheet as agencies save it (CSV or XLSX) → its header row and its data rows, numbered as the
spreadsheet numbers them (the header is row 1 when it is the first line), so a report points at the right row."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 .xls format, which openpyxl cannot read
_DELIMITERS = (",", ";", "\t", "|")


class UnreadableFileError(ValueError):
    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


@dataclass
class Sheet:
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]  # (spreadsheet row number, cells), blank rows skipped
    total_rows: int  # an upper bound on the data rows, for progress bars
    kind: str  # "csv" | "xlsx"


def read_sheet(raw: bytes) -> Sheet:
    """Open the file by what its bytes are, not by what its name or content type claims."""
    if raw.startswith(_XLSX_MAGIC):
        return _xlsx(raw)
    if raw.startswith(_OLE_MAGIC):
        raise UnreadableFileError(
            "format .xls lama tidak didukung; simpan sebagai .xlsx atau .csv",
            "the old .xls format is not supported; save as .xlsx or .csv",
        )
    return _csv(raw)


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and c.strip() == "") for c in cells)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise UnreadableFileError("bukan berkas teks CSV", "not a CSV text file")
    # Excel on Windows in Indonesia saves "CSV" in the ANSI code page; cp1252 decodes any byte but five.
    return raw.decode("cp1252", errors="replace")


def _csv(raw: bytes) -> Sheet:
    text = _decode(raw)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        raise UnreadableFileError("berkas kosong", "the file is empty")
    delimiter = max(_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        numbered = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise UnreadableFileError("CSV rusak", f"malformed CSV ({exc})") from None
    # line_num counts physical lines: the row number a spreadsheet program shows (unless a quoted cell holds a
    # line break, which is rare in agencies' files and only shifts the number of the rows after it).
    numbered = [(n, row) for n, row in numbered if not _blank(row)]
    header, data = numbered[0][1], numbered[1:]
    return Sheet(header, iter(data), len(data), "csv")


def _xlsx(raw: bytes) -> Sheet:
    from openpyxl import load_workbook  # only uploads pay for openpyxl's import

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFileError(
            "bukan berkas XLSX yang sah", f"not a valid XLSX file ({type(exc).__name__})"
        ) from None
    sheet = book.worksheets[0]
    rows = ((number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
    for number, cells in rows:
        if not _blank(cells):
            total = max((sheet.max_row or number) - number, 0)
            return Sheet(cells, _data_rows(rows, book), total, "xlsx")
    book.close()
    raise UnreadableFileError("lembar pertama kosong", "the first sheet is empty")


def _data_rows(rows: Iterator[tuple[int, list[Any]]], book: Any) -> Iterator[tuple[int, list[Any]]]:
    try:
        for number, cells in rows:
            if not _blank(cells):
                yield number, cells
    finally:
        book.close()
