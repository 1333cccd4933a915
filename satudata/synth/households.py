"""Household (KK) feeds: family_risk (BKKBN TPK), household_welfare (P3KE) and wash_access (STBM)."""

from __future__ import annotations

from datetime import date
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from satudata.events import SANITATION_CLASSES, WATER_SOURCE_CLASSES
from satudata.synth import calibration as cal
from satudata.synth.draft import Draft, Facts, Month, Record, pick, record_id
from satudata.synth.geography import geography
from satudata.synth.population import Population
from satudata.synth.welfare import PROPER_SANITATION, SAFE_WATER, assistance, decile

BoolArray = npt.NDArray[np.bool_]
HEAD_NIK_MISSING = 0.03  # [A] a head not found in Dukcapil at the visit


def _days(month: Month, rng: np.random.Generator, count: int) -> npt.NDArray[np.int64]:
    return np.array([month.day(int(d)).toordinal() for d in rng.integers(1, month.days + 1, count)])


def _child_niks(pop: Population, household: int) -> list[str]:
    niks = (pop.nik(person) for person in pop.children_of.get(household, []))
    return [nik for nik in niks if nik is not None]


def _head_nik(pop: Population, household: int, present: bool) -> str | None:
    return pop.nik(int(pop.head[household])) if present else None


def safe_water(pop: Population, households: npt.NDArray[np.int64]) -> BoolArray:
    codes = [WATER_SOURCE_CLASSES.index(c) for c in SAFE_WATER]
    return np.isin(pop.water[households], codes)


def proper_latrine(pop: Population, households: npt.NDArray[np.int64]) -> BoolArray:
    codes = [SANITATION_CLASSES.index(c) for c in PROPER_SANITATION]
    return np.isin(pop.sanitation[households], codes)


def _births_too_close(pop: Population, household: int, on: int) -> bool:
    """Two births (or a birth and the pregnancy's due date) less than BIRTHS_TOO_CLOSE_MONTHS apart."""
    births = sorted(int(pop.birth[p]) for p in pop.children_of.get(household, []))
    if pop.pregnant[household]:
        births.append(on + (40 - int(pop.gestational_week[household])) * 7)
    limit = cal.BIRTHS_TOO_CLOSE_MONTHS * 30.4375
    return any(later - earlier < limit for earlier, later in pairwise(births))


def draft_family_risk(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    households = pick(rng, np.arange(pop.size), count, "households")
    assessed_on = _days(month, rng, count)
    water = safe_water(pop, households)
    latrine = proper_latrine(pop, households)
    has_head_nik = rng.random(count) >= HEAD_NIK_MISSING
    data: list[Record] = []
    for i, h in enumerate(households.tolist()):
        mother = int(pop.mother[h])
        age = float(assessed_on[i] - pop.birth[mother]) / 365.25 if mother >= 0 else None
        desa = str(geo.desa[pop.desa[h]])
        data.append(
            {
                "record_id": record_id("PK", desa[:4], month, i + 1),
                "kk_number": pop.kk(h),
                "head_nik": _head_nik(pop, h, bool(has_head_nik[i])),
                "assessment_date": date.fromordinal(int(assessed_on[i])).isoformat(),
                "has_under_five": bool(pop.under_five_count[h] > 0),
                "has_pregnant": bool(pop.pregnant[h]),
                "safe_water": bool(water[i]),
                "proper_latrine": bool(latrine[i]),
                "mother_too_young": age is not None and age < cal.MOTHER_TOO_YOUNG_AGE,
                "mother_too_old": age is not None and age > cal.MOTHER_TOO_OLD_AGE,
                "births_too_close": _births_too_close(pop, h, int(assessed_on[i])),
                "too_many_children": bool(pop.under_five_count[h] + pop.other_children[h] >= cal.TOO_MANY_CHILDREN),
                "child_niks": _child_niks(pop, h),
                "tpk_id": f"TPK-{desa}-{h % 3 + 1}",
                "desa_code": desa,
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        # The first visit ticked the wrong box for water or latrine.
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            name = "safe_water" if rng.random() < 0.5 else "proper_latrine"
            wrong[name] = not wrong[name]
            out.append((wrong, None))
        return out

    return Draft(
        feed="family_risk",
        data=data,
        dates=[date.fromordinal(int(d)) for d in assessed_on],
        sources=[f"tpk/{r['desa_code']}" for r in data],
        facts=[None] * count,
        miscorrect=miscorrect,
    )


def draft_welfare(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    households = pick(rng, np.arange(pop.size), count, "households")
    visited_on = _days(month, rng, count)
    expenditure = pop.expenditure[households]
    deciles = decile(expenditure, month.year)
    pkh, bpnt, pbi = assistance(rng, deciles)
    has_head_nik = rng.random(count) >= HEAD_NIK_MISSING
    data: list[Record] = []
    for i, h in enumerate(households.tolist()):
        desa = str(geo.desa[pop.desa[h]])
        data.append(
            {
                "record_id": record_id("P3KE", desa[:4], month, i + 1),
                "kk_number": pop.kk(h),
                "head_nik": _head_nik(pop, h, bool(has_head_nik[i])),
                "members": int(pop.members[h]),
                "per_capita_expenditure_rp": int(expenditure[i]),
                "welfare_decile": int(deciles[i]),
                "receives_pkh": bool(pkh[i]),
                "receives_bpnt": bool(bpnt[i]),
                "receives_pbi": bool(pbi[i]),
                "child_niks": _child_niks(pop, h),
                "reference_date": date.fromordinal(int(visited_on[i])).isoformat(),
                "desa_code": desa,
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        # A first estimate of expenditure, revised after verification.
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            factor = float(rng.uniform(0.6, 0.9)) if rng.random() < 0.5 else float(rng.uniform(1.1, 1.5))
            spent = int(round(wrong["per_capita_expenditure_rp"] * factor, -3))
            wrong["per_capita_expenditure_rp"] = spent
            wrong["welfare_decile"] = int(decile(np.array([spent]), month.year)[0])
            out.append((wrong, None))
        return out

    return Draft(
        feed="household_welfare",
        data=data,
        dates=[date.fromordinal(int(d)) for d in visited_on],
        sources=[f"p3ke/{r['desa_code'][:4]}" for r in data],
        facts=[None] * count,
        miscorrect=miscorrect,
        spoilers={"implausible": _implausible_welfare},
    )


def _implausible_welfare(record: Record, rng: np.random.Generator) -> bool:
    choice = int(rng.integers(3))
    if choice == 0:
        record["members"] = int(rng.choice([0, 45, 99]))
    elif choice == 1:
        record["welfare_decile"] = int(rng.choice([0, 11, 12]))
    else:
        record["per_capita_expenditure_rp"] = -int(record["per_capita_expenditure_rp"])
    return True


def draft_wash(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    households = pick(rng, np.arange(pop.size), count, "households")
    surveyed_on = _days(month, rng, count)
    data: list[Record] = []
    for i, h in enumerate(households.tolist()):
        desa = str(geo.desa[pop.desa[h]])
        sanitation = SANITATION_CLASSES[int(pop.sanitation[h])]
        data.append(
            {
                "record_id": record_id("STBM", desa[:4], month, i + 1),
                "kk_number": pop.kk(h),
                "water_source_class": WATER_SOURCE_CLASSES[int(pop.water[h])],
                "sanitation_class": sanitation,
                "open_defecation": sanitation == "open_defecation",
                "survey_date": date.fromordinal(int(surveyed_on[i])).isoformat(),
                "desa_code": desa,
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            others = [c for c in WATER_SOURCE_CLASSES if c != wrong["water_source_class"]]
            wrong["water_source_class"] = others[int(rng.integers(len(others)))]
            out.append((wrong, None))
        return out

    return Draft(
        feed="wash_access",
        data=data,
        dates=[date.fromordinal(int(d)) for d in surveyed_on],
        sources=[f"stbm/{r['desa_code'][:6]}" for r in data],
        facts=[None] * count,
        miscorrect=miscorrect,
    )
