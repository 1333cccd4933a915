"""Faults, duplicates, corrections and late records come at the asked rates; each label says what it is."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from satudata import events
from satudata.nik import check_nik
from satudata.regions import master
from satudata.synth import generate

COUNT = 2000
RATES = {"bad_rate": 0.05, "dup_rate": 0.03, "correction_rate": 0.04, "late_rate": 0.06}
WITA = timedelta(hours=8)


@pytest.fixture(scope="module", params=list(events.FEEDS))
def batch(request):  # type: ignore[no-untyped-def]
    return generate(request.param, month="2026-10", count=COUNT, seed=21, **RATES)


def _local_date(event: dict[str, Any]) -> date:
    return (datetime.fromisoformat(event["time"].replace("Z", "+00:00")) + WITA).date()


def test_rates(batch) -> None:  # type: ignore[no-untyped-def]
    labels = Counter(label.split(":")[0] for label in batch.labels)
    assert labels["bad"] == round(0.05 * COUNT)
    assert labels["duplicate"] == round(0.03 * COUNT)
    assert labels["correction"] == labels["superseded"] == round(0.04 * COUNT)
    late = 0 if batch.feed == "population" else round(0.06 * COUNT)  # a population row is never "late"
    assert labels["late"] == late
    assert len(batch.events) == COUNT + labels["duplicate"] + labels["correction"]
    assert batch.truth.counts["received"] == len(batch.events)
    assert batch.truth.counts["distinct"] == len(batch.events) - labels["duplicate"]
    assert batch.truth.counts["valid_distinct"] == COUNT + labels["correction"] - labels["bad"]


def test_duplicates_repeat_an_earlier_event(batch) -> None:  # type: ignore[no-untyped-def]
    first: dict[str, dict[str, Any]] = {}
    for event, label in zip(batch.events, batch.labels, strict=True):
        if label == "duplicate":
            assert first[event["id"]] == event
        else:
            assert event["id"] not in first
            first[event["id"]] = event


def test_corrections_follow_what_they_correct(batch) -> None:  # type: ignore[no-untyped-def]
    feed = events.feed(batch.feed)
    superseded: dict[str, tuple[int, dict[str, Any]]] = {}
    for position, (event, label) in enumerate(zip(batch.events, batch.labels, strict=True)):
        data = event["data"]
        if label == "superseded":
            superseded[data["record_id"]] = (position, event)
        elif label == "correction":
            before_position, before = superseded.pop(data["record_id"])
            assert before_position < position and before["time"] < event["time"]
            assert before["id"] != event["id"]
            assert [data[k] for k in feed.subject_key] == [before["data"][k] for k in feed.subject_key]
            assert data[feed.date_field] == before["data"][feed.date_field]
            assert data != before["data"]
    assert superseded == {}


def test_late_records_arrive_late(batch) -> None:  # type: ignore[no-untyped-def]
    feed = events.feed(batch.feed)
    if batch.feed == "population":
        return
    for event, label in zip(batch.events, batch.labels, strict=True):
        if label in ("good", "late"):
            delay = (_local_date(event) - date.fromisoformat(event["data"][feed.date_field])).days
            assert (30 <= delay <= 90) if label == "late" else (0 <= delay <= 20)


def _wrong_type(field: events.Field, value: Any) -> bool:
    expected = {
        "float": float,
        "int": int,
        "bool": bool,
        "nik_list": list,
    }.get(field.kind, str)
    return value is not None and type(value) is not expected


def test_every_bad_record_breaks_its_rule(batch) -> None:  # type: ignore[no-untyped-def]
    feed = events.feed(batch.feed)
    known_desa = {r.digits for r in master().desa()}
    faults = Counter()
    for event, label in zip(batch.events, batch.labels, strict=True):
        if not label.startswith("bad:"):
            continue
        kind, data = label[4:], event["data"]
        faults[kind] += 1
        nik_fields = [f.name for f in feed.fields if f.kind == "nik"]
        if kind == "missing_field":
            assert any(data[f.name] is None for f in feed.fields if not f.nullable)
        elif kind == "wrong_type":
            assert any(_wrong_type(f, data[f.name]) for f in feed.fields)
        elif kind == "unknown_desa":
            assert data["desa_code"] not in known_desa and len(data["desa_code"]) == 10
        elif kind == "future_date":
            value = data[feed.date_field]
            later = value > 2026 if isinstance(value, int) else date.fromisoformat(value) > _local_date(event)
            assert later
        elif kind in ("nik_length", "kk_length"):
            kinds = ("nik",) if kind == "nik_length" else ("kk",)
            assert any(len(data[f.name]) != 16 for f in feed.fields if f.kind in kinds and data[f.name])
        elif kind in ("nik_birth_date", "nik_sex"):
            codes = {issue.code for name in nik_fields for issue in _nik_issues(data, name)}
            assert f"{kind}_mismatch" in codes
        elif kind == "bad_code":
            vocab = {"sex": events.SEXES, "measure_position": events.MEASURE_POSITIONS,
                     "water_source_class": events.WATER_SOURCE_CLASSES,
                     "sanitation_class": events.SANITATION_CLASSES,
                     "age_group": events.POPULATION_AGE_GROUPS, "programme": events.PROGRAMMES}  # fmt: skip
            assert any(data.get(name) not in codes for name, codes in vocab.items() if name in data)
        elif kind == "before_birth":
            assert data["measure_date"] < data["birth_date"]
        elif kind == "over_five":
            born, measured = date.fromisoformat(data["birth_date"]), date.fromisoformat(data["measure_date"])
            assert (measured - born).days >= 1826
            assert not _nik_issues(data, "child_nik")  # the NIK follows the changed birth date
        elif kind == "implausible":
            assert _implausible(batch.feed, data)
        elif kind == "bad_activity":
            assert data["activity_type"] not in events.ACTIVITY_TYPES[data["programme"]]
        else:
            raise AssertionError(f"untested fault {kind}")
    assert len(faults) >= 5  # a spread of faults, not one kind


def _nik_issues(data: dict[str, Any], name: str) -> list[Any]:
    sex = data.get("sex") if name != "mother_nik" else None
    return check_nik(data[name], birth_date=date.fromisoformat(data["birth_date"]), sex=sex)


def _implausible(feed: str, data: dict[str, Any]) -> bool:
    if feed == "child_measurement":  # outside the contract's ranges (0.5-35 kg, 38-130 cm) and WHO's flags
        return not (0.5 <= data["weight_kg"] <= 35) or not (38 <= data["height_cm"] <= 130)
    if feed == "pregnancy_check":
        return (data["hb_g_dl"] or 0) > 20 or data["gestational_week"] > 45 or data["muac_cm"] > 50
    if feed == "bride_screening":
        return (data["height_cm"] or 0) > 220 or (data["hb_g_dl"] or 0) > 25
    if feed == "household_welfare":
        return (
            data["members"] in (0, 45, 99)
            or not 1 <= data["welfare_decile"] <= 10
            or (data["per_capita_expenditure_rp"] < 0)
        )
    if feed == "program_activity":
        return data["quantity"] < 0 or data["quantity"] > 10_000
    if feed == "population":
        return data["count"] < 0
    raise AssertionError(feed)
