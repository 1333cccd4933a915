"""The anthropometric prevalence rules on hand-made z-scores; every expected 0/1 is stated from the WHO rule
(rules.md §3-5, anthro R/prevalence.R), not computed."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from satudata import indicators
from satudata.events import feed
from satudata.indicators import (
    child_measurement_contributions,
    denominator_column,
    numerator_column,
    period_start,
    subject_key,
)

ANTHRO = (
    "stunting_prevalence",
    "severe_stunting_prevalence",
    "wasting_prevalence",
    "underweight_prevalence",
    "overweight_prevalence",
)
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
    assert indicators.of_feed("child_measurement") == ANTHRO
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
