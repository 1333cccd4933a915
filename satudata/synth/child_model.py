"""The calibrated distribution of children's true z-scores, per kabupaten and age.

Length-for-age z is a mixture: a main normal component whose mean is solved per kabupaten, and a "chronic"
tail whose weight is solved so that severe stunting is the calibrated share of stunting. Weight-for-length z
is normal, a little lower where stunting is higher and correlated with length-for-age.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from satudata.synth import calibration as cal
from satudata.synth.geography import kabupaten_population

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# The "chronic" component of length-for-age z and the main component's spread [A].
TAIL_MEAN, TAIL_SD, MAIN_SD = -3.0, 0.6, 1.0
WFL_MEAN, WFL_SD = -0.25, 1.15  # -> wasting ~6.5%, overweight ~2.5% (calibration.WASTING_TARGET, ...)
WFL_KAB_COUPLING = 0.25  # a kabupaten with more stunting also has a little more wasting [A]
# Short children are a little thinner too; without this, weight-for-age (underweight) comes out near 10%,
# below the 12-15% assumed for NTT (calibration.UNDERWEIGHT_RANGE). zlen is standardised with its
# approximate province mean and spread.
WFL_ZLEN_CORRELATION, ZLEN_CENTRE, ZLEN_SPREAD = 0.25, -0.6, 1.25


def _phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _bisect(f: Callable[[float], float], low: float, high: float) -> float:
    """The root of an increasing function between low and high."""
    for _ in range(60):
        middle = (low + high) / 2
        if f(middle) < 0:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@cache
def age_group_weights() -> FloatArray:
    """Share of measured children in each age group, from the attendance slope (calibration)."""
    bounds = np.array(cal.AGE_GROUP_MONTHS, dtype=float)
    drop = cal.ATTENDANCE_DROP_BY_60_MONTHS

    def integral(t: FloatArray) -> FloatArray:
        return t - drop * t**2 / 120

    weights = integral(bounds[1:]) - integral(bounds[:-1])
    return weights / weights.sum()


@dataclass(frozen=True)
class ChildModel:
    """Per kabupaten (calibration.KABUPATEN order): stunting target, z mixture parameters, WFL mean."""

    stunting: FloatArray
    main_mean: FloatArray
    tail_scale: FloatArray  # tail weight in an age group = tail_scale * AGE_TAIL_WEIGHT[group]
    wfl_mean: FloatArray


def _fit(target: float) -> tuple[float, float]:
    """Main mean and tail scale giving `target` stunting, a third of it severe, over the age mix."""
    weights = age_group_weights()
    tail_below = (_phi((-2 - TAIL_MEAN) / TAIL_SD), _phi((-3 - TAIL_MEAN) / TAIL_SD))

    def share(mean: float, scale: float, cut: float, tail: float) -> float:
        total = 0.0
        for w, tail_w, shift in zip(weights, cal.AGE_TAIL_WEIGHT, cal.AGE_MEAN_SHIFT, strict=True):
            t = min(scale * tail_w, 1.0)
            total += w * (t * tail + (1 - t) * _phi((cut - mean - shift) / MAIN_SD))
        return total

    def mean_for(scale: float) -> float:
        # More stunting as the mean falls: solve on the negated mean so the function increases.
        return -_bisect(lambda neg: share(-neg, scale, -2, tail_below[0]) - target, -4.0, 4.0)

    def severe_gap(scale: float) -> float:
        mean = mean_for(scale)
        return share(mean, scale, -3, tail_below[1]) - cal.SEVERE_SHARE_OF_STUNTING * target

    scale = _bisect(severe_gap, 0.0, 0.8 * target / max(cal.AGE_TAIL_WEIGHT) / tail_below[0])
    return mean_for(scale), scale


@cache
def child_model() -> ChildModel:
    ssgi = np.array([cal.SSGI_2021_STUNTING_PCT[k] for k in cal.KABUPATEN]) / 100
    population = kabupaten_population()
    # Same ordering and relative spread as SSGI 2021, at the province level Posyandu data show.
    stunting = ssgi * cal.EPPGBM_PROVINCE_STUNTING / (np.dot(ssgi, population) / population.sum())
    fitted = np.array([_fit(float(p)) for p in stunting])
    main_mean = fitted[:, 0]
    province_mean = np.dot(main_mean, population) / population.sum()
    wfl_mean = WFL_MEAN + WFL_KAB_COUPLING * (main_mean - province_mean)
    return ChildModel(stunting, main_mean, fitted[:, 1], wfl_mean)


def age_group(age_days: IntArray) -> IntArray:
    months = age_days / 30.4375
    return np.clip(np.searchsorted(cal.AGE_GROUP_MONTHS, months, side="right") - 1, 0, 5)


def sample_z(rng: np.random.Generator, kab: IntArray, age_days: IntArray) -> tuple[FloatArray, FloatArray]:
    model = child_model()
    group = age_group(age_days)
    tail_weight = np.minimum(model.tail_scale[kab] * np.asarray(cal.AGE_TAIL_WEIGHT)[group], 1.0)
    in_tail = rng.random(len(kab)) < tail_weight
    main = model.main_mean[kab] + np.asarray(cal.AGE_MEAN_SHIFT)[group] + MAIN_SD * rng.standard_normal(len(kab))
    tail = TAIL_MEAN + TAIL_SD * rng.standard_normal(len(kab))
    zlen = np.where(in_tail, tail, main)
    rho = WFL_ZLEN_CORRELATION
    own = rho * (zlen - ZLEN_CENTRE) / ZLEN_SPREAD + math.sqrt(1 - rho**2) * rng.standard_normal(len(kab))
    zwfl = model.wfl_mean[kab] + WFL_SD * own
    return zlen, zwfl
