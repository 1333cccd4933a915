"""`satudata anthro` end to end on small CSV files, as a nutrition officer would run it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app

from .who_reference import lms, z_lms, z_restricted

HALF_CENT = 0.005 + 1e-9
runner = CliRunner()

# What a posyandu register exported from Excel in Indonesia looks like: semicolons, decimal commas,
# dd/mm/yyyy dates, L/P for sex and Indonesian words for the position and oedema.
OFFICER_CSV = """\
nama;desa;sex;birth_date;measure_date;weight_kg;lenhei_cm;measure;oedema;muac_cm
Maria;Oelnasi;P;15/03/2022;10/01/2024;9,8;79,5;berdiri;tidak;13,5
Yohanes;Oelnasi;L;01/06/2023;10/01/2024;6,9;66,0;terlentang;tidak;12,1
Agustina;Baumata;P;20/08/2021;11/01/2024;10,2;84,3;berdiri;tidak;
Petrus;Baumata;L;20/11/2020;11/01/2024;11,0;90,1;berdiri;ya;11,0
"""


def run(tmp_path: Path, content: str, *options: str) -> tuple[int, str, Path]:
    source, target = tmp_path / "anak.csv", tmp_path / "hasil.csv"
    source.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["anthro", str(source), "-o", str(target), *options])
    return result.exit_code, " ".join(result.output.split()), target


def read(path: Path, separator: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=separator))


def number(text: str) -> float:
    return float(text.replace(",", "."))


def test_an_officers_file(tmp_path: Path) -> None:
    code, output, target = run(tmp_path, OFFICER_CSV)
    assert code == 0, output
    rows = read(target, ";")
    inputs = list(csv.DictReader(OFFICER_CSV.splitlines(), delimiter=";"))
    assert [{k: row[k] for k in inputs[0]} for row in rows] == inputs  # the input columns come back unchanged
    maria = rows[0]
    age = (dt.date(2024, 1, 10) - dt.date(2022, 3, 15)).days  # 666 days: standing, so +0.7 cm
    assert number(maria["clenhei"]) == pytest.approx(80.2)
    assert number(maria["zlen"]) == pytest.approx(z_lms(80.2, lms("lhfa", 2, age)), abs=HALF_CENT)
    assert number(maria["zwei"]) == pytest.approx(z_restricted(9.8, lms("wfa", 2, age)), abs=HALF_CENT)
    assert number(maria["zac"]) == pytest.approx(z_restricted(13.5, lms("acfa", 2, age)), abs=HALF_CENT)
    assert maria["zwei"].count(",") == 1  # answered with a decimal comma, as the file was written
    petrus = rows[3]  # oedema: no weight-based z-scores, empty cells
    assert petrus["zwei"] == petrus["zwfl"] == petrus["zbmi"] == petrus["fwei"] == ""
    assert petrus["zlen"] != "" and petrus["flen"] == "0"
    assert rows[2]["zac"] == rows[2]["fac"] == ""  # no MUAC measured


def test_a_comma_separated_file_with_age_in_days(tmp_path: Path) -> None:
    code, output, target = run(tmp_path, "sex,age_days,weight_kg,lenhei_cm,measure\nM,400,9.0,75.0,l\n")
    assert code == 0, output
    row = read(target, ",")[0]
    assert number(row["zlen"]) == pytest.approx(z_lms(75.0, lms("lhfa", 1, 400)), abs=HALF_CENT)
    assert "." in row["zlen"]


def test_a_missing_column(tmp_path: Path) -> None:
    code, output, target = run(tmp_path, "sex;age_days;lenhei_cm\n1;400;75\n")
    assert code == 2
    assert "Kolom 'weight_kg'" in output and "Column 'weight_kg'" in output
    assert not target.exists()


def test_a_bad_value_names_row_and_column(tmp_path: Path) -> None:
    content = OFFICER_CSV.replace("6,9;66,0", "6,9 kg;66,0")  # Yohanes, the second child: spreadsheet row 3
    code, output, _ = run(tmp_path, content)
    assert code == 2
    assert "Baris 3, kolom 'weight_kg'" in output and "Row 3, column 'weight_kg'" in output
    assert "'6,9 kg'" in output and "row 1 is the header" in output


def test_by_prints_prevalence_per_group(tmp_path: Path) -> None:
    code, output, _ = run(tmp_path, OFFICER_CSV, "--by", "desa")
    assert code == 0, output
    assert "Prevalensi per 'desa'" in output
    for group in ("Semua / All", "Oelnasi", "Baumata"):
        assert group in output
    # Petrus's oedema counts as severe wasting: 1 of the 2 children of Baumata, 1 of all 4.
    assert "BB/TB wasting (WHZ) │ 2 │ 50.0 │ 50.0" in output
    assert "BB/TB wasting (WHZ) │ 4 │ 25.0 │ 25.0" in output


def test_by_an_unknown_column(tmp_path: Path) -> None:
    code, output, _ = run(tmp_path, OFFICER_CSV, "--by", "kecamatan")
    assert code == 2 and "kecamatan" in output


def test_row_numbers_stay_right_across_chunks(tmp_path: Path) -> None:
    good = "1;400;9,0;75,0\n"
    content = "sex;age_days;weight_kg;lenhei_cm\n" + good * 100_001 + "1;400;sembilan;75,0\n" + good
    code, output, _ = run(tmp_path, content)
    assert code == 2
    assert "Row 100003, column 'weight_kg'" in output  # header + 100,001 good rows before it
