"""WHO's restricted z-score beyond +/-3 SD, and the flags for implausible values at their thresholds.

Measurements are made in the test from the LMS rows (who_reference), at or just past each threshold."""

from __future__ import annotations

import pytest

from satudata.growth import zscores

from .who_reference import LMS, child, lms, y_at, z_lms, z_restricted

HALF_CENT = 0.005 + 1e-9


def one(**values: object) -> dict[str, object]:
    return zscores(child(**values)).row(0, named=True)


# indicator -> (LMS row used, the child's values that put the measurement into it)
def _case(indicator: str, y: float) -> tuple[LMS, dict[str, object]]:
    if indicator == "zwei":
        return lms("wfa", 1, 365), {"age_days": 365, "weight_kg": y}
    if indicator == "zwfl":
        return lms("wfl", 2, "70"), {
            "sex": 2,
            "age_days": 300,
            "weight_kg": y,
            "lenhei_cm": 70.0,
            "measure": "l",
        }
    if indicator == "zbmi":
        # 80 cm lying at 500 days is used as it is, so the weight sets the BMI: BMI * 0.8^2.
        return lms("bmi", 1, 500), {"age_days": 500, "lenhei_cm": 80.0, "measure": "l", "weight_kg": y * 0.64}
    if indicator == "zac":
        return lms("acfa", 2, 500), {"sex": 2, "age_days": 500, "muac_cm": y}
    if indicator == "zlen":
        return lms("lhfa", 1, 500), {"age_days": 500, "lenhei_cm": y, "measure": "l"}
    raise AssertionError(indicator)


@pytest.mark.parametrize("indicator", ["zwei", "zwfl", "zbmi", "zac"])
@pytest.mark.parametrize("z_target", [3.6, 4.4, -3.7, -4.5])
def test_restricted_formula_beyond_3_sd(indicator: str, z_target: float) -> None:
    row, _ = _case(indicator, 0)
    # Move 0.37 of the way past the target's measurement so that the expected value is not a round number.
    y = y_at(row, z_target, restricted=True) * 1.0037
    _, values = _case(indicator, y)
    expected = z_restricted(y, row)
    got = one(**values)[indicator]
    assert got == pytest.approx(expected, abs=HALF_CENT)
    # The plain LMS z-score differs there, so this test tells the two formulas apart.
    assert abs(z_lms(y, row) - expected) > 0.015


def test_length_for_age_uses_the_plain_lms_z_beyond_3_sd() -> None:
    # (With L = 1 in the length table the restricted formula would agree; the plain one is what anthro uses.)
    row = lms("lhfa", 1, 500)
    for z_target in (4.5, -4.5, 6.2):
        y = y_at(row, z_target, restricted=False)
        assert one(age_days=500, lenhei_cm=y, measure="l")["zlen"] == pytest.approx(z_target, abs=1e-9)


FLAGS = [
    # z column, flag column, low limit, high limit
    ("zlen", "flen", -6.0, 6.0),
    ("zwei", "fwei", -6.0, 5.0),
    ("zwfl", "fwfl", -5.0, 5.0),
    ("zbmi", "fbmi", -5.0, 5.0),
    ("zac", "fac", -5.0, 5.0),
]


@pytest.mark.parametrize(("z_column", "flag", "low", "high"), FLAGS)
def test_flags_at_their_thresholds(z_column: str, flag: str, low: float, high: float) -> None:
    restricted = z_column != "zlen"
    row, _ = _case(z_column, 0)
    for z_target, expected_flag in ((high, 0), (high + 0.01, 1), (low, 0), (low - 0.01, 1), (0.0, 0)):
        _, values = _case(z_column, y_at(row, z_target, restricted))
        result = one(**values)
        assert result[z_column] == pytest.approx(z_target, abs=1e-9), (z_column, z_target)
        assert result[flag] == expected_flag, (z_column, z_target)


def test_flags_are_null_where_the_z_score_is() -> None:
    result = one(age_days=400)
    assert all(result[f] is None for _, f, _, _ in FLAGS)
