"""program_activity: interventions delivered by GENTING, TAMASYA, GATI, SIDAYA, cadre training and Posyandu.

Beneficiaries are people of the same synthetic population, targeted as the programmes intend (food to families
with stunted children, supplementary feeding to thin children), so joined data can show convergence.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from satudata.events import ACTIVITY_TYPES
from satudata.synth import calibration as cal
from satudata.synth.children import posyandu_code
from satudata.synth.draft import Draft, Facts, Month, PopulationTooSmallError, Record, record_id
from satudata.synth.geography import geography
from satudata.synth.population import CHILD, HEAD, SPOUSE, Population

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _weighted(rng: np.random.Generator, candidates: IntArray, weight: FloatArray, count: int) -> IntArray:
    """People chosen with replacement (one person can get several deliveries a month)."""
    if count == 0:
        return np.empty(0, dtype=np.int64)
    if candidates.size == 0:
        raise PopulationTooSmallError("population too small: no beneficiaries for a programme")
    return rng.choice(candidates, count, p=weight / weight.sum())


def _beneficiaries(pop: Population, rng: np.random.Generator, programme: str, count: int) -> IntArray:
    age = pop.age_years(np.arange(len(pop.hh)))
    child = pop.role == CHILD
    stunted = np.nan_to_num(pop.zlen) < -2
    thin = np.nan_to_num(pop.zwfl) < -2
    adult = (pop.role == HEAD) | (pop.role == SPOUSE)
    if programme == "posyandu":
        mask, weight = child, 1 + 3.0 * stunted + 5.0 * thin
    elif programme == "genting":
        mask, weight = child, 1 + 6.0 * stunted + 3.0 * thin
    elif programme == "tamasya":
        mask, weight = child & (age >= 0.5), np.ones(len(age))
    elif programme == "gati":
        has_u5 = pop.under_five_count[pop.hh] > 0
        mask, weight = adult & (pop.sex == 1) & has_u5, np.ones(len(age))
    elif programme == "sidaya":
        mask, weight = adult & (age >= 60), np.ones(len(age))
    else:  # cadre_training: Posyandu cadres are mostly women of working age
        mask, weight = adult & (pop.sex == 2) & (age >= 20) & (age < 56), np.ones(len(age))
    candidates = np.flatnonzero(mask)
    return _weighted(rng, candidates, weight[candidates].astype(np.float64), count)


def _activity(programme: str, rng: np.random.Generator, month: Month) -> tuple[str, float]:
    types = ACTIVITY_TYPES[programme]
    if programme == "posyandu":
        # Vitamin A is given in February and August (bulan vitamin A).
        weights = [0.4, 0.4, 0.15, 0.05] if month.month in (2, 8) else [0.55, 0.02, 0.33, 0.10]
        kind = types[int(rng.choice(len(types), p=weights))]
        return kind, float(rng.integers(7, 31)) if kind == "supplementary_feeding" else 1.0
    kind = types[int(rng.integers(len(types)))]
    quantity = {
        "food_package": float(rng.integers(5, 26)),  # kg
        "daycare_attendance": float(rng.integers(4, 23)),  # days
        "training_session": float(rng.integers(4, 25)),  # hours
    }.get(kind, float(rng.integers(1, 5)))  # sessions
    return kind, quantity


def _provider(programme: str, pop: Population, person: int, serial: int) -> str:
    geo = geography()
    h = int(pop.hh[person])
    desa = str(geo.desa[pop.desa[h]])
    return {
        "posyandu": "P-" + posyandu_code(desa, int(pop.posyandu[h])),
        "genting": f"OTA-{desa[:4]}-{serial % 97 + 1:03d}",  # orang tua asuh (foster parent)
        "tamasya": f"TAMASYA-{desa[:6]}-{serial % 3 + 1}",
        "gati": f"GATI-{desa[:6]}",
        "sidaya": f"BKL-{desa}",
        "cadre_training": f"PKM-{desa[:6]}",
    }[programme]


def draft(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    names = list(cal.PROGRAMME_SHARE)
    programme_of = rng.choice(len(names), count, p=np.array(list(cal.PROGRAMME_SHARE.values())))
    person = np.empty(count, dtype=np.int64)
    for k, name in enumerate(names):
        rows = np.flatnonzero(programme_of == k)
        person[rows] = _beneficiaries(pop, rng, name, rows.size)
    delivered_on = [month.day(int(d)) for d in rng.integers(1, month.days + 1, count)]
    data: list[Record] = []
    for i in range(count):
        programme = names[programme_of[i]]
        kind, quantity = _activity(programme, rng, month)
        h = int(pop.hh[person[i]])
        desa = str(geo.desa[pop.desa[h]])
        data.append(
            {
                "record_id": record_id("PRG", desa[:4], month, i + 1),
                "programme": programme,
                "activity_type": kind,
                "beneficiary_nik": pop.nik(int(person[i])),
                "beneficiary_kk": pop.kk(h),
                "provider_id": _provider(programme, pop, int(person[i]), i),
                "activity_date": delivered_on[i].isoformat(),
                "quantity": quantity,
                "desa_code": desa,
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            wrong["quantity"] = float(wrong["quantity"] + rng.integers(1, 10))
            out.append((wrong, None))
        return out

    return Draft(
        feed="program_activity",
        data=data,
        dates=list(delivered_on),
        sources=[f"{r['programme']}/{r['desa_code'][:4]}" for r in data],
        facts=[None] * count,
        miscorrect=miscorrect,
        spoilers={"implausible": _implausible, "bad_activity": _bad_activity},
    )


def _implausible(record: Record, rng: np.random.Generator) -> bool:
    record["quantity"] = float(rng.choice([-5.0, -1.0, 99999.0]))
    return True


def _bad_activity(record: Record, rng: np.random.Generator) -> bool:
    record["activity_type"] = str(rng.choice(["lainnya", "kunjungan", "PMT"]))
    return True
