"""pregnancy_check (antenatal checks) and bride_screening (Elsimil catin screening)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from satudata.synth import calibration as cal
from satudata.synth.draft import Draft, Facts, Month, Record, iso, pick, record_id
from satudata.synth.faults import nik_spoilers
from satudata.synth.geography import geography
from satudata.synth.population import YOUNG_ADULT, Population
from satudata.synth.welfare import poverty_rates

FloatArray = npt.NDArray[np.float64]


def _maybe(value: float, present: bool) -> float | None:
    return round(float(value), 1) if present else None


def _days(month: Month, rng: np.random.Generator, count: int) -> npt.NDArray[np.int64]:
    return np.array([month.day(int(d)).toordinal() for d in rng.integers(1, month.days + 1, count)])


def _poverty_shift(kab: npt.NDArray[np.int64]) -> FloatArray:
    # Poorer kabupaten: thinner arms and lower haemoglobin.
    rates = poverty_rates()
    return cal.PREGNANT_POVERTY_SHIFT_PER_10PCT * (rates[kab] - cal.PROVINCE_POVERTY_RATE) / 0.10


def draft_pregnancy(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    households = pick(rng, np.flatnonzero(pop.pregnant), count, "pregnant women")
    women = pop.mother[households]
    desa = pop.desa[households]
    kab = geo.kab_index[desa]
    checked_on = _days(month, rng, count)
    shift = _poverty_shift(kab)
    muac = np.clip(rng.normal(cal.PREGNANT_MUAC_MEAN + shift, cal.PREGNANT_MUAC_SD), 17.0, 38.0)
    hb = np.clip(rng.normal(cal.PREGNANT_HB_MEAN + shift, cal.PREGNANT_HB_SD), 6.0, 16.0)
    has_hb = rng.random(count) >= cal.PREGNANT_HB_MISSING
    height = np.clip(rng.normal(151.0, 5.5, count), 135, 175)
    week = pop.gestational_week[households]
    weight = np.clip(rng.normal(50.0, 8.0, count) + 0.3 * week, 35, 95)
    has_size = rng.random(count) >= 0.05
    has_kk = rng.random(count) >= 0.05
    data: list[Record] = []
    for i in range(count):
        data.append(
            {
                "record_id": record_id("ANC", str(geo.kabupaten[desa[i]]), month, i + 1),
                "mother_nik": pop.nik(int(women[i])),
                "kk_number": pop.kk(int(households[i])) if has_kk[i] else None,
                "birth_date": iso(pop.birth[women[i]]),
                "check_date": iso(checked_on[i]),
                "gestational_week": int(week[i]),
                "hb_g_dl": _maybe(hb[i], has_hb[i]),
                # KEK is judged on MUAC, so every good check has one: the denominator is all women checked.
                "muac_cm": round(float(muac[i]), 1),
                "weight_kg": _maybe(weight[i], has_size[i]),
                "height_cm": _maybe(height[i], has_size[i]),
                "puskesmas_id": f"PKM-{geo.kecamatan[desa[i]]}",
                "desa_code": str(geo.desa[desa[i]]),
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        # A mistyped first entry: Hb or MUAC off by one or two units.
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            if wrong["hb_g_dl"] is not None and rng.random() < 0.5:
                wrong["hb_g_dl"] = round(wrong["hb_g_dl"] + float(rng.choice([-1.5, -1.0, 1.0, 1.5])), 1)
            else:
                wrong["muac_cm"] = round(wrong["muac_cm"] + float(rng.choice([-2.0, -1.0, 1.0, 2.0])), 1)
            out.append((wrong, None))
        return out

    return Draft(
        feed="pregnancy_check",
        data=data,
        dates=[date.fromordinal(int(d)) for d in checked_on],
        sources=[f"puskesmas/{r['puskesmas_id'].removeprefix('PKM-')}" for r in data],
        facts=[None] * count,
        miscorrect=miscorrect,
        spoilers={"implausible": _implausible_pregnancy, **nik_spoilers("mother_nik", None)},
    )


def _implausible_pregnancy(record: Record, rng: np.random.Generator) -> bool:
    choice = int(rng.integers(3))
    if choice == 0:
        record["hb_g_dl"] = round(float(rng.uniform(25, 120)), 1)  # a missing decimal point
    elif choice == 1:
        record["gestational_week"] = int(rng.integers(46, 99))
    else:
        record["muac_cm"] = round(float(rng.uniform(55, 99)), 1)
    return True


def draft_bride(pop: Population, rng: np.random.Generator, count: int, month: Month) -> Draft:
    geo = geography()
    people = pick(rng, np.flatnonzero(pop.role == YOUNG_ADULT), count, "catin")
    desa = pop.desa[pop.hh[people]]
    screened_on = _days(month, rng, count)
    female = pop.sex[people] == 2
    normal = rng.standard_normal((4, count))

    def by_sex(table: dict[str, tuple[float, float]], z: FloatArray) -> FloatArray:
        (mean_p, sd_p), (mean_l, sd_l) = table["P"], table["L"]
        return np.where(female, mean_p + sd_p * z, mean_l + sd_l * z)

    hb = np.clip(by_sex(cal.BRIDE_HB, normal[0]), 7.0, 18.0)
    muac = np.clip(by_sex(cal.BRIDE_MUAC, normal[1]), 18.0, 38.0)
    height = np.clip(by_sex(cal.BRIDE_HEIGHT, normal[2]), 135.0, 190.0)
    weight = np.clip(21.5 + 3.0 * normal[3], 15.5, 35.0) * (height / 100) ** 2
    present = rng.random((4, count)) >= np.array([[0.05], [0.05], [0.03], [0.10]])
    data: list[Record] = []
    for i in range(count):
        planned = date.fromordinal(int(screened_on[i])) + timedelta(days=int(rng.integers(30, 120)))
        data.append(
            {
                "record_id": record_id("ELSIMIL", str(geo.kabupaten[desa[i]]), month, i + 1),
                "nik": pop.nik(int(people[i])),
                "sex": "P" if female[i] else "L",
                "birth_date": iso(pop.birth[people[i]]),
                "screening_date": iso(screened_on[i]),
                "hb_g_dl": _maybe(hb[i], present[0, i]),
                "muac_cm": _maybe(muac[i], present[1, i]),
                "height_cm": _maybe(height[i], present[2, i]),
                "weight_kg": _maybe(weight[i], present[2, i]),
                "planned_marriage_date": planned.isoformat() if present[3, i] else None,
                "desa_code": str(geo.desa[desa[i]]),
            }
        )

    def miscorrect(indices: list[int], rng: np.random.Generator) -> list[tuple[Record, Facts]]:
        out: list[tuple[Record, Facts]] = []
        for i in indices:
            wrong = dict(data[i])
            # A mistyped Hb (or one entered where none was measured); never the true value.
            true_hb = wrong["hb_g_dl"]
            step = float(rng.choice([-2.0, -1.0, 1.0, 2.0]))
            wrong["hb_g_dl"] = round(12.0 + step if true_hb is None else true_hb + step, 1)
            out.append((wrong, None))
        return out

    return Draft(
        feed="bride_screening",
        data=data,
        dates=[date.fromordinal(int(d)) for d in screened_on],
        sources=[f"elsimil/{geo.kabupaten[d]}" for d in desa],
        facts=[None] * count,
        miscorrect=miscorrect,
        spoilers={"implausible": _implausible_bride, **nik_spoilers("nik", "sex")},
    )


def _implausible_bride(record: Record, rng: np.random.Generator) -> bool:
    if rng.random() < 0.5:
        record["height_cm"] = round(float(rng.uniform(250, 400)), 1)
    else:
        record["hb_g_dl"] = round(float(rng.uniform(30, 140)), 1)
    return True
