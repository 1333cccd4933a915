"""Files → records with deterministic ids, or per-row problems numbered as the spreadsheet numbers its rows."""

from __future__ import annotations

import pytest

from services.ingest.uploads.mapping import plan_columns
from services.ingest.uploads.reader import UnreadableFileError, read_sheet
from services.ingest.uploads.rows import convert_rows, event_id
from tests.unit.ingest.upload_files import NIK, csv_bytes, good_row, xlsx_bytes, xlsx_row

SOURCE = "posyandu/5301042003-01"


def convert(raw: bytes, source: str = SOURCE):  # type: ignore[no-untyped-def]
    sheet = read_sheet(raw)
    return convert_rows(plan_columns("child_measurement", sheet.header), source, sheet.rows)


def test_a_csv_row_is_mapped_and_converted() -> None:
    [record], problems = convert(csv_bytes([good_row(1)]))
    assert problems == []
    assert record.row == 2
    assert record.data == {
        "record_id": "R1",
        "child_nik": NIK,
        "sex": "P",
        "birth_date": "2023-05-05",
        "measure_date": "2025-03-04",
        "weight_kg": 10.4,
        "height_cm": 84.5,
        "measure_position": "standing",
        "muac_cm": None,
        "oedema": False,
        "posyandu_id": "P-01",
        "desa_code": "5301042003",
    }


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(delimiter: str) -> None:
    row = [c.replace(",", ".") for c in good_row(1)]  # a comma-separated file writes decimal points
    [record], _ = convert(csv_bytes([row], delimiter=delimiter))
    assert record.data["weight_kg"] == 10.4


def test_an_xlsx_file_with_excel_dates_and_numbers() -> None:
    [record], problems = convert(xlsx_bytes([xlsx_row(7)]))
    assert problems == []
    assert record.row == 2
    assert record.data["record_id"] == "7"
    assert record.data["child_nik"] == NIK
    assert record.data["birth_date"] == "2023-05-05"
    assert record.data["measure_date"] == "2025-03-04"  # 45720 is an Excel serial date
    assert record.data["measure_position"] == "lying"
    assert record.data["oedema"] is True
    assert record.data["desa_code"] == "5301042003"


def test_xlsx_row_numbers_follow_the_sheet_even_below_a_title() -> None:
    bad = xlsx_row(2)
    bad[5] = "berat?"
    _, [problem] = convert(xlsx_bytes([xlsx_row(1), [], bad], title_rows=2))
    assert problem.row == 6  # two empty title rows, the header on row 3, data on 4, a blank 5, then 6


def test_bad_values_are_per_row_problems_with_row_and_column() -> None:
    bad = good_row(2)
    bad[3] = "31/02/2023"
    bad[5] = "sepuluh"
    bad[9] = "mungkin"
    records, problems = convert(csv_bytes([good_row(1), bad, good_row(3)]))
    assert [r.row for r in records] == [2, 4]
    assert [(p.row, p.column) for p in problems] == [(3, "Tgl Lahir"), (3, "Berat Badan (kg)"), (3, "Edema")]
    assert all(" / " in p.problem for p in problems)


def test_a_problem_never_shows_the_nik() -> None:
    bad = good_row(1)
    bad[1] = "5,30101E+15"
    _, [problem] = convert(csv_bytes([bad]))
    assert problem.column == "NIK Anak"
    text = str(problem.to_dict())
    assert "5,30101" not in text
    assert NIK not in text


def test_ids_are_deterministic_and_depend_on_source_and_content() -> None:
    [first], _ = convert(csv_bytes([good_row(1)]))
    [again], _ = convert(csv_bytes([good_row(1)]))
    [other_unit], _ = convert(csv_bytes([good_row(1)]), source="posyandu/other")
    corrected_row = good_row(1)
    corrected_row[5] = "10,6"
    [corrected], _ = convert(csv_bytes([corrected_row]))
    assert first.event_id == again.event_id == event_id("child_measurement", SOURCE, first.data)
    assert len({first.event_id, other_unit.event_id, corrected.event_id}) == 3


def test_the_same_data_from_csv_and_xlsx_has_the_same_id() -> None:
    [from_csv], _ = convert(csv_bytes([good_row(1)]))
    xlsx = good_row(1)
    [from_xlsx], _ = convert(xlsx_bytes([xlsx]))
    assert from_csv.event_id == from_xlsx.event_id


@pytest.mark.parametrize(
    "raw",
    [b"", b"\n\n", b"\xd0\xcf\x11\xe0old xls", b"PK\x03\x04not really a zip", b"\x00\x01\x02\xff\xfe"],
    ids=["empty", "blank", "xls", "bad-zip", "binary"],
)
def test_unreadable_files(raw: bytes) -> None:
    with pytest.raises(UnreadableFileError):
        read_sheet(raw)
