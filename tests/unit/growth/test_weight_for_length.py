"""Weight-for-length/height: which table, interpolation between the 0.1 cm grid points, valid ranges, and the
fallbacks when the age (and the measure) is missing."""

from __future__ import annotations

import pytest

from satudata.growth import zscores

from .who_reference import child, interpolated, lms, z_restricted

HALF_CENT = 0.005 + 1e-9


def zwfl(**values: object) -> float | None:
    return zscores(child(**values)).row(0, named=True)["zwfl"]


def test_interpolates_between_grid_points() -> None:
    # 70.35 cm lies halfway from 70.3 to 70.4; L, M and S are interpolated linearly.
    expected = z_restricted(8.0, interpolated("wfl", 2, 70.35))
    got = zwfl(sex=2, age_days=300, weight_kg=8.0, lenhei_cm=70.35, measure="l")
    assert got == pytest.approx(expected, abs=HALF_CENT)
    # Neither grid point alone gives that answer, so the test would catch a missing interpolation.
    for grid_point in ("70.3", "70.4"):
        assert abs(got - z_restricted(8.0, lms("wfl", 2, grid_point))) > HALF_CENT  # type: ignore[operator]


def test_on_a_grid_point_the_row_is_used_as_it_is() -> None:
    got = zwfl(sex=1, age_days=300, weight_kg=8.0, lenhei_cm=70.4, measure="l")
    assert got == pytest.approx(z_restricted(8.0, lms("wfl", 1, "70.4")), abs=HALF_CENT)


def test_weight_for_height_from_731_days() -> None:
    expected = z_restricted(11.0, interpolated("wfh", 1, 85.55))
    got = zwfl(sex=1, age_days=800, weight_kg=11.0, lenhei_cm=85.55, measure="h")
    assert got == pytest.approx(expected, abs=HALF_CENT)
    assert abs(got - z_restricted(11.0, interpolated("wfl", 1, 85.55))) > HALF_CENT  # type: ignore[operator]


@pytest.mark.parametrize(
    ("age", "measure", "length", "computed"),
    [
        (300, "l", 44.9, False),
        (300, "l", 45.0, True),
        (300, "l", 110.0, True),
        (300, "l", 110.1, False),
        (800, "h", 64.9, False),
        (800, "h", 65.0, True),
        (800, "h", 120.0, True),
        (800, "h", 120.1, False),
    ],
)
def test_valid_length_and_height_ranges(age: int, measure: str, length: float, computed: bool) -> None:
    got = zwfl(age_days=age, weight_kg=10.0, lenhei_cm=length, measure=measure)
    assert (got is not None) == computed


@pytest.mark.parametrize(
    ("measure", "length", "table"),
    [
        ("l", 90.0, "wfl"),  # no age: the recorded measure decides
        ("h", 80.0, "wfh"),
        (None, 86.9, "wfl"),  # no age and no measure: under 87 cm is length
        (None, 87.0, "wfh"),
    ],
)
def test_table_choice_without_age(measure: str | None, length: float, table: str) -> None:
    other = "wfh" if table == "wfl" else "wfl"
    got = zwfl(age_days=None, weight_kg=12.0, lenhei_cm=length, measure=measure)
    assert got == pytest.approx(z_restricted(12.0, interpolated(table, 1, length)), abs=HALF_CENT)
    assert abs(got - z_restricted(12.0, interpolated(other, 1, length))) > HALF_CENT  # type: ignore[operator]


def test_the_age_decides_the_table_whatever_the_measure() -> None:
    # Lying at 800 days: the length becomes a height (-0.7 cm) and the height table is used.
    got = zwfl(age_days=800, weight_kg=12.0, lenhei_cm=88.0, measure="l")
    assert got == pytest.approx(z_restricted(12.0, interpolated("wfh", 1, 87.3)), abs=HALF_CENT)
