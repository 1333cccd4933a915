"""Household welfare, water and sanitation, and the catin (bride/groom-to-be) age mix, drawn per kabupaten.

Per-capita expenditure is log-normal in each kabupaten, with its two parameters set so that the shares below
the BPS poverty line and below the extreme-poverty line equal the calibrated rates for that kabupaten and
year. Expenditure is drawn independently of household size, so the people-weighted and household-weighted
rates agree in expectation (BPS's poor households are larger, 5.75 people; not modelled).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from satudata.events import SANITATION_CLASSES, WATER_SOURCE_CLASSES
from satudata.settings import Settings
from satudata.synth import calibration as cal
from satudata.synth.geography import kabupaten_population

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_NORMAL = NormalDist()
SAFE_WATER = ("safely_managed", "basic")  # JMP "at least basic": the BPS "layak" classes
PROPER_SANITATION = ("safely_managed", "basic")
WASH_WELFARE_LINK = 0.45  # poorer households more often lack safe water and a proper latrine [A]


def poverty_line_rp(year: int) -> float:
    known = cal.POVERTY_LINE_RP
    if year in known:
        return float(known[year])
    base = max(y for y in known if y <= year) if year > min(known) else min(known)
    return known[base] * (1 + cal.POVERTY_LINE_GROWTH) ** (year - base)


def default_extreme_lines() -> dict[int, int]:
    """The extreme-poverty lines of the settings' defaults (not the environment: a seed must mean one
    output)."""
    factory = Settings.model_fields["extreme_poverty_line_rp"].default_factory
    assert factory is not None
    return dict(factory())  # type: ignore[call-arg]


def extreme_line_rp(year: int, lines: Mapping[int, int]) -> int:
    """The line of `year`, or of the nearest year the settings have."""
    return lines[year] if year in lines else lines[min(lines, key=lambda y: abs(y - year))]


def _scaled(rates: Mapping[str, float], province: float) -> FloatArray:
    values = np.array([rates[k] for k in cal.KABUPATEN])
    population = kabupaten_population()
    return values * province / (np.dot(values, population) / population.sum())


@cache
def poverty_rates() -> FloatArray:
    return _scaled(cal.POVERTY_RATE, cal.PROVINCE_POVERTY_RATE)


@cache
def extreme_poverty_rates() -> FloatArray:
    """The 2022 kabupaten pattern at the 2023 province level."""
    return _scaled(cal.EXTREME_POVERTY_2022, cal.PROVINCE_EXTREME_POVERTY)


def _lognormal(year: int, lines: Mapping[int, int]) -> tuple[FloatArray, FloatArray]:
    """(mu, sigma) of log expenditure per kabupaten, through the two (line, share) points."""
    poor = np.log(poverty_line_rp(year))
    extreme = np.log(extreme_line_rp(year, lines))
    q_poor = np.array([_NORMAL.inv_cdf(p) for p in poverty_rates()])
    q_extreme = np.array([_NORMAL.inv_cdf(p) for p in extreme_poverty_rates()])
    sigma = (poor - extreme) / (q_poor - q_extreme)
    return poor - sigma * q_poor, sigma


def household_welfare(
    rng: np.random.Generator, kab: IntArray, year: int, lines: Mapping[int, int] | None = None
) -> tuple[IntArray, IntArray, IntArray]:
    """Per-capita expenditure (Rp, to the 1,000), water class and sanitation class of each household."""
    mu, sigma = _lognormal(year, lines or default_extreme_lines())
    welfare_z = rng.standard_normal(len(kab))
    expenditure = np.round(np.exp(mu[kab] + sigma[kab] * welfare_z), -3).astype(np.int64)
    water_cut = np.array([_NORMAL.inv_cdf(1 - cal.SAFE_WATER_SHARE[k]) for k in cal.KABUPATEN])[kab]
    sanitation_cut = np.array([_NORMAL.inv_cdf(1 - cal.PROPER_SANITATION_SHARE[k]) for k in cal.KABUPATEN])[kab]
    link = WASH_WELFARE_LINK
    # A shared latent keeps each marginal share exact while poorer households lack both more often.
    water_latent = link * welfare_z + np.sqrt(1 - link**2) * rng.standard_normal(len(kab))
    sanitation_latent = link * welfare_z + np.sqrt(1 - link**2) * rng.standard_normal(len(kab))
    safe = water_latent > water_cut
    proper = sanitation_latent > sanitation_cut
    water = _ladder(rng, safe, cal.WATER_SAFE_SPLIT, cal.WATER_UNSAFE_SPLIT, WATER_SOURCE_CLASSES)
    sanitation = _ladder(rng, proper, cal.SANITATION_SAFE_SPLIT, cal.SANITATION_UNSAFE_SPLIT, SANITATION_CLASSES)
    return expenditure, water, sanitation


def _ladder(
    rng: np.random.Generator,
    good: npt.NDArray[np.bool_],
    good_split: Mapping[str, float],
    bad_split: Mapping[str, float],
    vocabulary: tuple[str, ...],
) -> IntArray:
    out = np.empty(len(good), dtype=np.int64)
    for mask, split in ((good, good_split), (~good, bad_split)):
        codes = np.array([vocabulary.index(c) for c in split])
        out[mask] = rng.choice(codes, mask.sum(), p=np.array(list(split.values())))
    return out


def decile(expenditure: IntArray, year: int) -> IntArray:
    """National welfare decile 1-10 from per-capita expenditure, bounds moved with the poverty line."""
    bounds = np.array(cal.DECILE_BOUNDS_2024_RP) * poverty_line_rp(year) / poverty_line_rp(2024)
    return (np.searchsorted(bounds, expenditure, side="right") + 1).astype(np.int64)


def assistance(rng: np.random.Generator, deciles: IntArray) -> tuple[npt.NDArray[np.bool_], ...]:
    """PKH, BPNT and PBI receipt, targeted by decile with the usual inclusion and exclusion errors."""
    out = []
    for table in (cal.PKH_BY_DECILE, cal.BPNT_BY_DECILE, cal.PBI_BY_DECILE):
        out.append(rng.random(len(deciles)) < np.asarray(table)[deciles - 1])
    return tuple(out)


def catin_ages(rng: np.random.Generator, n: int) -> FloatArray:
    """Ages at screening: a calibrated share under 19, the rest mostly in their twenties."""
    under = rng.random(n) < cal.BRIDE_UNDER_19_SHARE
    return np.where(under, 16 + 2.9 * rng.random(n), 19.05 + 16 * rng.beta(2.0, 4.0, n))


def catin_sexes(rng: np.random.Generator, n: int) -> IntArray:
    return np.where(rng.random(n) < cal.BRIDE_FEMALE_SHARE, 2, 1).astype(np.int64)
