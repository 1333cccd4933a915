"""Where synthetic people live: every real NTT desa, with a population that adds up to its kabupaten's.

Desa populations come from a fixed seed, not the batch seed, so every batch, every feed and the population
feed agree on how many people a desa has.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from satudata.regions import master
from satudata.synth import calibration as cal

IntArray = npt.NDArray[np.int64]


def largest_remainder(total: int, weights: npt.NDArray[np.float64]) -> IntArray:
    """Whole numbers proportional to `weights` that add up to exactly `total`."""
    exact = weights / weights.sum() * total
    whole = np.floor(exact).astype(np.int64)
    short = int(total - whole.sum())
    if short:
        # Stable order so ties break the same way on every platform.
        whole[np.argsort(-(exact - whole), kind="stable")[:short]] += 1
    return whole


@dataclass(frozen=True)
class Geography:
    desa: npt.NDArray[np.str_]  # 10-digit Kemendagri desa/kelurahan codes, sorted
    kecamatan: npt.NDArray[np.str_]  # 6-digit, per desa
    kec_index: IntArray  # index into kecamatan_codes, per desa
    kecamatan_codes: npt.NDArray[np.str_]  # the distinct kecamatan codes, sorted
    kab_index: IntArray  # index into calibration.KABUPATEN, per desa
    male: IntArray
    female: IntArray

    @property
    def total(self) -> IntArray:
        return self.male + self.female

    @property
    def kabupaten(self) -> npt.NDArray[np.str_]:
        return np.asarray(cal.KABUPATEN)[self.kab_index]

    def posyandu_count(self) -> IntArray:
        # About one Posyandu per 1,200 people, as NTT's ~10,000 Posyandu for 5.7 M people suggest [A].
        return np.clip(self.total // 1200 + 1, 1, 12)

    def age_sex_counts(self, index: int) -> dict[tuple[str, str], int]:
        """A desa's people by (age group, sex), adding up exactly to its male and female totals."""
        shares = np.array(list(cal.AGE_GROUP_SHARE.values()))
        out: dict[tuple[str, str], int] = {}
        for sex, total in (("L", int(self.male[index])), ("P", int(self.female[index]))):
            counts = largest_remainder(total, shares)
            out.update({(group, sex): int(n) for group, n in zip(cal.AGE_GROUP_SHARE, counts, strict=True)})
        return out


@cache
def geography() -> Geography:
    regions = master()
    desa = sorted(r.digits for r in regions.desa())
    codes = np.array(desa)
    kab = np.array([d[:4] for d in desa])
    kab_position = {k: i for i, k in enumerate(cal.KABUPATEN)}
    kab_index = np.array([kab_position[k] for k in kab], dtype=np.int64)
    rng = np.random.default_rng(cal.GEOGRAPHY_SEED)
    weight = rng.gamma(2.0, 1.0, len(desa))
    weight[np.array([d[6] == "1" for d in desa])] *= cal.KELURAHAN_WEIGHT
    male = np.zeros(len(desa), dtype=np.int64)
    female = np.zeros(len(desa), dtype=np.int64)
    for i, k in enumerate(cal.KABUPATEN):
        members = kab_index == i
        population = regions.population(k)
        male[members] = largest_remainder(population.male, weight[members])
        female[members] = largest_remainder(population.female, weight[members])
    kecamatan = np.array([d[:6] for d in desa])
    kecamatan_codes, kec_index = np.unique(kecamatan, return_inverse=True)
    return Geography(codes, kecamatan, kec_index.astype(np.int64), kecamatan_codes, kab_index, male, female)


@cache
def kabupaten_population() -> npt.NDArray[np.float64]:
    """Total population per kabupaten, in calibration.KABUPATEN order."""
    regions = master()
    return np.array([regions.population(k).total for k in cal.KABUPATEN], dtype=np.float64)


def unknown_desa_code(rng: np.random.Generator) -> str:
    """A well-formed NTT desa code that is not in the region master (a real kecamatan, an unused village
    part)."""
    geo = geography()
    known = set(geo.desa.tolist())
    while True:
        code = f"{geo.kecamatan_codes[rng.integers(len(geo.kecamatan_codes))]}2{rng.integers(900, 1000):03d}"
        if code not in known:
            return code
