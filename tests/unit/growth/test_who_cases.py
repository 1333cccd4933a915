"""Every WHO test vector in data/expected_cases.csv (anthro's own tests and the igrowup example survey)."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import polars as pl
import pytest

from satudata.growth import zscores

CASES_CSV = Path(__file__).parent / "data" / "expected_cases.csv"
DAYS_PER_MONTH = 30.4375  # WHO's month, restated here so the test does not lean on the package constant
Z_COLUMNS = ("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "zhc")
FLAG_COLUMNS = ("flen", "fwei", "fwfl", "fbmi", "fac", "c9mo_flag")

with CASES_CSV.open(newline="", encoding="utf-8") as handle:
    CASES = list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return float(text) if text not in ("", "NA") else None


def _input_frame(case: dict[str, str]) -> pl.DataFrame:
    age_days = _number(case["age_days"])
    if age_days is None and _number(case["age_months"]) is not None:
        # anthro's is_age_in_month = TRUE: days = months * 30.4375, unrounded (rounding is the package's job).
        age_days = float(case["age_months"]) * DAYS_PER_MONTH
    weight, lenhei = _number(case["weight_kg"]), _number(case["lenhei_cm"])
    bmi = re.search(r"bmi_input=([0-9.]+)", case["notes"])
    if bmi:
        # anthro-08 feeds BMI straight into the internal BMI function; 1 m of length makes weight equal BMI.
        weight, lenhei = float(bmi.group(1)), 100.0
    return pl.DataFrame(
        {
            "sex": [int(case["sex"]) if case["sex"] else None],
            "age_days": [age_days],
            "weight_kg": [weight],
            "lenhei_cm": [lenhei],
            "measure": [case["measure"] or None],
            "oedema": [case["oedema"] == "y"],
            "muac_cm": [_number(case["muac_cm"])],
            "headc_cm": [_number(case["headc_cm"])],
        },
        schema={
            "sex": pl.Int64,
            "age_days": pl.Float64,
            "weight_kg": pl.Float64,
            "lenhei_cm": pl.Float64,
            "measure": pl.Utf8,
            "oedema": pl.Boolean,
            "muac_cm": pl.Float64,
            "headc_cm": pl.Float64,
        },
    )


def test_the_case_file_has_all_142_cases() -> None:
    assert len(CASES) == 142
    assert len({case["case_id"] for case in CASES}) == 142


@pytest.mark.parametrize("case", CASES, ids=[case["case_id"] for case in CASES])
def test_who_case(case: dict[str, str]) -> None:
    result = zscores(_input_frame(case)).row(0, named=True)
    tolerance = float(case["tolerance"] or 0)
    asserted = 0
    for column in Z_COLUMNS:
        expected = case[f"exp_{column}"]
        if expected == "":
            continue
        asserted += 1
        if expected == "NA":
            assert result[column] is None, f"{column}: expected NA, got {result[column]}"
        else:
            assert result[column] is not None, f"{column}: expected {expected}, got NA"
            assert math.isclose(result[column], float(expected), abs_tol=tolerance + 1e-9), (
                f"{column}: expected {expected} +/- {tolerance}, got {result[column]}"
            )
    for column in FLAG_COLUMNS:
        expected = case[f"exp_{column}"]
        if expected == "":
            continue
        asserted += 1
        assert result[column] == (None if expected == "NA" else int(expected)), (
            f"{column}: expected {expected}, got {result[column]}"
        )
    assert asserted > 0, "a case that asserts nothing proves nothing"
