"""An independent reference for the growth tests: LMS rows read with the csv module straight from the shipped
tables, and WHO's formulas written out plainly, so that expected values never come from the code tested."""

from __future__ import annotations

import csv
import math
from functools import cache
from importlib import resources

import polars as pl

FILES = {
    "lhfa": ("who2006_length_height_for_age.csv", "age_days"),
    "wfa": ("who2006_weight_for_age.csv", "age_days"),
    "bmi": ("who2006_bmi_for_age.csv", "age_days"),
    "acfa": ("who2007_arm_circumference_for_age.csv", "age_days"),
    "hcfa": ("who2007_head_circumference_for_age.csv", "age_days"),
    "wfl": ("who2006_weight_for_length.csv", "length_cm"),
    "wfh": ("who2006_weight_for_height.csv", "height_cm"),
}

LMS = tuple[float, float, float]


@cache
def _rows(table: str) -> dict[tuple[int, str], LMS]:
    filename, key = FILES[table]
    text = resources.files("satudata.growth").joinpath("data", filename).read_text(encoding="utf-8")
    return {
        (int(row["sex_code"]), row[key]): (float(row["L"]), float(row["M"]), float(row["S"]))
        for row in csv.DictReader(text.splitlines())
    }


def lms(table: str, sex: int, key: int | str) -> LMS:
    """The row as written in the CSV: key is a day (int) or a length as the CSV writes it ("70.3", "65")."""
    return _rows(table)[(sex, str(key))]


def z_lms(y: float, row: LMS) -> float:
    l, m, s = row  # noqa: E741
    return ((y / m) ** l - 1) / (s * l)


def sd(row: LMS, k: float) -> float:
    l, m, s = row  # noqa: E741
    return m * (1 + l * s * k) ** (1 / l)


def z_restricted(y: float, row: LMS) -> float:
    z = z_lms(y, row)
    if z > 3:
        return 3 + (y - sd(row, 3)) / (sd(row, 3) - sd(row, 2))
    if z < -3:
        return -3 + (y - sd(row, -3)) / (sd(row, -2) - sd(row, -3))
    return z


def y_at(row: LMS, z: float, restricted: bool) -> float:
    """The measurement that has z-score z (the inverse of z_restricted beyond 3 SD)."""
    if restricted and z > 3:
        return sd(row, 3) + (z - 3) * (sd(row, 3) - sd(row, 2))
    if restricted and z < -3:
        return sd(row, -3) + (z + 3) * (sd(row, -2) - sd(row, -3))
    return sd(row, z)


def interpolated(table: str, sex: int, cm: float) -> LMS:
    low = math.floor(cm * 10) / 10
    fraction = (cm - low) / 0.1
    a, b = lms(table, sex, _key(low)), lms(table, sex, _key(low + 0.1))
    return tuple(x + fraction * (y - x) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _key(cm: float) -> str:
    text = f"{cm:.1f}"
    return text[:-2] if text.endswith(".0") else text


def child(**values: object) -> pl.DataFrame:
    """A one-row input frame for zscores(), with every column typed as the API expects."""
    row = {
        "sex": 1,
        "age_days": None,
        "weight_kg": None,
        "lenhei_cm": None,
        "measure": None,
        "oedema": False,
        "muac_cm": None,
    } | values
    return children([row])


def children(rows: list[dict[str, object]]) -> pl.DataFrame:
    schema = {
        "sex": pl.Int64,
        "age_days": pl.Float64,
        "weight_kg": pl.Float64,
        "lenhei_cm": pl.Float64,
        "measure": pl.Utf8,
        "oedema": pl.Boolean,
        "muac_cm": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema)
