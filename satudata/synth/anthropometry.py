"""Children's true z-scores, drawn from the calibrated distribution, and the measurements that carry them.

The truth is the drawn z (zlen, zwfl) and the weight-for-age z the drawn weight implies; the measurements are
made from them with the WHO LMS inverse and rounded as a Posyandu scale and board round them. Every z is kept
away from the cut-offs by more than that rounding can move it, so the published classification is the true
one. The z-score code under test (satudata.growth.zscores) is not used here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from satudata.growth import measurement_for_z, tables
from satudata.synth.child_model import sample_z

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

LENGTH_DAYS = 731
SHIFT_CM = 0.7
MIN_STANDING_DAYS = 300  # WHO treats "standing" before 9 months (274 d) as implausible; stay well clear
WFL_RANGE = (45.0, 110.0)
WFH_RANGE = (65.0, 120.0)
# Cut-offs the truth must be unambiguous about, and bounds that keep every z far from WHO's implausibility
# flags (the restricted z beyond 3 SD grows faster than the plain one above +3, hence the lower upper bounds).
CUTS = {"zlen": (-3.0, -2.0), "zwfl": (-3.0, -2.0, 2.0), "zwei": (-3.0, -2.0, 2.0)}
BOUNDS = {"zlen": (-5.5, 5.5), "zwfl": (-4.5, 3.5), "zwei": (-5.5, 3.5)}
WEIGHT_STEP, HEIGHT_STEP = 0.1, 0.1
SAFETY = 1.5  # margin = SAFETY * (z change from half a rounding step) + Z_ROUNDING
Z_ROUNDING = 0.015  # z-scores are published to 2 decimals


def _margin(indicator: str, sex: FloatArray, key: FloatArray, cut: float, step: float) -> FloatArray:
    """How far from `cut` a z must stay: what half a rounding step of the measurement can move it, and more.

    dz/dy of the LMS z is (y/M)^(L-1) / (M*S), taken at the measurement that sits exactly on the cut.
    """
    l, m, s = tables.lms(indicator, sex, key)  # noqa: E741
    y = measurement_for_z(indicator, sex, key, cut)
    return SAFETY * (step / 2) * np.abs((y / m) ** (l - 1) / (m * s)) + Z_ROUNDING


def _push(z: FloatArray, margins: dict[float, FloatArray]) -> FloatArray:
    """z moved just out of each cut-off's band, on the side it was drawn: its classification does not
    change."""
    for cut, margin in margins.items():
        near = np.abs(z - cut) < margin
        z = np.where(near, np.where(z < cut, cut - margin, cut + margin), z)
    return z


def _clear(z: FloatArray, margins: dict[float, FloatArray]) -> BoolArray:
    ok = np.ones(len(z), dtype=bool)
    for cut, margin in margins.items():
        ok &= np.abs(z - cut) >= margin  # False for NaN, as wanted
    return ok


@dataclass
class Measured:
    height_cm: FloatArray  # as recorded, in the recorded position
    weight_kg: FloatArray
    standing: BoolArray
    zlen: FloatArray
    zwfl: FloatArray
    zwei: FloatArray  # plain LMS z of the unrounded weight for age: the truth for underweight
    muac_cm: FloatArray  # NaN where not measured


@dataclass
class _Rows:
    """The rows still being drawn, with what does not change between attempts."""

    sex: FloatArray
    age: FloatArray
    standing: BoolArray

    @property
    def young(self) -> BoolArray:
        return self.age < LENGTH_DAYS


def _height(rows: _Rows, zlen: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The recorded height (rounded, in the recorded position) and the WHO-adjusted clenhei from it."""
    standard = measurement_for_z("length_height_for_age", rows.sex, rows.age, zlen)
    young, standing = rows.young, rows.standing
    recorded = np.where(
        young & standing, standard - SHIFT_CM, np.where(~young & ~standing, standard + SHIFT_CM, standard)
    )
    recorded = np.round(recorded, 1)
    # The same float operations the WHO method applies to get back to the table's measure.
    clenhei = np.where(
        young & standing, recorded + SHIFT_CM, np.where(~young & ~standing, recorded - SHIFT_CM, recorded)
    )
    return recorded, clenhei


def _weight(rows: _Rows, clenhei: FloatArray, zwfl: FloatArray) -> tuple[FloatArray, BoolArray]:
    """Unrounded weight at zwfl for the clenhei, and whether the clenhei is well inside its WHO table."""
    young = rows.young
    weight = np.full(len(zwfl), np.nan)
    inside = np.zeros(len(zwfl), dtype=bool)
    for name, part, (low, high) in (
        ("weight_for_length", young, WFL_RANGE),
        ("weight_for_height", ~young, WFH_RANGE),
    ):
        weight[part] = measurement_for_z(name, rows.sex[part], clenhei[part], zwfl[part])
        inside[part] = (clenhei[part] >= low + 0.5) & (clenhei[part] <= high - 0.5)
    return weight, inside


def _wfl_margins(rows: _Rows, clenhei: FloatArray) -> dict[float, FloatArray]:
    margins = {cut: np.full(len(clenhei), np.nan) for cut in CUTS["zwfl"]}
    for name, part in (("weight_for_length", rows.young), ("weight_for_height", ~rows.young)):
        for cut in CUTS["zwfl"]:
            margins[cut][part] = _margin(name, rows.sex[part], clenhei[part], cut, WEIGHT_STEP)
    return margins


def _within_bounds(**zs: FloatArray) -> BoolArray:
    ok = np.ones(len(next(iter(zs.values()))), dtype=bool)
    for name, z in zs.items():
        low, high = BOUNDS[name]
        ok &= (z > low) & (z < high)
    return ok


def measure(
    rng: np.random.Generator,
    sex: IntArray,
    age_days: IntArray,
    kab: IntArray,
    *,
    around: tuple[FloatArray, FloatArray] | None = None,
    spread: float = 0.5,
    initial: tuple[FloatArray, FloatArray] | None = None,
) -> Measured:
    """Measurements for children with the given sex (1/2), age in days and kabupaten index.

    z-scores are drawn from the calibrated model, or near `around` (zlen, zwfl) with `spread`, which is how a
    mis-measured record that a later correction replaces is made. A z near a cut-off is pushed just out of the
    rounding band on its own side, so prevalences keep the drawn distribution. When the implied weight-for-age
    z is the ambiguous one, zwfl is nudged (keeping its class); rows out of a table or near a flag are
    redrawn. `initial` (zlen, zwfl) is used for the first attempt: the population's own state of each child.
    """
    n = len(sex)
    sex_f = sex.astype(np.float64)
    age = age_days.astype(np.float64)
    # Mostly the right position; a standing measure only from 300 days, a lying one now and then after 2
    # years.
    u = rng.random(n)
    standing = np.where(age < LENGTH_DAYS, (u < 0.03) & (age >= MIN_STANDING_DAYS), u >= 0.08)
    height, weight, zlen, zwfl, zwei = (np.full(n, np.nan) for _ in range(5))
    len_margins = {cut: _margin("length_height_for_age", sex_f, age, cut, HEIGHT_STEP) for cut in CUTS["zlen"]}
    wei_margins = {cut: _margin("weight_for_age", sex_f, age, cut, WEIGHT_STEP) for cut in CUTS["zwei"]}
    pending = np.arange(n)
    zl = zw = np.empty(0)
    redraw = np.ones(n, dtype=bool)
    for _ in range(400):
        if pending.size == 0:
            break
        rows = _Rows(sex_f[pending], age[pending], standing[pending])
        fresh = redraw[pending]
        if initial is not None and zl.size == 0:
            zl, zw = initial[0].copy(), initial[1].copy()
        elif fresh.all() or zl.size != pending.size:
            zl, zw = _draw(rng, kab[pending], age_days[pending], around, spread, pending)
        else:
            new_l, new_w = _draw(rng, kab[pending], age_days[pending], around, spread, pending)
            zl, zw = np.where(fresh, new_l, zl), np.where(fresh, new_w, zw)
        zl = _push(zl, {cut: m[pending] for cut, m in len_margins.items()})
        recorded, clenhei = _height(rows, zl)
        zw = _push(zw, _wfl_margins(rows, clenhei))
        raw_weight, inside = _weight(rows, clenhei, zw)
        l, m, s = tables.lms("weight_for_age", rows.sex, rows.age)  # noqa: E741
        with np.errstate(invalid="ignore"):
            zwe = ((raw_weight / m) ** l - 1) / (s * l)
        sound = inside & _within_bounds(zlen=zl, zwfl=zw, zwei=zwe) & np.isfinite(recorded)
        clear = _clear(zwe, {cut: mg[pending] for cut, mg in wei_margins.items()})
        ok = sound & clear
        done = pending[ok]
        height[done], weight[done] = recorded[ok], np.round(raw_weight[ok], 1)
        zlen[done], zwfl[done], zwei[done] = zl[ok], zw[ok], zwe[ok]
        # Only an ambiguous weight-for-age: nudge zwfl, keeping its class (the next push restores the band).
        nudge = sound & ~clear
        step = 0.2 * rng.standard_normal(pending.size)
        nudged = np.where(nudge, zw + step, zw)
        keeps = np.ones(pending.size, dtype=bool)
        for cut in CUTS["zwfl"]:
            keeps &= (nudged < cut) == (zw < cut)
        zw = np.where(keeps, nudged, zw)
        # Now and then a nudged row starts afresh, so that no row can be stuck near a cut for good.
        redraw[pending] = ~sound | (rng.random(pending.size) < 0.1)
        zl, zw = zl[~ok], zw[~ok]
        pending = pending[~ok]
    if pending.size:
        raise RuntimeError(f"could not draw unambiguous measurements for {pending.size} children")
    return Measured(height, weight, standing, zlen, zwfl, zwei, _muac(rng, sex_f, age, zwfl))


def _draw(
    rng: np.random.Generator,
    kab: IntArray,
    age_days: IntArray,
    around: tuple[FloatArray, FloatArray] | None,
    spread: float,
    pending: IntArray,
) -> tuple[FloatArray, FloatArray]:
    if around is None:
        return sample_z(rng, kab, age_days)
    return (
        around[0][pending] + spread * rng.standard_normal(pending.size),
        around[1][pending] + spread * rng.standard_normal(pending.size),
    )


def _muac(rng: np.random.Generator, sex: FloatArray, age: FloatArray, zwfl: FloatArray) -> FloatArray:
    # Arm circumference follows weight-for-length loosely; Posyandu measure it from 6 months, not always.
    zac = np.clip(0.7 * zwfl + 0.5 * rng.standard_normal(len(sex)), -3.5, 3.5)
    muac = np.round(measurement_for_z("arm_circumference_for_age", sex, age, zac), 1)
    return np.where((age >= 183) & (rng.random(len(sex)) < 0.75), muac, np.nan)
