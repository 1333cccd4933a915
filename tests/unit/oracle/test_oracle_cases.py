"""Small hand-made cases with the numbers docs/indicators.md gives them, one rule at a time."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from satudata.events import make_event
from satudata.growth import measurement_for_z
from satudata.nik import make_kk, make_nik, pseudonymise
from tests.oracle import oracle
from tests.oracle.indicators import accepted_records, convergence_targets, counted_records

A, B, C = "5301042003", "5301042004", "5302011001"  # A and B in kecamatan 530104, C in kabupaten 5302
SECRET = "case-secret"
LINES = {2023: 300_000, 2025: 340_000}
_ids = itertools.count(1)
T0 = datetime(2024, 5, 1, tzinfo=UTC)


def ev(feed: str, data: dict[str, Any], minute: int = 0, event_id: str | None = None) -> dict[str, Any]:
    return make_event(
        feed, data, source="case", event_id=event_id or f"e{next(_ids):05d}", time=T0 + timedelta(minutes=minute)
    )


def run(events: list[dict[str, Any]], months: list[str] | None = None) -> dict:
    return oracle(events, secret=SECRET, extreme_poverty_line_rp=LINES, months=months)


def child_nik(serial: int, birth: date = date(2022, 6, 15), sex: str = "L", desa: str = A) -> str:
    return make_nik(desa[:6], birth, sex, serial)  # type: ignore[arg-type]


def child(
    nik: str | None,
    desa: str,
    day: str,
    *,
    zlen: float = 0.0,
    zwfl: float = 0.0,
    weight: float | None = None,
    oedema: bool = False,
    birth: date = date(2022, 6, 15),
    sex: str = "L",
    record_id: str | None = None,
) -> dict[str, Any]:
    """A child measured standing (age > 2 years) at the WHO length and weight-for-height of the given z."""
    code = 1 if sex == "L" else 2
    age = (date.fromisoformat(day) - birth).days
    height = round(float(measurement_for_z("length_height_for_age", code, age, zlen)), 1)
    if weight is None:
        weight = round(float(measurement_for_z("weight_for_height", code, height, zwfl)), 2)
    return {
        "record_id": record_id or f"R{next(_ids)}",
        "child_nik": nik,
        "sex": sex,
        "birth_date": birth.isoformat(),
        "measure_date": day,
        "weight_kg": weight,
        "height_cm": height,
        "measure_position": "standing",
        "muac_cm": None,
        "oedema": oedema,
        "posyandu_id": "P-1",
        "desa_code": desa,
    }


def at(result: dict, indicator: str, region: str, period: str) -> tuple[int, int] | None:
    return result.get((indicator, region, period))


# Child growth ------------------------------------------------------------------------------------------------


def test_child_growth_indicators_and_oedema() -> None:
    events = [
        ev("child_measurement", child(child_nik(1), A, "2024-03-05", zlen=-2.5)),  # stunted, not severely
        ev("child_measurement", child(child_nik(2), A, "2024-03-05", zlen=-3.5)),  # severely stunted
        ev("child_measurement", child(child_nik(3), A, "2024-03-05", oedema=True)),  # oedema: -3.1 aux
        ev("child_measurement", child(child_nik(4), A, "2024-03-05", zwfl=2.5)),  # overweight
        ev("child_measurement", child(child_nik(5), A, "2024-03-05", zlen=-6.5)),  # zlen flagged: not usable
    ]
    r = run(events)
    p = "2024-03-01"
    assert at(r, "stunting_prevalence", A, p) == (2, 4)
    assert at(r, "severe_stunting_prevalence", A, p) == (1, 4)
    # wasting: oedema counts in numerator and denominator; overweight never with oedema.
    assert at(r, "wasting_prevalence", A, p) == (1, 5)
    assert at(r, "overweight_prevalence", A, p) == (1, 5)
    underweight = at(r, "underweight_prevalence", A, p)
    assert underweight is not None and underweight[1] == 5 and underweight[0] >= 1  # oedema is below -2
    assert at(r, "weighing_coverage", A, p) == (5, 0)  # measured, no population record
    # Sums up the hierarchy.
    for region in (A[:6], A[:4], "53"):
        assert at(r, "stunting_prevalence", region, p) == (2, 4)


def test_correction_moves_a_child_to_another_desa() -> None:
    nik = child_nik(1)
    first = child(nik, A, "2024-03-05", zlen=-2.5)
    corrected = {**child(nik, C, "2024-03-05", zlen=0.5), "record_id": first["record_id"]}
    r = run([ev("child_measurement", first, 0), ev("child_measurement", corrected, 5)])
    p = "2024-03-01"
    assert at(r, "stunting_prevalence", A, p) is None  # the earlier record's contribution is gone
    assert at(r, "stunting_prevalence", A[:4], p) is None
    assert at(r, "stunting_prevalence", C, p) == (0, 1)
    assert at(r, "stunting_prevalence", "53", p) == (0, 1)
    assert at(r, "weighing_coverage", "53", p) == (1, 0)


def test_latest_by_record_date_then_time_then_id() -> None:
    nik = child_nik(1)
    # A second visit later in the month wins even when its event is older.
    visit_20 = ev("child_measurement", child(nik, A, "2024-03-20", zlen=-2.5), minute=0)
    visit_10 = ev("child_measurement", child(nik, A, "2024-03-10", zlen=0.0), minute=30)
    r = run([visit_20, visit_10])
    assert at(r, "stunting_prevalence", A, "2024-03-01") == (1, 1)
    # Same date and time: the larger event id wins.
    nik2 = child_nik(2)
    low = ev("child_measurement", child(nik2, B, "2024-03-10", zlen=-2.5), minute=1, event_id="id-a")
    high = ev("child_measurement", child(nik2, B, "2024-03-10", zlen=0.0), minute=1, event_id="id-b")
    for order in ([low, high], [high, low]):
        assert at(run(order), "stunting_prevalence", B, "2024-03-01") == (0, 1)


def test_late_record_changes_its_old_month_only() -> None:
    april = ev("child_measurement", child(child_nik(1), A, "2024-04-03", zlen=-2.5), minute=0)
    late_march = ev("child_measurement", child(child_nik(2), A, "2024-03-28", zlen=-2.5), minute=60)
    before = run([april])
    after = run([april, late_march])
    assert at(before, "stunting_prevalence", A, "2024-03-01") is None
    assert at(after, "stunting_prevalence", A, "2024-03-01") == (1, 1)
    assert at(after, "stunting_prevalence", A, "2024-04-01") == at(before, "stunting_prevalence", A, "2024-04-01")
    assert at(after, "stunting_prevalence", A, "2024-04-01") == (1, 1)


def test_duplicates_count_once_and_children_without_nik_are_their_records() -> None:
    one = ev("child_measurement", child(child_nik(1), A, "2024-03-05", zlen=-2.5))
    no_nik_1 = ev("child_measurement", child(None, A, "2024-03-06", zlen=-2.5))
    no_nik_2 = ev("child_measurement", child(None, A, "2024-03-07", zlen=0.0))
    r = run([one, one, dict(one), no_nik_1, no_nik_2, no_nik_1])
    assert at(r, "stunting_prevalence", A, "2024-03-01") == (2, 3)


def test_no_weight_gain_rate() -> None:
    same, gained, only_march = child_nik(1), child_nik(2), child_nik(3)
    events = [
        ev("child_measurement", child(same, A, "2024-02-10", weight=12.0)),
        ev("child_measurement", child(same, A, "2024-03-10", weight=12.0)),  # equal weight: no gain
        ev("child_measurement", child(gained, A, "2024-02-10", weight=12.0)),
        ev("child_measurement", child(gained, A, "2024-03-12", weight=12.4)),  # gained
        ev("child_measurement", child(only_march, A, "2024-03-10", weight=11.0)),  # no February: not counted
        ev("child_measurement", child(child_nik(4), A, "2024-01-10", weight=11.0)),  # January, then April:
        ev("child_measurement", child(child_nik(4), A, "2024-04-10", weight=10.0)),  # not consecutive
    ]
    r = run(events)
    assert at(r, "no_weight_gain_rate", A, "2024-03-01") == (1, 2)
    assert at(r, "no_weight_gain_rate", A, "2024-02-01") is None
    assert at(r, "no_weight_gain_rate", A, "2024-04-01") is None
    assert at(r, "no_weight_gain_rate", "53", "2024-03-01") == (1, 2)


def population(desa: str, year: int, group: str, sex: str, count: int) -> dict[str, Any]:
    return {
        "record_id": f"POP-{desa}-{group}-{sex}",
        "year": year,
        "age_group": group,
        "sex": sex,
        "count": count,
        "desa_code": desa,
    }


def test_weighing_coverage_with_population() -> None:
    events = [
        ev("population", population(A, 2024, "0-4", "L", 30)),
        ev("population", population(A, 2024, "0-4", "P", 25), minute=1),
        ev("population", population(A, 2024, "0-4", "P", 20), minute=2),  # corrects the 25
        ev("population", population(A, 2024, "5-14", "L", 100)),  # not the 0-4 group
        ev("child_measurement", child(child_nik(1), A, "2024-03-05")),
        ev("child_measurement", child(child_nik(2), A, "2024-03-06")),
        ev("child_measurement", child(child_nik(3), A, "2024-03-07")),
        ev("child_measurement", child(child_nik(4), B, "2024-03-07")),
    ]
    r = run(events)
    assert at(r, "weighing_coverage", A, "2024-03-01") == (3, 50)
    assert at(r, "weighing_coverage", A, "2024-01-01") == (0, 50)  # every month of the year
    assert at(r, "weighing_coverage", A, "2024-12-01") == (0, 50)
    assert at(r, "weighing_coverage", A, "2025-01-01") is None
    assert at(r, "weighing_coverage", B, "2024-03-01") == (1, 0)
    assert at(r, "weighing_coverage", A[:6], "2024-03-01") == (4, 50)
    assert len([k for k in r if k[0] == "weighing_coverage" and k[1] == A]) == 12
    assert set(run(events, months=["2024-03"])) == {k for k in r if k[2] == "2024-03-01"}


# Other feeds ------------------------------------------------------------------------------------------------


def pregnancy(nik: str | None, muac: float | None, hb: float | None, day: str = "2024-03-04") -> dict[str, Any]:
    return {
        "record_id": f"ANC{next(_ids)}",
        "mother_nik": nik,
        "kk_number": None,
        "birth_date": "1995-02-03",
        "check_date": day,
        "gestational_week": 20,
        "hb_g_dl": hb,
        "muac_cm": muac,
        "weight_kg": None,
        "height_cm": None,
        "puskesmas_id": "PKM-1",
        "desa_code": A,
    }


def test_pregnancy() -> None:
    mother = make_nik(A[:6], date(1995, 2, 3), "P", 1)
    events = [
        ev("pregnancy_check", pregnancy(mother, 24.0, 12.0, "2024-03-02")),  # replaced by her later check
        ev("pregnancy_check", pregnancy(mother, 22.0, 10.5, "2024-03-20")),  # KEK and anaemic
        ev("pregnancy_check", pregnancy(None, None, 12.0)),  # no NIK: its own subject; no MUAC
        ev("pregnancy_check", pregnancy(None, 24.0, None)),  # no Hb
    ]
    r = run(events)
    assert at(r, "pregnant_kek_prevalence", A, "2024-03-01") == (1, 2)
    assert at(r, "pregnant_anaemia_prevalence", A, "2024-03-01") == (1, 2)


def family(
    kk: str,
    desa: str,
    day: str,
    *,
    target: bool,
    risk: bool,
    children: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "record_id": f"KRS{next(_ids)}",
        "kk_number": kk,
        "head_nik": None,
        "assessment_date": day,
        "has_under_five": target,
        "has_pregnant": False,
        "safe_water": not risk,
        "proper_latrine": True,
        "mother_too_young": False,
        "mother_too_old": False,
        "births_too_close": False,
        "too_many_children": False,
        "child_niks": children or [],
        "tpk_id": "TPK-1",
        "desa_code": desa,
    }


def kk(serial: int, desa: str = A) -> str:
    return make_kk(desa[:6], date(2015, 3, 12), serial)


def test_family_risk() -> None:
    events = [
        ev("family_risk", family(kk(1), A, "2024-03-01", target=True, risk=True)),
        ev("family_risk", family(kk(2), A, "2024-03-01", target=True, risk=False)),
        ev("family_risk", family(kk(3), A, "2024-03-01", target=False, risk=True)),
    ]
    assert at(run(events), "family_risk_rate", A, "2024-03-01") == (1, 3)


def bride(birth: date, hb: float | None, muac: float | None, serial: int) -> dict[str, Any]:
    return {
        "record_id": f"CT{serial}",
        "nik": make_nik(A[:6], birth, "P", serial),
        "sex": "P",
        "birth_date": birth.isoformat(),
        "screening_date": "2024-03-15",
        "hb_g_dl": hb,
        "muac_cm": muac,
        "height_cm": None,
        "weight_kg": None,
        "planned_marriage_date": None,
        "desa_code": A,
    }


def test_bride_risk() -> None:
    events = [
        ev("bride_screening", bride(date(2005, 3, 16), 13.0, 25.0, 1)),  # 18 whole years (birthday tomorrow)
        ev("bride_screening", bride(date(2005, 3, 15), None, None, 2)),  # 19 today; missing Hb/MUAC: no risk
        ev("bride_screening", bride(date(2000, 1, 1), 11.9, None, 3)),  # Hb < 12
        ev("bride_screening", bride(date(2000, 1, 1), 12.0, 23.4, 4)),  # MUAC < 23.5
        ev("bride_screening", bride(date(2000, 1, 1), 12.0, 23.5, 5)),  # neither
    ]
    assert at(run(events), "bride_risk_rate", A, "2024-03-01") == (3, 5)


def welfare(
    kk_number: str,
    desa: str,
    day: str,
    members: int,
    pce: int,
    children: list[str] | None = None,
) -> dict[str, Any]:
    return {
        "record_id": f"W{next(_ids)}",
        "kk_number": kk_number,
        "head_nik": None,
        "members": members,
        "per_capita_expenditure_rp": pce,
        "welfare_decile": 1,
        "receives_pkh": False,
        "receives_bpnt": False,
        "receives_pbi": False,
        "child_niks": children or [],
        "reference_date": day,
        "desa_code": desa,
    }


def test_extreme_poverty_members_weighted_with_the_nearest_line() -> None:
    # 2024 is not listed: 2023 and 2025 are equally near, the earlier (300,000) applies.
    events = [
        ev("household_welfare", welfare(kk(1), A, "2024-03-01", 4, 299_999)),  # poor: 4 people
        ev("household_welfare", welfare(kk(2), A, "2024-03-01", 3, 300_000)),  # at the line: not below it
        ev("household_welfare", welfare(kk(3), A, "2026-03-01", 2, 320_000)),  # 2026 takes 2025's 340,000
    ]
    r = run(events)
    assert at(r, "extreme_poverty_rate", A, "2024-03-01") == (4, 7)
    assert at(r, "extreme_poverty_rate", A, "2026-03-01") == (2, 2)


def test_wash() -> None:
    def wash(kk_number: str, water: str, sanitation: str) -> dict[str, Any]:
        return {
            "record_id": f"S{next(_ids)}",
            "kk_number": kk_number,
            "water_source_class": water,
            "sanitation_class": sanitation,
            "open_defecation": sanitation == "open_defecation",
            "survey_date": "2024-03-03",
            "desa_code": B,
        }

    events = [
        ev("wash_access", wash(kk(1), "safely_managed", "limited")),
        ev("wash_access", wash(kk(2), "basic", "basic")),
        ev("wash_access", wash(kk(3), "surface_water", "open_defecation")),
    ]
    r = run(events)
    assert at(r, "safe_water_rate", B, "2024-03-01") == (2, 3)
    assert at(r, "proper_sanitation_rate", B, "2024-03-01") == (1, 3)


# convergence_reach ------------------------------------------------------------------------------------------


def activity(
    programme: str,
    activity_type: str,
    day: str,
    nik: str | None = None,
    kk_number: str | None = None,
) -> dict[str, Any]:
    return {
        "record_id": f"PRG{next(_ids)}",
        "programme": programme,
        "activity_type": activity_type,
        "beneficiary_nik": nik,
        "beneficiary_kk": kk_number,
        "provider_id": "OTA-1",
        "activity_date": day,
        "quantity": 1.0,
        "desa_code": A,
    }


def test_convergence_reached_by_nik_by_kk_and_not_reached_at_91_days() -> None:
    # March 2024: E = 2024-03-31, the window is 2024-01-02 .. 2024-03-31.
    stunted = child_nik(1)
    at_risk = child_nik(2, desa=B)
    poor = child_nik(3, desa=C)
    events = [
        # Reached by NIK: stunted in March (desa A), a genting package on the window's first day.
        ev("child_measurement", child(stunted, A, "2024-03-05", zlen=-2.5)),
        ev("program_activity", activity("genting", "food_package", "2024-01-02", nik=stunted)),
        # Reached by KK: named by an at-risk family (desa B, February), a posyandu visit to the KK on E.
        ev("family_risk", family(kk(1, B), B, "2024-02-10", target=True, risk=True, children=[at_risk])),
        ev("program_activity", activity("posyandu", "home_visit", "2024-03-31", kk_number=kk(1, B))),
        # Not reached: extreme poor (desa C, January), the gati class 91 days before E (2024-01-01); a sidaya
        # class inside the window is not a convergence programme.
        ev("household_welfare", welfare(kk(2, C), C, "2024-01-15", 5, 100_000, children=[poor])),
        ev("program_activity", activity("gati", "father_class", "2024-01-01", nik=poor)),
        ev("program_activity", activity("sidaya", "elderly_class", "2024-03-01", nik=poor)),
    ]
    r = run(events, months=["2024-03"])
    p = "2024-03-01"
    assert at(r, "convergence_reach", A, p) == (1, 1)
    assert at(r, "convergence_reach", B, p) == (1, 1)
    assert at(r, "convergence_reach", C, p) == (0, 1)
    assert at(r, "convergence_reach", A[:6], p) == (2, 2)
    assert at(r, "convergence_reach", "53", p) == (2, 3)
    # In April the genting package (2024-01-02) is outside the window (2024-01-02 is E-89 only for March), and
    # the child is still stunted by its March measurement (months m-2..m).
    april = run(events, months=["2024-04"])
    assert at(april, "convergence_reach", A, "2024-04-01") == (0, 1)
    assert at(april, "convergence_reach", B, "2024-04-01") == (1, 1)
    # June: the March measurement is out of m-2..m; the family (Feb) and household (Jan) records still count.
    june = run(events, months=["2024-06"])
    assert at(june, "convergence_reach", A, "2024-06-01") is None
    assert at(june, "convergence_reach", "53", "2024-06-01") == (0, 2)


def test_convergence_child_without_nik_and_pseudonyms() -> None:
    record = child(None, B, "2024-03-05", zlen=-2.5, record_id="PPGBM-NONIK-1")
    events = [ev("child_measurement", record)]
    counted = counted_records(accepted_records(events))
    targets = convergence_targets(counted, date(2024, 3, 1), secret=SECRET, lines=LINES)
    assert [(t.child, t.desa, t.reasons, t.reached) for t in targets] == [
        (pseudonymise("rec:PPGBM-NONIK-1", SECRET), B, frozenset({"stunted"}), False)
    ]
    assert at(run(events, months=["2024-03"]), "convergence_reach", B, "2024-03-01") == (0, 1)


def test_convergence_kk_only_counts_through_the_latest_record_of_that_kk() -> None:
    nik = child_nik(1)
    old_kk, new_kk = kk(1), kk(2)
    events = [
        ev("child_measurement", child(nik, A, "2024-03-05", zlen=-2.5)),
        # The child's family record (latest of its KK) names it: an activity to that KK reaches it.
        ev("family_risk", family(new_kk, A, "2024-03-01", target=True, risk=False, children=[nik])),
        # An older record of another KK named the child, but that KK's latest record no longer does.
        ev("family_risk", family(old_kk, A, "2024-01-01", target=True, risk=True, children=[nik])),
        ev("family_risk", family(old_kk, A, "2024-02-01", target=True, risk=True, children=[])),
        ev("program_activity", activity("tamasya", "daycare_attendance", "2024-03-10", kk_number=old_kk)),
    ]
    assert at(run(events, months=["2024-03"]), "convergence_reach", A, "2024-03-01") == (0, 1)
    events.append(ev("program_activity", activity("tamasya", "daycare_attendance", "2024-03-10", kk_number=new_kk)))
    assert at(run(events, months=["2024-03"]), "convergence_reach", A, "2024-03-01") == (1, 1)
