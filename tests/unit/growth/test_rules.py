"""Each of anthro's rules on its own: the 0.7 cm conversion, the 9-month rule, the age limits, missing and
impossible values, sex and oedema. Expected z-scores come from who_reference, not from the code under test."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from satudata.growth import OUTPUT_COLUMNS, age_in_days, zscores

from .who_reference import child, children, lms, z_lms, z_restricted

HALF_CENT = 0.005 + 1e-9  # a z-score rounded to 2 decimals is within this of the unrounded value


def one(**values: object) -> dict[str, object]:
    return zscores(child(**values)).row(0, named=True)


def test_standing_under_731_days_adds_0_7_cm() -> None:
    result = one(age_days=730, lenhei_cm=80.0, measure="h")
    assert result["clenhei"] == pytest.approx(80.7)
    assert result["zlen"] == pytest.approx(z_lms(80.7, lms("lhfa", 1, 730)), abs=HALF_CENT)


def test_lying_from_731_days_subtracts_0_7_cm() -> None:
    result = one(age_days=731, lenhei_cm=90.0, measure="l")
    assert result["clenhei"] == pytest.approx(89.3)
    assert result["zlen"] == pytest.approx(z_lms(89.3, lms("lhfa", 1, 731)), abs=HALF_CENT)


@pytest.mark.parametrize(("age", "measure"), [(730, "l"), (731, "h"), (400, None), (None, "h"), (None, "l")])
def test_no_adjustment_when_the_position_fits_the_age_or_is_unknown(age: int | None, measure: str | None) -> None:
    assert one(age_days=age, lenhei_cm=85.0, measure=measure)["clenhei"] == 85.0


def test_age_in_days_is_rounded_half_up_before_the_table_lookup() -> None:
    # 24 months = 730.5 days counts as day 731: lying length becomes height (anthro issue #17).
    result = one(age_days=730.5, lenhei_cm=90.0, measure="l")
    assert result["age_days_used"] == 731
    assert result["clenhei"] == pytest.approx(89.3)
    assert one(age_days=730.49, lenhei_cm=90.0, measure="l")["age_days_used"] == 730


def test_standing_before_9_months_is_implausible_and_not_adjusted() -> None:
    # 9 months = 273.9375 days: day 273 is under it, day 274 is not.
    young = one(age_days=273, lenhei_cm=65.0, measure="h")
    assert young["c9mo_flag"] == 1
    assert young["clenhei"] == 65.0
    assert young["zlen"] == pytest.approx(z_lms(65.0, lms("lhfa", 1, 273)), abs=HALF_CENT)
    older = one(age_days=274, lenhei_cm=65.0, measure="h")
    assert older["c9mo_flag"] == 0
    assert older["clenhei"] == pytest.approx(65.7)
    assert one(age_days=200, lenhei_cm=65.0, measure="l")["c9mo_flag"] == 0


def test_no_z_scores_from_60_months() -> None:
    values = {"weight_kg": 18.0, "lenhei_cm": 108.0, "measure": "h", "muac_cm": 16.0}
    below = one(age_days=1826, **values)  # 59.99 months
    assert all(below[z] is not None for z in ("zlen", "zwei", "zwfl", "zbmi", "zac"))
    for age in (1826.25, 1827, 1856, 1900):  # 1826.25 days is exactly 60 months
        result = one(age_days=age, **values)
        assert all(result[z] is None for z in ("zlen", "zwei", "zwfl", "zbmi", "zac")), age
        assert all(result[f] is None for f in ("flen", "fwei", "fwfl", "fbmi", "fac")), age


def test_a_negative_age_is_a_missing_age() -> None:
    result = one(age_days=-3, weight_kg=8.0, lenhei_cm=70.0, measure="l")
    assert result["age_days_used"] is None
    assert result["zlen"] is None and result["zwei"] is None and result["zbmi"] is None
    # weight-for-length needs no age: with the age missing, the recorded measure picks the table.
    assert result["zwfl"] == pytest.approx(z_restricted(8.0, lms("wfl", 1, "70")), abs=HALF_CENT)


@pytest.mark.parametrize(
    ("column", "z_columns"),
    [
        ("weight_kg", ("zwei", "zwfl", "zbmi")),
        ("lenhei_cm", ("zlen", "zwfl", "zbmi")),
        ("muac_cm", ("zac",)),
    ],
)
@pytest.mark.parametrize("value", [0.0, -1.0])
def test_a_measurement_of_zero_or_less_gives_no_z_score(column: str, z_columns: tuple[str, ...], value: float) -> None:
    values: dict[str, object] = {"age_days": 400, "weight_kg": 9.0, "lenhei_cm": 75.0, "muac_cm": 14.0}
    assert all(one(**values)[z] is not None for z in z_columns)
    result = one(**(values | {column: value}))
    assert all(result[z] is None for z in z_columns)


@pytest.mark.parametrize("sex", [None, 0, 3])
def test_no_z_scores_without_a_valid_sex(sex: int | None) -> None:
    result = one(sex=sex, age_days=400, weight_kg=9.0, lenhei_cm=75.0, muac_cm=14.0)
    assert all(result[z] is None for z in ("zlen", "zwei", "zwfl", "zbmi", "zac"))


def test_girls_use_the_girls_table() -> None:
    result = one(sex=2, age_days=400, lenhei_cm=75.0)
    assert result["zlen"] == pytest.approx(z_lms(75.0, lms("lhfa", 2, 400)), abs=HALF_CENT)
    assert result["zlen"] != pytest.approx(z_lms(75.0, lms("lhfa", 1, 400)), abs=0.05)


def test_oedema_removes_the_weight_based_z_scores_only() -> None:
    values = {"age_days": 500, "weight_kg": 9.0, "lenhei_cm": 76.0, "measure": "l", "muac_cm": 13.0}
    plain, swollen = one(**values), one(oedema=True, **values)
    for z, flag in (("zwei", "fwei"), ("zwfl", "fwfl"), ("zbmi", "fbmi")):
        assert plain[z] is not None and swollen[z] is None and swollen[flag] is None
    assert swollen["zlen"] == plain["zlen"] is not None
    assert swollen["zac"] == plain["zac"] is not None
    assert one(oedema=None, **values)["zwei"] == plain["zwei"]  # null oedema means no oedema


def test_bmi_uses_the_adjusted_length() -> None:
    result = one(age_days=800, weight_kg=12.0, lenhei_cm=88.0, measure="l")  # height 87.3 cm
    expected = z_restricted(12.0 / 0.873**2, lms("bmi", 1, 800))
    assert result["zbmi"] == pytest.approx(expected, abs=HALF_CENT)
    assert result["zbmi"] != pytest.approx(z_restricted(12.0 / 0.88**2, lms("bmi", 1, 800)), abs=HALF_CENT)


def test_muac_is_only_scored_from_91_days() -> None:
    assert one(age_days=90, muac_cm=12.0)["zac"] is None
    assert one(age_days=91, muac_cm=12.0)["zac"] == pytest.approx(z_restricted(12.0, lms("acfa", 1, 91)), abs=HALF_CENT)


def test_age_from_birth_and_measurement_dates() -> None:
    frame = (
        child(age_days=None, lenhei_cm=75.0)
        .drop("age_days")
        .with_columns(birth_date=pl.lit(dt.date(2023, 2, 27)), measure_date=pl.lit(dt.date(2024, 3, 1)))
    )
    result = zscores(frame).row(0, named=True)
    assert result["age_days_used"] == 368  # 2024 is a leap year: 27 Feb 2023 to 1 Mar 2024
    assert result["zlen"] == pytest.approx(z_lms(75.0, lms("lhfa", 1, 368)), abs=HALF_CENT)


def test_age_in_days_on_dates_series_and_expressions() -> None:
    assert age_in_days(dt.date(2020, 2, 28), dt.date(2020, 3, 1)) == 2
    assert age_in_days(dt.datetime(2020, 2, 28, 23, 0), dt.datetime(2020, 2, 29, 1, 0)) == 1
    births = pl.Series([dt.date(2023, 1, 1), None, dt.date(2024, 1, 31)])
    measured = pl.Series([dt.date(2023, 1, 31), dt.date(2023, 5, 1), dt.date(2024, 3, 1)])
    assert age_in_days(births, measured).to_list() == [30, None, 30]
    frame = pl.DataFrame({"b": births, "m": measured})
    assert frame.select(age_in_days("b", "m")).to_series().to_list() == [30, None, 30]
    assert frame.select(age_in_days(pl.col("b"), dt.date(2024, 3, 1))).to_series().to_list() == [
        425,
        None,
        30,
    ]


def test_output_columns_types_and_rerun() -> None:
    frame = child(age_days=400, weight_kg=9.0, lenhei_cm=75.0, measure="l", muac_cm=14.0)
    result = zscores(frame)
    assert result.columns == [*frame.columns, *OUTPUT_COLUMNS]
    assert all(result.schema[z] == pl.Float64 for z in ("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac"))
    assert all(result.schema[f] == pl.Int8 for f in ("flen", "fwei", "fwfl", "fbmi", "fac", "c9mo_flag"))
    assert zscores(result).equals(result)  # a second run replaces the columns instead of adding more


def test_head_circumference_is_scored_when_given() -> None:
    frame = child(age_days=100).with_columns(headc_cm=pl.lit(40.5))
    result = zscores(frame).row(0, named=True)
    assert result["zhc"] == pytest.approx(z_lms(40.5, lms("hcfa", 1, 100)), abs=HALF_CENT)
    assert result["fhc"] == 0
    assert "zhc" not in zscores(child(age_days=100)).columns


def test_large_frames_give_the_same_answers_as_small_ones() -> None:
    # Large frames are cut into blocks and threads; every block boundary must be invisible in the result.
    base = [
        {"sex": 1, "age_days": 300, "weight_kg": 8.0, "lenhei_cm": 70.2, "measure": "l", "muac_cm": 13.0},
        {"sex": 2, "age_days": 1000, "weight_kg": 11.5, "lenhei_cm": 86.4, "measure": "h", "muac_cm": 15.1},
        {"sex": 2, "age_days": None, "weight_kg": 6.0, "lenhei_cm": 64.0, "measure": None, "muac_cm": None},
        {"sex": None, "age_days": 20, "weight_kg": 3.5, "lenhei_cm": 52.0, "measure": "h", "oedema": True},
        {"sex": 1, "age_days": 1800, "weight_kg": 30.0, "lenhei_cm": 98.0, "measure": "l", "muac_cm": 22.0},
    ]
    small = zscores(children(base))
    repeats = 50_001  # 250,005 rows: several blocks, and more than one thread where there are cores
    large = zscores(children(base * repeats))
    assert large.height == len(base) * repeats
    for start in (0, 65_535, 131_070, large.height - len(base)):
        assert large.slice(start, len(base)).equals(small), start


def test_a_length_that_the_conversion_makes_zero_or_less_gives_no_z_score() -> None:
    result = one(age_days=800, lenhei_cm=0.5, measure="l")  # lying from 731 days: 0.5 - 0.7 cm
    assert result["clenhei"] is None and result["zlen"] is None
