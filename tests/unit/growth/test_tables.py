"""LMS table access, the inverse z -> measurement for the synthetic data, and R's rounding."""

from __future__ import annotations

import math

import numpy as np
import pytest

from satudata.growth import measurement_for_z, tables, zscores
from satudata.growth.formulas import round_like_r

from .who_reference import child, interpolated, lms, sd


def test_lms_by_age_is_the_table_row() -> None:
    l, m, s = tables.lms("weight_for_age", [1, 2, 1], [0, 365, 1826])  # noqa: E741
    for i, (sex, day) in enumerate([(1, 0), (2, 365), (1, 1826)]):
        assert (l[i], m[i], s[i]) == lms("wfa", sex, day)


def test_lms_rounds_the_age_half_up_and_is_nan_outside_the_table() -> None:
    _, m, _ = tables.lms("length_height_for_age", 1, [364.5, 364.49, -1, 1827, np.nan])
    assert m[0] == lms("lhfa", 1, 365)[1] and m[1] == lms("lhfa", 1, 364)[1]
    assert np.isnan(m[2:]).all()
    _, m, _ = tables.lms("arm_circumference_for_age", 2, [90, 91])
    assert np.isnan(m[0]) and m[1] == lms("acfa", 2, 91)[1]
    _, m, _ = tables.lms("weight_for_age", [0, 3, np.nan], 100)
    assert np.isnan(m).all()


def test_lms_by_length_interpolates() -> None:
    l, m, s = tables.lms("weight_for_length", 2, [70.35, 45.0, 110.0, 44.9, 110.1])  # noqa: E741
    assert (l[0], m[0], s[0]) == pytest.approx(interpolated("wfl", 2, 70.35), rel=1e-12)
    assert m[1] == lms("wfl", 2, "45")[1] and m[2] == lms("wfl", 2, "110")[1]
    assert np.isnan(m[3:]).all()


def test_lms_keeps_the_shape_of_scalars() -> None:
    l, m, s = tables.lms("bmi_for_age", 1, 100)  # noqa: E741
    assert np.shape(l) == np.shape(m) == np.shape(s) == ()
    assert (float(l), float(m), float(s)) == lms("bmi", 1, 100)


def test_unknown_indicator() -> None:
    with pytest.raises(ValueError, match="weight_for_age"):
        tables.lms("weight_for_age_typo", 1, 1)


def test_measurement_for_z_is_the_lms_inverse() -> None:
    assert measurement_for_z("weight_for_age", 1, 0, 0.0) == pytest.approx(lms("wfa", 1, 0)[1], rel=1e-15)
    got = measurement_for_z("weight_for_age", [1, 2], [400, 400], [-2.0, 1.5])
    assert got == pytest.approx([sd(lms("wfa", 1, 400), -2.0), sd(lms("wfa", 2, 400), 1.5)], rel=1e-12)
    assert np.isnan(measurement_for_z("weight_for_age", 1, 5000, 0.0))


@pytest.mark.parametrize(
    ("indicator", "z_column", "column", "extra"),
    [
        ("weight_for_age", "zwei", "weight_kg", {}),
        ("length_height_for_age", "zlen", "lenhei_cm", {"measure": "l"}),
        ("arm_circumference_for_age", "zac", "muac_cm", {}),
    ],
)
def test_measurement_for_z_round_trips_through_zscores(
    indicator: str, z_column: str, column: str, extra: dict[str, object]
) -> None:
    for z in (-3.0, -1.37, 0.0, 2.25, 3.0):
        y = float(measurement_for_z(indicator, 2, 500, z))
        assert zscores(child(sex=2, age_days=500, **{column: y}, **extra))[z_column][0] == pytest.approx(z)


def test_measurement_for_z_for_weight_for_length_round_trips() -> None:
    y = float(measurement_for_z("weight_for_length", 1, 70.35, -2.4))
    result = zscores(child(age_days=300, weight_kg=y, lenhei_cm=70.35, measure="l"))
    assert result["zwfl"][0] == pytest.approx(-2.4)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (2.675, 2.67),  # 2.675 is stored as 2.67499999999999982; numpy.round says 2.68
        (-2.675, -2.67),
        (0.125, 0.12),  # an exact tie goes to the even neighbour
        (0.375, 0.38),
        (-0.625, -0.62),
        (1.23456, 1.23),
        (-3.2951, -3.3),
        (5.0, 5.0),
    ],
)
def test_rounding_like_r(x: float, expected: float) -> None:
    assert round_like_r(np.array([x]))[0] == expected


def test_rounding_keeps_nan_and_never_gives_minus_zero() -> None:
    got = round_like_r(np.array([np.nan, -0.001, -0.0]))
    assert np.isnan(got[0])
    assert got[1] == 0.0 and math.copysign(1.0, got[1]) == 1.0
    assert math.copysign(1.0, got[2]) == 1.0


def test_lms_tables_are_read_only() -> None:
    with pytest.raises(ValueError, match="read-only"):
        tables.table("weight_for_age").m[0] = 1.0
