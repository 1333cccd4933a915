"""A synthetic population for one month: households over NTT's desa, and the people the feeds are about.

Columnar (numpy arrays), so a batch of hundreds of thousands of households takes well under a second. NIK and
KK strings are only built for the records that carry them. Every person's NIK encodes their own birth date,
sex and a real NTT kecamatan: children's that of the desa they live in, adults' mostly so (a NIK keeps the
kecamatan where it was first issued, so some adults moved since).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import numpy.typing as npt

from satudata.nik import make_kk, make_nik
from satudata.synth import calibration as cal
from satudata.synth import child_model, welfare
from satudata.synth.geography import geography

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

HEAD, SPOUSE, CHILD, YOUNG_ADULT = 0, 1, 2, 3
DAYS_PER_YEAR = 365.25
NIK_FROM_OTHER_KECAMATAN = 0.12  # [A] adults whose NIK was first issued in another NTT kecamatan
# Under-fives per mother by the mother's age band (16-19, 20-29, 30-34, 35-39, 40-44, 45-49), before scaling
# [A]
U5_BY_MOTHER_AGE = ((16, 0.5), (20, 0.75), (30, 0.6), (35, 0.35), (40, 0.15), (45, 0.05), (50, 0.0))
PREGNANT_BY_MOTHER_AGE = ((16, 0.08), (20, 0.12), (35, 0.06), (40, 0.02), (46, 0.0))


def _by_age(age: FloatArray, table: tuple[tuple[int, float], ...]) -> FloatArray:
    starts = np.array([a for a, _ in table], dtype=float)
    values = np.array([v for _, v in table])
    index = np.searchsorted(starts, age, side="right") - 1
    return np.where(index >= 0, values[np.clip(index, 0, None)], 0.0)


@dataclass
class Population:
    reference: date  # the 15th of the month: ages and birth dates are relative to it
    # households
    desa: IntArray  # index into geography()
    members: IntArray
    head: IntArray  # person index
    mother: IntArray  # person index of the woman of 16-49 caring for the children, or -1
    pregnant: BoolArray
    gestational_week: IntArray
    other_children: IntArray  # children of 5 and over living at home
    kk_issue: IntArray  # date ordinal
    kk_serial: IntArray
    water: IntArray  # index into events.WATER_SOURCE_CLASSES
    sanitation: IntArray  # index into events.SANITATION_CLASSES
    expenditure: IntArray  # Rp per capita per month
    posyandu: IntArray  # which Posyandu of the desa the household's children go to
    # persons
    hh: IntArray
    sex: IntArray  # 1 = L, 2 = P
    birth: IntArray  # date ordinal
    nik_kecamatan: IntArray  # index into geography().kecamatan_codes
    serial: IntArray
    role: IntArray
    has_nik: BoolArray
    zlen: FloatArray  # the child's true nutritional state (NaN for adults), before measurement
    zwfl: FloatArray

    @property
    def size(self) -> int:
        return len(self.desa)

    @cached_property
    def kab(self) -> IntArray:
        return geography().kab_index[self.desa]

    @cached_property
    def desa_code(self) -> npt.NDArray[np.str_]:
        return geography().desa[self.desa]

    def age_years(self, person: IntArray, on: int | None = None) -> FloatArray:
        on = self.reference.toordinal() if on is None else on
        return (on - self.birth[person]) / DAYS_PER_YEAR

    def nik(self, person: int) -> str | None:
        if not self.has_nik[person]:
            return None
        sex = "L" if self.sex[person] == 1 else "P"
        birth = date.fromordinal(int(self.birth[person]))
        kecamatan = str(geography().kecamatan_codes[self.nik_kecamatan[person]])
        return make_nik(kecamatan, birth, sex, int(self.serial[person]))

    def kk(self, household: int) -> str:
        kecamatan = geography().kecamatan[self.desa[household]]
        return make_kk(str(kecamatan), date.fromordinal(int(self.kk_issue[household])), int(self.kk_serial[household]))

    @cached_property
    def children_of(self) -> dict[int, list[int]]:
        """Under-fives by household, oldest first."""
        out: dict[int, list[int]] = {}
        kids = np.flatnonzero(self.role == CHILD)
        for person in kids[np.lexsort((self.birth[kids], self.hh[kids]))]:
            out.setdefault(int(self.hh[person]), []).append(int(person))
        return out

    @cached_property
    def under_five_count(self) -> IntArray:
        return np.bincount(self.hh[self.role == CHILD], minlength=self.size)


def _serials(kecamatan: IntArray, day: IntArray, sex: IntArray) -> IntArray:
    """Serials from 0001 within each (kecamatan, date, sex), as Dukcapil numbers them, so no two NIKs
    collide."""
    key = (kecamatan * 1_000_000 + day) * 2 + (sex - 1)
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(key)), 0))
    serial = np.empty(len(key), dtype=np.int64)
    serial[order] = np.arange(len(key)) - group_start + 1
    return serial


def build(
    rng: np.random.Generator, households: int, year: int, month: int, lines: Mapping[int, int] | None = None
) -> Population:
    geo = geography()
    reference = date(year, month, 15)
    ref = reference.toordinal()
    n = households
    desa = rng.choice(len(geo.desa), n, p=geo.total / geo.total.sum())
    head_sex = np.where(rng.random(n) < cal.MALE_HEAD_SHARE, 1, 2)
    head_age = 20 + 60 * rng.beta(1.6, 2.6, n)
    has_spouse = (head_sex == 1) & (rng.random(n) < 0.9)
    spouse_age = np.clip(head_age - np.abs(rng.normal(4, 3, n)), 16, 85)
    mother_age = np.where(
        has_spouse & (spouse_age < 50),
        spouse_age,
        np.where((head_sex == 2) & (head_age < 50), head_age, np.nan),
    )
    has_mother = ~np.isnan(mother_age)
    other_children = rng.poisson(np.where(head_age < 60, 1.5, 0.5)) * (head_age > 24)
    others = rng.poisson(0.4, n)
    young_age = welfare.catin_ages(rng, n)
    has_young = (head_age - young_age >= 17) & (rng.random(n) < 0.6)
    members_excl = 1 + has_spouse + other_children + others + has_young
    # Scale the under-five rate so they are calibration.UNDER_FIVE_SHARE of all people.
    raw = np.where(has_mother, _by_age(mother_age, U5_BY_MOTHER_AGE), 0.0)
    target = cal.UNDER_FIVE_SHARE / (1 - cal.UNDER_FIVE_SHARE) * members_excl.mean()
    max_child_days = np.where(has_mother, np.minimum(1800, (mother_age - 15) * DAYS_PER_YEAR), 0)
    u5 = np.where(max_child_days > 60, np.minimum(rng.poisson(raw * target / raw.mean()), 3), 0)
    members = members_excl + u5

    # Persons: heads, spouses, under-fives, young adults (the catin pool), in that order.
    hh_u5 = np.repeat(np.arange(n), u5)
    child_age_days = (30 + rng.random(hh_u5.size) * (max_child_days[hh_u5] - 30)).astype(np.int64)
    spouse_hh = np.flatnonzero(has_spouse)
    young_hh = np.flatnonzero(has_young)
    hh = np.concatenate([np.arange(n), spouse_hh, hh_u5, young_hh])
    role = np.concatenate(
        [
            np.full(n, HEAD),
            np.full(spouse_hh.size, SPOUSE),
            np.full(hh_u5.size, CHILD),
            np.full(young_hh.size, YOUNG_ADULT),
        ]
    )
    age_days = np.concatenate([
        (head_age * DAYS_PER_YEAR).astype(np.int64),
        (spouse_age[spouse_hh] * DAYS_PER_YEAR).astype(np.int64),
        child_age_days,
        (young_age[young_hh] * DAYS_PER_YEAR).astype(np.int64),
    ])  # fmt: skip
    sex = np.concatenate(
        [
            head_sex,
            np.full(spouse_hh.size, 2),
            rng.integers(1, 3, hh_u5.size),
            welfare.catin_sexes(rng, young_hh.size),
        ]
    )
    birth = ref - age_days
    kecamatan = geo.kec_index[desa[hh]]
    moved = (role != CHILD) & (rng.random(hh.size) < NIK_FROM_OTHER_KECAMATAN)
    kecamatan = np.where(moved, geo.kec_index[rng.integers(len(geo.desa), size=hh.size)], kecamatan)
    # Dukcapil registers most babies within a few months; adults all have a NIK.
    missing_p = np.where(age_days < 120, 0.2, 0.005)
    has_nik = ~((role == CHILD) & (rng.random(hh.size) < missing_p))

    spouse_person = np.full(n, -1)
    spouse_person[spouse_hh] = n + np.arange(spouse_hh.size)
    mother = np.where(
        has_spouse & (spouse_age < 50),
        spouse_person,
        np.where((head_sex == 2) & (head_age < 50), np.arange(n), -1),
    )
    youngest_u5 = np.full(n, 10**6)
    np.minimum.at(youngest_u5, hh_u5, child_age_days)
    pregnant_p = _by_age(np.nan_to_num(mother_age), PREGNANT_BY_MOTHER_AGE) * has_mother * (youngest_u5 > 90)
    pregnant = rng.random(n) < pregnant_p * cal.PREGNANT_SHARE_OF_MOTHERS / max(pregnant_p[has_mother].mean(), 1e-9)

    # The KK is re-issued when a baby is added; otherwise it dates from some years back.
    has_baby_kk = (youngest_u5 < 10**6) & (youngest_u5 > 210)
    newest = ref - np.minimum(youngest_u5, 10**5)
    kk_issue = np.where(has_baby_kk, newest + rng.integers(7, 200, n), ref - rng.integers(200, 5000, n))
    kk_kecamatan = geo.kec_index[desa]

    kab = geo.kab_index[desa]
    children = np.flatnonzero(role == CHILD)
    zlen = np.full(hh.size, np.nan)
    zwfl = np.full(hh.size, np.nan)
    zlen[children], zwfl[children] = child_model.sample_z(rng, kab[hh[children]], age_days[children])
    expenditure, water, sanitation = welfare.household_welfare(rng, kab, year, lines)

    return Population(
        reference=reference,
        desa=desa,
        members=members.astype(np.int64),
        head=np.arange(n),
        mother=mother.astype(np.int64),
        pregnant=pregnant,
        gestational_week=rng.integers(6, 41, n),
        other_children=(other_children + has_young).astype(np.int64),
        kk_issue=kk_issue.astype(np.int64),
        kk_serial=_serials(kk_kecamatan, kk_issue, np.zeros(n, dtype=np.int64)),
        water=water,
        sanitation=sanitation,
        expenditure=expenditure,
        posyandu=rng.integers(0, geo.posyandu_count()[desa]),
        hh=hh.astype(np.int64),
        sex=sex.astype(np.int64),
        birth=birth.astype(np.int64),
        nik_kecamatan=kecamatan,
        serial=_serials(kecamatan, birth, sex),
        role=role.astype(np.int64),
        has_nik=has_nik,
        zlen=zlen,
        zwfl=zwfl,
    )
