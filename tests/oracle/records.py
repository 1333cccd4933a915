"""Hypothesis strategies: small random batches of valid CloudEvents of every feed over a small universe.

The universe (`universe(year)`): three desa that exist in the region master (two in one kecamatan, one in
another kabupaten), five children with NIKs (and one measured without a NIK), three KKs whose family and
household records name those children, and three consecutive months of one year. Records pass the contracts
(contracts/<feed>/v1.json); child z-scores are drawn mostly plausible, now and then flagged or with oedema.

A batch (`batches(year)`) is in publish order and holds, besides one base record per drawn subject and month:
duplicates (the same event sent again), corrections (same subject and month, later time, other values, now and
then another desa), late events (a record of the oldest month published last), records without a NIK, and
programme activities for the children and KKs dated inside and outside the 90-day windows.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from hypothesis import strategies as st

from satudata.events import ACTIVITY_TYPES, POPULATION_AGE_GROUPS, make_event
from satudata.growth import measurement_for_z
from satudata.nik import make_kk, make_nik

DESAS = ("5301042003", "5301042004", "5302011001")  # Bokonusan and Otan (530104), and one desa of 5302
SECRET = "oracle-secret"
LINES = {2023: 326_500, 2024: 334_000, 2025: 341_000}


@dataclass(frozen=True)
class Child:
    nik: str | None
    sex: str
    birth_date: date
    desa: str


@dataclass(frozen=True)
class Family:
    kk: str
    desa: str
    child_niks: tuple[str, ...]
    head_nik: str


@dataclass(frozen=True)
class Universe:
    year: int
    children: tuple[Child, ...]
    families: tuple[Family, ...]
    desas: tuple[str, ...] = DESAS


def universe(year: int) -> Universe:
    """Five children with a NIK and one without; three KKs naming the children (one child in two KKs)."""
    a, b, c = DESAS

    def child(desa: str, birth: date, sex: str, serial: int) -> Child:
        return Child(make_nik(desa[:6], birth, sex, serial), sex, birth, desa)  # type: ignore[arg-type]

    children = (
        child(a, date(year - 1, 3, 14), "L", 1),
        child(a, date(year - 2, 7, 2), "P", 2),
        child(b, date(year - 3, 11, 20), "L", 3),
        child(c, date(year - 4, 5, 5), "P", 4),
        child(c, date(year - 1, 10, 1), "L", 5),
        Child(None, "P", date(year - 2, 1, 9), b),
    )
    head = make_nik(a[:6], date(year - 30, 4, 4), "L", 10)
    families = (
        Family(make_kk(a[:6], date(year - 5, 2, 1), 1), a, (children[0].nik, children[1].nik), head),  # type: ignore[arg-type]
        Family(make_kk(b[:6], date(year - 6, 3, 1), 2), b, (children[2].nik, children[1].nik), head),  # type: ignore[arg-type]
        Family(make_kk(c[:6], date(year - 7, 4, 1), 3), c, (children[3].nik, children[4].nik), head),  # type: ignore[arg-type]
    )
    return Universe(year, children, families)


@dataclass
class Batch:
    """Events in publish order, the three months ('YYYY-MM') and the universe they were drawn over."""

    events: list[dict[str, Any]]
    months: list[str]
    universe: Universe
    labels: list[str] = field(default_factory=list)  # parallel to events: base, duplicate, correction, late


class _Clock:
    """Event times: increasing, from a start, with random steps."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def tick(self, seconds: int) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def _day_in(draw: st.DrawFn, month: date) -> date:
    return month + timedelta(days=draw(st.integers(0, 27)))


def _months(first: date) -> list[date]:
    return [date(first.year, first.month + k, 1) for k in range(3)]


# One record per feed ---------------------------------------------------------------------------------------


def child_data(draw: st.DrawFn, child: Child, day: date, desa: str) -> dict[str, Any]:
    age = (day - child.birth_date).days
    sex = 1 if child.sex == "L" else 2
    # Mostly plausible z-scores; now and then one beyond WHO's flag limits (flagged, so not usable).
    zlen = draw(st.one_of(st.floats(-4, 3), st.floats(-4, 3), st.floats(-4, 3), st.sampled_from([-6.5, 6.5])))
    zwfl = draw(st.one_of(st.floats(-3.5, 3), st.floats(-3.5, 3), st.sampled_from([-5.5, 5.5])))
    lying = age < 731
    if draw(st.integers(0, 9)) == 0:
        lying = not lying  # the other position now and then: anthro converts by 0.7 cm
    height = float(measurement_for_z("length_height_for_age", sex, age, zlen))
    if not np.isfinite(height):
        height = 80.0
    height = round(min(max(height, 45.5), 119.5), 1)
    table = "weight_for_length" if age < 731 else "weight_for_height"
    weight = float(measurement_for_z(table, sex, height, zwfl))
    if not np.isfinite(weight):
        weight = 10.0
    weight = round(min(max(weight, 1.0), 34.0), 2)
    return {
        "record_id": f"PPGBM-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "child_nik": child.nik,
        "sex": child.sex,
        "birth_date": child.birth_date.isoformat(),
        "measure_date": day.isoformat(),
        "weight_kg": weight,
        "height_cm": height,
        "measure_position": "lying" if lying else "standing",
        "muac_cm": draw(st.one_of(st.none(), st.floats(9, 20).map(lambda v: round(v, 1)))),
        "oedema": draw(st.integers(0, 14)) == 0,
        "posyandu_id": f"P-{desa}-0{draw(st.integers(1, 3))}",
        "desa_code": desa,
    }


def pregnancy_data(draw: st.DrawFn, year: int, day: date, desa: str) -> dict[str, Any]:
    birth = date(year - draw(st.integers(17, 44)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    with_nik = draw(st.integers(0, 4)) > 0
    return {
        "record_id": f"ANC-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "mother_nik": make_nik(desa[:6], birth, "P", draw(st.integers(1, 40))) if with_nik else None,
        "kk_number": draw(st.one_of(st.none(), st.just(make_kk(desa[:6], date(year - 3, 1, 2), 77)))),
        "birth_date": birth.isoformat(),
        "check_date": day.isoformat(),
        "gestational_week": draw(st.integers(1, 42)),
        "hb_g_dl": draw(st.one_of(st.none(), st.floats(7, 15).map(lambda v: round(v, 1)))),
        "muac_cm": draw(st.one_of(st.none(), st.floats(19, 30).map(lambda v: round(v, 1)))),
        "weight_kg": draw(st.one_of(st.none(), st.floats(38, 90).map(lambda v: round(v, 1)))),
        "height_cm": draw(st.one_of(st.none(), st.floats(135, 175).map(lambda v: round(v, 1)))),
        "puskesmas_id": f"PKM-{desa[:6]}",
        "desa_code": desa,
    }


def family_data(draw: st.DrawFn, family: Family, day: date, desa: str) -> dict[str, Any]:
    mother_age = draw(st.sampled_from(["young", "old", "fine", "fine"]))
    return {
        "record_id": f"KRS-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "kk_number": family.kk,
        "head_nik": draw(st.one_of(st.none(), st.just(family.head_nik))),
        "assessment_date": day.isoformat(),
        "has_under_five": draw(st.booleans()),
        "has_pregnant": draw(st.booleans()),
        "safe_water": draw(st.integers(0, 3)) > 0,
        "proper_latrine": draw(st.integers(0, 3)) > 0,
        "mother_too_young": mother_age == "young",
        "mother_too_old": mother_age == "old",
        "births_too_close": draw(st.integers(0, 4)) == 0,
        "too_many_children": draw(st.integers(0, 4)) == 0,
        "child_niks": list(family.child_niks),
        "tpk_id": f"TPK-{desa}-1",
        "desa_code": desa,
    }


def bride_data(draw: st.DrawFn, year: int, day: date, desa: str) -> dict[str, Any]:
    sex = draw(st.sampled_from(["L", "P"]))
    # Ages around 19 at screening, so the whole-years rule is exercised on both sides.
    birth = day.replace(year=day.year - draw(st.integers(16, 30))) + timedelta(days=draw(st.integers(-20, 20)))
    return {
        "record_id": f"CATIN-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "nik": make_nik(desa[:6], birth, sex, draw(st.integers(1, 40))),  # type: ignore[arg-type]
        "sex": sex,
        "birth_date": birth.isoformat(),
        "screening_date": day.isoformat(),
        "hb_g_dl": draw(st.one_of(st.none(), st.floats(8, 16).map(lambda v: round(v, 1)))),
        "muac_cm": draw(st.one_of(st.none(), st.floats(19, 30).map(lambda v: round(v, 1)))),
        "height_cm": draw(st.one_of(st.none(), st.floats(140, 180).map(lambda v: round(v, 1)))),
        "weight_kg": draw(st.one_of(st.none(), st.floats(38, 90).map(lambda v: round(v, 1)))),
        "planned_marriage_date": draw(st.one_of(st.none(), st.just((day + timedelta(days=60)).isoformat()))),
        "desa_code": desa,
    }


def welfare_data(draw: st.DrawFn, family: Family, day: date, desa: str) -> dict[str, Any]:
    return {
        "record_id": f"P3KE-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "kk_number": family.kk,
        "head_nik": draw(st.one_of(st.none(), st.just(family.head_nik))),
        "members": draw(st.integers(1, 9)),
        "per_capita_expenditure_rp": draw(st.integers(150_000, 700_000)),
        "welfare_decile": draw(st.integers(1, 10)),
        "receives_pkh": draw(st.booleans()),
        "receives_bpnt": draw(st.booleans()),
        "receives_pbi": draw(st.booleans()),
        "child_niks": list(family.child_niks),
        "reference_date": day.isoformat(),
        "desa_code": desa,
    }


def wash_data(draw: st.DrawFn, family: Family, day: date, desa: str) -> dict[str, Any]:
    sanitation = draw(st.sampled_from(["safely_managed", "basic", "limited", "unimproved", "open_defecation"]))
    return {
        "record_id": f"STBM-{desa}-{draw(st.integers(1, 10**6)):06d}",
        "kk_number": family.kk,
        "water_source_class": draw(
            st.sampled_from(["safely_managed", "basic", "limited", "unimproved", "surface_water"])
        ),
        "sanitation_class": sanitation,
        "open_defecation": sanitation == "open_defecation",
        "survey_date": day.isoformat(),
        "desa_code": desa,
    }


def population_data(draw: st.DrawFn, year: int, desa: str, age_group: str, sex: str) -> dict[str, Any]:
    return {
        "record_id": f"POP-{desa}-{year}-{age_group}-{sex}",
        "year": year,
        "age_group": age_group,
        "sex": sex,
        "count": draw(st.integers(0, 60)),
        "desa_code": desa,
    }


def activity_data(draw: st.DrawFn, u: Universe, day: date, desa: str) -> dict[str, Any]:
    programme = draw(st.sampled_from(["genting", "tamasya", "gati", "posyandu", "posyandu", "sidaya"]))
    to_child = draw(st.booleans())
    nik = draw(st.sampled_from([c.nik for c in u.children if c.nik is not None])) if to_child else None
    kk = draw(st.sampled_from([f.kk for f in u.families])) if not to_child or draw(st.booleans()) else None
    return {
        "record_id": f"PRG-{desa}-{uuid.UUID(int=draw(st.integers(0, 2**64))).hex[:12]}",
        "programme": programme,
        "activity_type": draw(st.sampled_from(ACTIVITY_TYPES[programme])),
        "beneficiary_nik": nik,
        "beneficiary_kk": kk,
        "provider_id": f"OTA-{desa[:4]}-001",
        "activity_date": day.isoformat(),
        "quantity": float(draw(st.integers(1, 20))),
        "desa_code": desa,
    }


# The batch -------------------------------------------------------------------------------------------------


def _correct(draw: st.DrawFn, feed: str, data: dict[str, Any], u: Universe) -> dict[str, Any]:
    """Other values for the same subject and month (same record date month; for a child now and then another
    desa)."""
    new = dict(data)
    if feed == "child_measurement":
        new["weight_kg"] = round(min(max(data["weight_kg"] + draw(st.floats(-1.5, 1.5)), 1.0), 34.0), 2)
        new["height_cm"] = round(min(max(data["height_cm"] + draw(st.floats(-6, 6)), 45.5), 119.5), 1)
        new["desa_code"] = draw(st.sampled_from(u.desas))
    elif feed == "pregnancy_check":
        new["hb_g_dl"] = draw(st.one_of(st.none(), st.floats(7, 15).map(lambda v: round(v, 1))))
        new["muac_cm"] = draw(st.one_of(st.none(), st.floats(19, 30).map(lambda v: round(v, 1))))
    elif feed == "family_risk":
        new["safe_water"] = not data["safe_water"]
        new["has_under_five"] = draw(st.booleans())
    elif feed == "household_welfare":
        new["per_capita_expenditure_rp"] = draw(st.integers(150_000, 700_000))
        new["members"] = draw(st.integers(1, 9))
    elif feed == "wash_access":
        new["water_source_class"] = draw(st.sampled_from(["safely_managed", "limited", "surface_water"]))
    elif feed == "bride_screening":
        new["hb_g_dl"] = draw(st.one_of(st.none(), st.floats(8, 16).map(lambda v: round(v, 1))))
    elif feed == "population":
        new["count"] = draw(st.integers(0, 60))
    date_field = {
        "child_measurement": "measure_date",
        "pregnancy_check": "check_date",
        "family_risk": "assessment_date",
        "household_welfare": "reference_date",
        "wash_access": "survey_date",
        "bride_screening": "screening_date",
    }.get(feed)
    if date_field is not None and draw(st.booleans()):
        # The same month, another day (a second visit): the later date wins whatever the time.
        old = date.fromisoformat(data[date_field])
        new[date_field] = old.replace(day=draw(st.integers(1, 28))).isoformat()
    return new


@st.composite
def batches(draw: st.DrawFn, year: int = 2024) -> Batch:
    """A small valid batch over `universe(year)` and three consecutive months of `year`."""
    u = universe(year)
    first = date(year, draw(st.integers(1, 10)), 1)
    months = _months(first)
    clock = _Clock(datetime(year, first.month, 1, 0, 0, tzinfo=UTC))
    base: list[tuple[str, dict[str, Any]]] = []

    for month in months:
        for child in u.children:
            if draw(st.integers(0, 4)) > 0:  # most children attend the posyandu each month
                base.append(("child_measurement", child_data(draw, child, _day_in(draw, month), child.desa)))
        for family in u.families:
            if draw(st.integers(0, 2)) == 0:
                base.append(("family_risk", family_data(draw, family, _day_in(draw, month), family.desa)))
            if draw(st.integers(0, 2)) == 0:
                base.append(("household_welfare", welfare_data(draw, family, _day_in(draw, month), family.desa)))
            if draw(st.integers(0, 2)) == 0:
                base.append(("wash_access", wash_data(draw, family, _day_in(draw, month), family.desa)))
        for _ in range(draw(st.integers(0, 2))):
            desa = draw(st.sampled_from(u.desas))
            base.append(("pregnancy_check", pregnancy_data(draw, year, _day_in(draw, month), desa)))
        for _ in range(draw(st.integers(0, 2))):
            desa = draw(st.sampled_from(u.desas))
            base.append(("bride_screening", bride_data(draw, year, _day_in(draw, month), desa)))
        for _ in range(draw(st.integers(0, 4))):
            desa = draw(st.sampled_from(u.desas))
            base.append(("program_activity", activity_data(draw, u, _day_in(draw, month), desa)))
    # Activities before the three months: some inside the 90-day window of the first month, some outside.
    for _ in range(draw(st.integers(0, 3))):
        day = first - timedelta(days=draw(st.integers(1, 100)))
        base.append(("program_activity", activity_data(draw, u, day, draw(st.sampled_from(u.desas)))))
    for desa in u.desas:
        if draw(st.booleans()):
            for sex in ("L", "P"):
                base.append(("population", population_data(draw, year, desa, "0-4", sex)))
            other = draw(st.sampled_from(POPULATION_AGE_GROUPS[1:]))
            base.append(("population", population_data(draw, year, desa, other, "L")))

    out: list[dict[str, Any]] = []
    labels: list[str] = []
    for feed, data in base:
        out.append(make_event(feed, data, source=f"oracle/{feed}", time=clock.tick(draw(st.integers(1, 600)))))
        labels.append("base")
    originals = list(out)
    if originals:
        for _ in range(draw(st.integers(0, 4))):  # corrections: same subject and month, later time
            event = draw(st.sampled_from(originals))
            feed = event["type"].split(".")[-2]
            if feed == "program_activity":
                continue
            data = _correct(draw, feed, event["data"], u)
            out.append(make_event(feed, data, source=event["source"], time=clock.tick(draw(st.integers(1, 600)))))
            labels.append("correction")
        for _ in range(draw(st.integers(0, 3))):  # late: a record of the oldest month, published last
            child = draw(st.sampled_from(u.children))
            data = child_data(draw, child, _day_in(draw, months[0]), child.desa)
            late = make_event("child_measurement", data, source="oracle/late", time=clock.tick(3600 * 24 * 40))
            out.append(late)
            labels.append("late")
        for _ in range(draw(st.integers(0, 4))):  # duplicates: the same event sent again
            out.append(dict(draw(st.sampled_from(list(out)))))
            labels.append("duplicate")
    return Batch(out, [m.isoformat()[:7] for m in months], u, labels)
