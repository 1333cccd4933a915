"""Spreadsheets as agencies keep them, written for tests (CSV text, XLSX through openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook

HEADER = (
    "No",
    "NIK Anak",
    "JK",
    "Tgl Lahir",
    "Tanggal Pengukuran",
    "Berat Badan (kg)",
    "TB/PB",
    "Cara Ukur",
    "LiLA",
    "Edema",
    "Posyandu",
    "Kode Desa",
)
NIK = "5301014505230001"  # a synthetic NIK: Kupang, born 05-05-2023, a girl (day + 40)


def good_row(number: int, desa: str = "53.01.04.2003") -> list[Any]:
    return [
        f"R{number}",
        NIK,
        "Perempuan",
        "05/05/2023",
        "4-3-2025",
        "10,4",
        "84,5",
        "Berdiri",
        "",
        "Tidak",
        "P-01",
        desa,
    ]


def csv_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, delimiter: str = ";") -> bytes:
    lines = [delimiter.join(header), *(delimiter.join(str(c) for c in row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER, title_rows: int = 0) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for _ in range(title_rows):
        sheet.append([])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_row(number: int) -> list[Any]:
    """A row as Excel stores it: real dates, numbers, a serial date typed into a number cell."""
    return [
        number,
        int(NIK),
        "L",
        datetime(2023, 5, 5),
        45720,
        10.4,
        84.5,
        "Terlentang",
        13.2,
        "ya",
        "P-01",
        5301042003,
    ]
