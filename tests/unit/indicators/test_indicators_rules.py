"""The anthropometric prevalence rules on hand-made z-scores; every expected 0/1 is stated from the WHO rule
(rules.md §3-5, anthro R/prevalence.R), not computed."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from satudata import indicators
from satudata.events import feed
from satudata.indicators import (
    Methodology,
    child_measurement_contributions,
    denominator_column,
    numerator_column,
    period_start,
    subject_key,
)
from satudata.indicators import contributions as rule_contributions
from services.indicators.feeds import rows_frame
from tests.unit.indicators.builders import ANTHRO

# A one-year-old: well under 60 months.
AGE = 365


def child(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "age_days": AGE,
        "oedema": False,
        "zlen": 0.0,
        "flen": 0,
        "zwei": 0.0,
        "fwei": 0,
        "zwfl": 0.0,
        "fwfl": 0,
    }
    row.update(values)
    # Flags follow their z-scores unless a test says otherwise: null with a null z.
    for z, f in (("zlen", "flen"), ("zwei", "fwei"), ("zwfl", "fwfl")):
        if row[z] is None and f not in values:
            row[f] = None
    return row


def contributions(*rows: dict[str, Any]) -> list[dict[str, tuple[int, int]]]:
    frame = pl.DataFrame(
        list(rows),
        schema={
            "age_days": pl.Int32,
            "oedema": pl.Boolean,
            "zlen": pl.Float64,
            "flen": pl.Int8,
            "zwei": pl.Float64,
            "fwei": pl.Int8,
            "zwfl": pl.Float64,
            "fwfl": pl.Int8,
        },
    )
    out = child_measurement_contributions(frame)
    assert out.height == frame.height
    return [
        {code: (row[numerator_column(code)], row[denominator_column(code)]) for code in ANTHRO}
        for row in out.iter_rows(named=True)
    ]


def test_the_registry_and_the_rules_name_the_same_indicators() -> None:
    assert indicators.of_feed("child_measurement") == (*ANTHRO, "weighing_coverage", "no_weight_gain_rate")
    assert indicators.of_feed("population") == ("weighing_coverage",)
    frame = child_measurement_contributions(pl.DataFrame([child()]))
    expected = {c for code in ANTHRO for c in (numerator_column(code), denominator_column(code))}
    assert set(frame.columns) == expected
    assert all(dtype == pl.UInt8 for dtype in frame.dtypes)


@pytest.mark.parametrize(
    ("zlen", "stunted", "severe"),
    [
        (0.0, 0, 0),
        (-2.0, 0, 0),  # the cut-off is strict: exactly -2 SD is not stunted
        (-2.01, 1, 0),
        (-3.0, 1, 0),
        (-3.01, 1, 1),
        (-5.99, 1, 1),
        (6.0, 0, 0),  # +6 is the last unflagged value
    ],
)
def test_stunting_and_severe_stunting(zlen: float, stunted: int, severe: int) -> None:
    [got] = contributions(child(zlen=zlen))
    assert got["stunting_prevalence"] == (stunted, 1)
    assert got["severe_stunting_prevalence"] == (severe, 1)


@pytest.mark.parametrize(
    ("zwfl", "wasted", "overweight"),
    [(0.0, 0, 0), (-2.0, 0, 0), (-2.01, 1, 0), (-4.99, 1, 0), (2.0, 0, 0), (2.01, 0, 1), (4.99, 0, 1)],
)
def test_wasting_and_overweight_share_a_denominator(zwfl: float, wasted: int, overweight: int) -> None:
    [got] = contributions(child(zwfl=zwfl))
    assert got["wasting_prevalence"] == (wasted, 1)
    assert got["overweight_prevalence"] == (overweight, 1)


@pytest.mark.parametrize(("zwei", "underweight"), [(0.0, 0), (-2.0, 0), (-2.01, 1), (-5.99, 1), (4.99, 0)])
def test_underweight(zwei: float, underweight: int) -> None:
    [got] = contributions(child(zwei=zwei))
    assert got["underweight_prevalence"] == (underweight, 1)


def test_a_missing_z_score_is_in_no_denominator() -> None:
    [got] = contributions(child(zlen=None, zwei=None, zwfl=None))
    assert got == dict.fromkeys(ANTHRO, (0, 0))


def test_a_nan_z_score_is_in_no_denominator() -> None:
    [got] = contributions(child(zlen=float("nan"), zwei=float("nan"), zwfl=float("nan")))
    assert got == dict.fromkeys(ANTHRO, (0, 0))


def test_flagged_z_scores_are_left_out_of_their_own_indicators_only() -> None:
    # zlen -6.5 (< -6), zwei 5.5 (> 5), zwfl -5.5 (< -5): each flagged, so none is counted, not even as
    # stunted, underweight or wasted; the flags carry the verdict, so they are given, not derived here.
    flagged_len, flagged_wei, flagged_wfl = contributions(
        child(zlen=-6.5, flen=1, zwei=-2.5),
        child(zwei=5.5, fwei=1, zlen=-2.5),
        child(zwfl=-5.5, fwfl=1, zwei=-2.5),
    )
    assert flagged_len["stunting_prevalence"] == (0, 0)
    assert flagged_len["severe_stunting_prevalence"] == (0, 0)
    assert flagged_len["underweight_prevalence"] == (1, 1)
    assert flagged_wei["underweight_prevalence"] == (0, 0)
    assert flagged_wei["stunting_prevalence"] == (1, 1)
    assert flagged_wfl["wasting_prevalence"] == (0, 0)
    assert flagged_wfl["overweight_prevalence"] == (0, 0)
    assert flagged_wfl["underweight_prevalence"] == (1, 1)


def test_oedema_counts_below_minus_three_in_every_weight_based_prevalence() -> None:
    # WHO: with oedema zwei and zwfl are missing, yet the child counts as < -3 SD for weight-for-age and
    # weight-for-length/height: in the denominators, in underweight and wasting, never in overweight.
    # Length-for-age is not weight-based: it keeps its own z-score.
    [got] = contributions(child(oedema=True, zwei=None, zwfl=None, zlen=-1.0))
    assert got["wasting_prevalence"] == (1, 1)
    assert got["underweight_prevalence"] == (1, 1)
    assert got["overweight_prevalence"] == (0, 1)
    assert got["stunting_prevalence"] == (0, 1)
    assert got["severe_stunting_prevalence"] == (0, 1)


def test_oedema_wins_over_a_weight_z_score_or_its_flag() -> None:
    # Should a weight z-score come with oedema anyway (another source of z-scores), oedema still decides.
    with_z, with_flag = contributions(
        child(oedema=True, zwei=2.5, zwfl=2.5), child(oedema=True, zwei=6.0, fwei=1, zwfl=6.0, fwfl=1)
    )
    for got in (with_z, with_flag):
        assert got["wasting_prevalence"] == (1, 1)
        assert got["underweight_prevalence"] == (1, 1)
        assert got["overweight_prevalence"] == (0, 1)


def test_null_oedema_means_no_oedema() -> None:
    [got] = contributions(child(oedema=None, zwfl=None, zwei=None))
    assert got["wasting_prevalence"] == (0, 0)
    assert got["underweight_prevalence"] == (0, 0)


@pytest.mark.parametrize(
    ("age_days", "counted"),
    [
        (0, True),  # the day of birth
        (1826, True),  # 59.99 months: the last day under 60 (60 x 30.4375 = 1826.25)
        (1827, False),  # 60.03 months
        (2000, False),
        (-1, False),  # measured before birth: no age
        (None, False),
    ],
)
def test_only_children_under_60_months_count(age_days: int | None, counted: bool) -> None:
    # Stunted, wasted, underweight, and with oedema: any record under 60 months is in every denominator.
    [got] = contributions(child(age_days=age_days, zlen=-3.5, zwei=-3.5, zwfl=-3.5, oedema=True))
    if counted:
        assert got == {
            "stunting_prevalence": (1, 1),
            "severe_stunting_prevalence": (1, 1),
            "wasting_prevalence": (1, 1),
            "underweight_prevalence": (1, 1),
            "overweight_prevalence": (0, 1),
        }
    else:
        assert got == dict.fromkeys(ANTHRO, (0, 0))


def test_rows_keep_their_order() -> None:
    got = contributions(child(zlen=-2.5), child(zlen=0.0), child(zlen=None), child(zlen=-3.5))
    assert [g["stunting_prevalence"] for g in got] == [(1, 1), (0, 1), (0, 0), (1, 1)]


def test_the_subject_is_the_nik_or_the_record_id() -> None:
    frame = pl.DataFrame({"child_nik": ["5301044501230001", None], "record_id": ["A-1", "A-2"]})
    got = frame.select(subject_key(feed("child_measurement"))).to_series().to_list()
    assert got == ["5301044501230001", "rec:A-2"]


def test_the_period_is_the_first_day_of_the_calendar_month() -> None:
    dates = pl.Series(["2025-03-01", "2025-03-31", "2024-02-29", "2024-12-31"]).str.to_date()
    got = pl.select(period_start(pl.lit(dates))).to_series().cast(pl.String).to_list()
    assert got == ["2025-03-01", "2025-03-01", "2024-02-01", "2024-12-01"]


# The rules of every feed, through satudata.indicators.contributions on hand-made counted records.

DESA = "5301042003"
LINE = Methodology({2025: 300_000})


def counted_frame(feed_name: str, *rows: tuple[str, str, dict[str, Any]]) -> pl.DataFrame:
    """(subject, period ISO, values) rows as the frame a rule reads (partition 0, one desa)."""
    return rows_frame(feed_name, [(0, subject, period, DESA, values) for subject, period, values in rows])


def sums(
    feed_name: str, *rows: tuple[str, str, dict[str, Any]], methodology: Methodology = LINE
) -> dict[tuple[str, str], tuple[int, int]]:
    """(indicator, period ISO) → (numerator, denominator) of the rule over the rows."""
    out = rule_contributions(feed_name, counted_frame(feed_name, *rows), methodology)
    assert out.columns == list(indicators.LONG_COLUMNS)
    summed = out.group_by("indicator", "period").agg(pl.col("numerator").sum(), pl.col("denominator").sum())
    return {(code, period.isoformat()): (n, d) for code, period, n, d in summed.iter_rows()}


def one(feed_name: str, methodology: Methodology = LINE, **values: Any) -> dict[str, tuple[int, int]]:
    return {code: nd for (code, _), nd in sums(feed_name, ("s", "2025-03-01", values), methodology=methodology).items()}


@pytest.mark.parametrize(
    ("muac", "hb", "expected"),
    [
        (23.4, 10.9, {"pregnant_kek_prevalence": (1, 1), "pregnant_anaemia_prevalence": (1, 1)}),
        (23.5, 11.0, {"pregnant_kek_prevalence": (0, 1), "pregnant_anaemia_prevalence": (0, 1)}),  # strict cut-offs
        (None, 9.0, {"pregnant_anaemia_prevalence": (1, 1)}),  # no MUAC: in no KEK denominator
        (20.0, None, {"pregnant_kek_prevalence": (1, 1)}),
        (None, None, {}),
    ],
)
def test_pregnancy_kek_and_anaemia(muac: float | None, hb: float | None, expected: dict) -> None:
    assert one("pregnancy_check", muac_cm=muac, hb_g_dl=hb) == expected


FAMILY_OK = {
    "has_under_five": True,
    "has_pregnant": False,
    "safe_water": True,
    "proper_latrine": True,
    "mother_too_young": False,
    "mother_too_old": False,
    "births_too_close": False,
    "too_many_children": False,
}


@pytest.mark.parametrize(
    ("change", "at_risk"),
    [
        ({}, 0),  # a target family without a risk factor
        ({"safe_water": False}, 1),
        ({"proper_latrine": False}, 1),
        ({"mother_too_young": True}, 1),
        ({"mother_too_old": True}, 1),
        ({"births_too_close": True}, 1),
        ({"too_many_children": True}, 1),
        ({"has_under_five": False, "has_pregnant": True, "too_many_children": True}, 1),
        ({"has_under_five": False, "safe_water": False, "mother_too_old": True}, 0),  # no target member
        ({"safe_water": None, "proper_latrine": None}, 0),  # unknown is not a risk
        ({"has_under_five": None, "has_pregnant": None, "safe_water": False}, 0),
    ],
)
def test_family_at_risk_of_stunting(change: dict[str, Any], at_risk: int) -> None:
    assert one("family_risk", **(FAMILY_OK | change)) == {"family_risk_rate": (at_risk, 1)}


@pytest.mark.parametrize(
    ("hb", "muac", "age", "at_risk"),
    [
        (12.0, 23.5, 19, 0),  # every cut-off is strict: 12 g/dL, 23.5 cm and 19 years are not at risk
        (11.9, 30.0, 25, 1),
        (14.0, 23.4, 25, 1),
        (14.0, 30.0, 18, 1),
        (None, None, 25, 0),  # a missing Hb or MUAC is not a risk
        (None, None, 18, 1),
    ],
)
def test_bride_at_risk(hb: float | None, muac: float | None, age: int, at_risk: int) -> None:
    assert one("bride_screening", hb_g_dl=hb, muac_cm=muac, age_years=age) == {"bride_risk_rate": (at_risk, 1)}


def test_extreme_poverty_counts_people_not_households() -> None:
    got = sums(
        "household_welfare",
        ("kk1", "2025-03-01", {"members": 5, "per_capita_expenditure_rp": 299_999, "year": 2025}),
        ("kk2", "2025-03-01", {"members": 3, "per_capita_expenditure_rp": 300_000, "year": 2025}),  # the line: not
        ("kk3", "2025-03-01", {"members": 2, "per_capita_expenditure_rp": 100_000, "year": 2025}),
    )
    assert got == {("extreme_poverty_rate", "2025-03-01"): (5 + 2, 5 + 3 + 2)}


@pytest.mark.parametrize(
    ("year", "rp", "poor"),
    [
        (2022, 299_999, True),  # a listed year: its own line (300 000)
        (2024, 399_999, True),
        (2023, 350_000, False),  # equally near 2022 and 2024: the earlier year's line, 300 000
        (2021, 299_999, True),  # before the first listed year: the first
        (2020, 350_000, False),
        (2026, 399_999, True),  # after the last: the last
        (2027, 500_000, False),
    ],
)
def test_a_year_not_listed_takes_the_nearest_line_and_on_a_tie_the_earlier(year: int, rp: int, poor: bool) -> None:
    method = Methodology({2022: 300_000, 2024: 400_000})
    values = {"members": 4, "per_capita_expenditure_rp": rp, "year": year}
    assert one("household_welfare", method, **values) == {"extreme_poverty_rate": (4 * poor, 4)}


def test_the_nearest_line_is_not_merely_the_one_below() -> None:
    # 2023 is 3 years after 2020 and 1 before 2024: 2024's line (400 000) applies, so 350 000 is poor.
    method = Methodology({2020: 100_000, 2024: 400_000})
    values = {"members": 1, "per_capita_expenditure_rp": 350_000, "year": 2023}
    assert one("household_welfare", method, **values) == {"extreme_poverty_rate": (1, 1)}


def test_no_extreme_poverty_line_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="no extreme-poverty line"):
        one("household_welfare", Methodology(), members=1, per_capita_expenditure_rp=1, year=2025)


@pytest.mark.parametrize(
    ("water", "sanitation", "expected"),
    [
        ("safely_managed", "safely_managed", (1, 1)),
        ("basic", "basic", (1, 1)),
        ("limited", "limited", (0, 0)),
        ("unimproved", "unimproved", (0, 0)),
        ("surface_water", "open_defecation", (0, 0)),
        (None, None, (0, 0)),
    ],
)
def test_wash_classes(water: str | None, sanitation: str | None, expected: tuple[int, int]) -> None:
    got = one("wash_access", water_source_class=water, sanitation_class=sanitation)
    assert got == {"safe_water_rate": (expected[0], 1), "proper_sanitation_rate": (expected[1], 1)}


def test_population_under_five_is_the_weighing_denominator_of_every_month_of_its_year() -> None:
    got = sums(
        "population",
        ("d|2025|0-4|L", "2025-01-01", {"age_group": "0-4", "count": 40, "year": 2025}),
        ("d|2025|0-4|P", "2025-01-01", {"age_group": "0-4", "count": 38, "year": 2025}),
        ("d|2025|5-14|L", "2025-01-01", {"age_group": "5-14", "count": 99, "year": 2025}),  # not under five
        ("d|2024|0-4|L", "2024-01-01", {"age_group": "0-4", "count": 7, "year": 2024}),
    )
    months_2025 = {("weighing_coverage", f"2025-{m:02d}-01"): (0, 78) for m in range(1, 13)}
    months_2024 = {("weighing_coverage", f"2024-{m:02d}-01"): (0, 7) for m in range(1, 13)}
    assert got == months_2025 | months_2024  # nothing in 2026-01 nor from the 5-14 group


def measured(subject: str, period: str, weight: float | None, age_days: int = 400) -> tuple[str, str, dict]:
    return (subject, period, {"age_days": age_days, "oedema": False, "weight_kg": weight})


def test_weighing_coverage_counts_children_under_five_measured_in_the_month() -> None:
    got = sums(
        "child_measurement",
        measured("a", "2025-03-01", 10.0, age_days=0),
        measured("b", "2025-03-01", 10.0, age_days=1826),  # 59.99 months
        measured("c", "2025-03-01", 10.0, age_days=1827),  # 60.03 months: not under five
        measured("d", "2025-03-01", None),  # measured, weight missing: still measured
    )
    assert got[("weighing_coverage", "2025-03-01")] == (3, 0)


def test_no_weight_gain_compares_consecutive_months_only() -> None:
    got = sums(
        "child_measurement",
        measured("same", "2025-03-01", 10.0),
        measured("same", "2025-04-01", 10.0),  # equal: did not gain
        measured("gain", "2025-03-01", 10.0),
        measured("gain", "2025-04-01", 10.1),
        measured("loss", "2025-03-01", 10.0),
        measured("loss", "2025-04-01", 9.9),
        measured("gap", "2025-02-01", 10.0),
        measured("gap", "2025-04-01", 9.0),  # February to April: not consecutive, in no denominator
        measured("no-weight", "2025-03-01", None),
        measured("no-weight", "2025-04-01", 9.0),
        measured("year", "2024-12-01", 10.0),
        measured("year", "2025-01-01", 10.0),  # December to January is consecutive
        measured("old", "2025-03-01", 12.0, age_days=1800),
        measured("old", "2025-04-01", 11.0, age_days=1831),  # 60 months in April: left out
    )
    gain = {period: nd for (code, period), nd in got.items() if code == "no_weight_gain_rate"}
    assert gain == {"2025-04-01": (2, 3), "2025-01-01": (1, 1)}


def test_contributions_carry_partition_desa_and_period() -> None:
    frame = counted_frame("pregnancy_check", ("m", "2025-03-01", {"muac_cm": 20.0}))
    out = rule_contributions("pregnancy_check", frame, LINE)
    assert out.rows() == [(0, "pregnant_kek_prevalence", date(2025, 3, 1), DESA, 1, 1)]
