"""child_measurement: one Posyandu weighing and measuring of an under-five, with the child's true z-scores."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from satudata.nik import make_nik
from satudata.synth import calibration as cal
from satudata.synth.anthropometry import Measured, measure
from satudata.synth.draft import Draft, Facts, Month, Record, iso, pick, record_id
from satudata.synth.faults import nik_spoilers
from satudata.synth.geography import geography
from satudata.synth.population import CHILD, Population

# Each Posyandu has its own weighing day; a few children are weighed on another day (sweeping, home visits).
OFF_DAY_SHARE = 0.2


def posyandu_code(desa: str, index: int) -> str:
    return f"{desa}-{index + 1:02d}"


def _facts(m: Measured, i: int, oedema: bool) -> Facts:
    # With oedema WHO gives no weight-based z: the child counts as wasted (< -3) and not in underweight.
    return {
        "zlen": float(m.zlen[i]),
        "zwfl": None if oedema else float(m.zwfl[i]),
        "zwei": None if oedema else float(m.zwei[i]),
        "oedema": oedema,
    }


def _values(m: Measured, i: int) -> dict[str, object]:
    muac = m.muac_cm[i]
    return {
        "weight_kg": float(m.weight_kg[i]),
        "height_cm": float(m.height_cm[i]),
        "measure_position": "standing" if m.standing[i] else "lying",
        "muac_cm": None if np.isnan(muac) else float(muac),
    }


def draft(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    kids = np.flatnonzero(pop.role == CHILD)
    age_at_reference = pop.reference.toordinal() - pop.birth[kids]
    attends = rng.random(kids.size) < 1 - cal.ATTENDANCE_DROP_BY_60_MONTHS * age_at_reference / 1826
    chosen = pick(rng, kids[attends], count, "under-fives")
    hh = pop.hh[chosen]
    desa = pop.desa[hh]
    kab = geo.kab_index[desa]
    weighing_day = (desa * 7 + pop.posyandu[hh] * 11) % min(month.days, 28) + 1
    day = np.where(rng.random(count) < OFF_DAY_SHARE, rng.integers(1, month.days + 1, count), weighing_day)
    measured_on = np.array([month.day(int(d)).toordinal() for d in day])
    age_days = measured_on - pop.birth[chosen]
    sex = pop.sex[chosen]
    initial = (pop.zlen[chosen], pop.zwfl[chosen])
    m = measure(rng, sex, age_days, kab, initial=initial)
    oedema = rng.random(count) < cal.OEDEMA_RATE

    data: list[Record] = []
    facts: list[Facts] = []
    kabupaten = geo.kabupaten[desa]
    for i in range(count):
        code = str(geo.desa[desa[i]])
        data.append(
            {
                "record_id": record_id("PPGBM", str(kabupaten[i]), month, i + 1),
                "child_nik": pop.nik(int(chosen[i])),
                "sex": "L" if sex[i] == 1 else "P",
                "birth_date": iso(pop.birth[chosen[i]]),
                "measure_date": iso(measured_on[i]),
                **_values(m, i),
                "oedema": bool(oedema[i]),
                "posyandu_id": "P-" + posyandu_code(code, int(pop.posyandu[hh[i]])),
                "desa_code": code,
            }
        )
        facts.append(_facts(m, i, bool(oedema[i])))

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        # The first entry was mis-measured: other z-scores near the true ones, still plausible.
        idx = np.asarray(indices, dtype=np.int64)
        wrong = measure(rng, sex[idx], age_days[idx], kab[idx], around=(m.zlen[idx], m.zwfl[idx]), spread=0.6)
        out = []
        for j, i in enumerate(indices):
            out.append(({**data[i], **_values(wrong, j)}, _facts(wrong, j, bool(oedema[i]))))
        return out

    return Draft(
        feed="child_measurement",
        data=data,
        dates=[date.fromordinal(int(d)) for d in measured_on],
        facts=facts,
        miscorrect=miscorrect,
        spoilers=SPOILERS,
        sources=["posyandu/" + r["posyandu_id"].removeprefix("P-") for r in data],
    )


def _renik(record: Record, birth: date, sex: str) -> None:
    """Keep the NIK in step with a changed birth date, so the record breaks only the rule meant."""
    nik = record.get("child_nik")
    if nik is not None:
        record["child_nik"] = make_nik(nik[:6], birth, sex, int(nik[12:]))  # type: ignore[arg-type]


def _before_birth(record: Record, rng: np.random.Generator) -> bool:
    birth = date.fromisoformat(record["birth_date"])
    record["measure_date"] = (birth - timedelta(days=int(rng.integers(1, 60)))).isoformat()
    return True


def _over_five(record: Record, rng: np.random.Generator) -> bool:
    measured = date.fromisoformat(record["measure_date"])
    birth = measured - timedelta(days=int(rng.integers(1860, 2400)))
    record["birth_date"] = birth.isoformat()
    _renik(record, birth, record["sex"])
    return True


def _implausible(record: Record, rng: np.random.Generator) -> bool:
    # Beyond WHO's flags for any under-five and beyond any sane range: a slipped decimal or a digit too many.
    if rng.random() < 0.5:
        record["weight_kg"] = round(float(rng.uniform(38, 60)) if rng.random() < 0.5 else 0.3, 1)
    else:
        record["height_cm"] = round(float(rng.uniform(135, 170)) if rng.random() < 0.5 else 30.0, 1)
    return True


SPOILERS = {
    "before_birth": _before_birth,
    "over_five": _over_five,
    "implausible": _implausible,
    **nik_spoilers("child_nik", "sex"),
}
