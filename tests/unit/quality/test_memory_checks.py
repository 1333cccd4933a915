"""The checks that need memory, as pure rules and through `route` over in-memory tables: duplicates and
reused ids, lateness, silence, cross-agency conflicts; and that no NIK reaches a row, a reason or a changelog."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

from satudata import events
from satudata.events import Feed
from satudata.nik import pseudonymise
from services.quality.envelope import Undecodable, check_envelope
from services.quality.facts import WITA, agency_of, facts_of, kabupaten_of, lateness_days
from services.quality.memory import (
    Memory,
    Seen,
    Statement,
    classify,
    conflicts,
    previous_month,
    reused_id,
    silent_units,
)
from services.quality.metrics import batch_metrics
from services.quality.reasons import Verdict
from services.quality.routing import Incoming, Routed, route
from services.quality.rows import CONFLICT_COLUMNS, OUTCOME_COLUMNS

SECRET = "test-secret"
NOW = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
RECORD_TIME = datetime(2026, 3, 12, 1, 0, tzinfo=UTC).timestamp()
CHILD = events.feed("child_measurement")
BRIDE = events.feed("bride_screening")
NIK = "5301045001240003"  # never to be seen outside the event itself


class MemoryTable:
    """A Faust table's memory and changelog name, which is all Memory touches."""

    def __init__(self, name: str) -> None:
        self.changelog_topic_name = f"{name}-changelog"
        self.data: dict[bytes, bytes] = {}

    def get(self, key: bytes) -> bytes | None:
        return self.data.get(key)


class EnvelopeValidator:
    """A contract of the gateway's own envelope rules only: enough to route, no GX."""

    contract = "envelope/v1"

    def __init__(self, feed: Feed) -> None:
        self.feed = feed

    def validate(self, items: Sequence[Any]) -> list[Verdict]:
        verdicts = []
        for item in items:
            reason = item.reason if isinstance(item, Undecodable) else check_envelope(item, self.feed)
            verdicts.append(Verdict.of([reason] if reason else []))
        return verdicts


def memory() -> Memory:
    return Memory(
        seen={name: MemoryTable(f"seen-{name}") for name in ("child_measurement", "bride_screening")},
        persons=MemoryTable("persons"),
        reported=MemoryTable("reported"),
        secret=SECRET,
    )


def child(event_id: str, *, source: str = "dinkes/posyandu-1", **data: Any) -> dict[str, Any]:
    body = {
        "record_id": f"R-{event_id}",
        "child_nik": NIK,
        "sex": "P",
        "birth_date": "2024-01-10",
        "measure_date": "2026-03-01",
        "weight_kg": 9.1,
        "desa_code": "5301042003",
        **data,
    }
    return events.make_event("child_measurement", body, source=source, event_id=event_id)


def bride(event_id: str, *, source: str = "bkkbn/elsimil", **data: Any) -> dict[str, Any]:
    body = {
        "record_id": f"B-{event_id}",
        "nik": NIK,
        "sex": "P",
        "birth_date": "2024-01-10",
        "screening_date": "2026-03-02",
        "desa_code": "5301042003",
        **data,
    }
    return events.make_event("bride_screening", body, source=source, event_id=event_id)


def run(feed: Feed, mem: Memory, evs: list[dict[str, Any]], first_offset: int = 0, **kw: Any) -> Routed:
    batch = [Incoming(orjson.dumps(e), feed.raw_topic, 2, first_offset + i, RECORD_TIME) for i, e in enumerate(evs)]
    return route(batch, EnvelopeValidator(feed), max_event_bytes=64 * 1024, now=NOW, memory=mem, **kw)


def outcomes(routed: Routed) -> list[dict[str, Any]]:
    return [dict(zip(OUTCOME_COLUMNS, row, strict=True)) for row in routed.outcome_rows]


def rules(routed: Routed, i: int) -> list[str]:
    return [r["rule"] for r in orjson.loads(routed.messages[i].value)["reasons"]]


# ---- pure rules -------------------------------------------------------------------------------------------


def test_classify_new_replay_duplicate_reused() -> None:
    seen = Seen("a" * 32, 1, partition=2, offset=7)
    assert classify(None, "a" * 32, 2, 7) == "new"
    assert classify(seen, "a" * 32, 2, 7) == "replay"  # the very message again: a crash, not the sender
    assert classify(seen, "a" * 32, 2, 8) == "duplicate"
    assert classify(seen, "b" * 32, 2, 8) == "reused"
    assert reused_id("ev-1", "0123456789abcdef") == "ev-1#01234567"
    assert Seen.decode(seen.encode()) == seen


def test_lateness_counts_whole_wita_days_to_the_record_time() -> None:
    # 2026-03-11 17:00 UTC is already the 12th in WITA.
    assert lateness_days(date(2026, 2, 10), datetime(2026, 3, 11, 17, 0, tzinfo=UTC)) == 30
    assert lateness_days(date(2026, 2, 10), datetime(2026, 3, 11, 15, 0, tzinfo=UTC)) == 29
    assert lateness_days(None, NOW) is None
    assert (agency_of("dinkes-kupang/posyandu-3"), agency_of("bps")) == ("dinkes-kupang", "bps")
    assert (kabupaten_of("5301042003"), kabupaten_of("53010")) == ("5301", "")


def test_population_has_no_event_date() -> None:
    population = events.feed("population")
    facts = facts_of(population, {"source": "bps/x", "data": {"year": 2025}}, "e", NOW)
    assert facts.event_date is None and facts.lateness_days is None


def test_silence_starts_on_the_tenth_wita() -> None:
    last = {("child_measurement", "dinkes/p-1"): "2026-02", ("child_measurement", "dinkes/p-2"): "2026-03"}
    last[("child_measurement", "dinkes/p-3")] = "2026-01"  # silent for longer: alerted last month already
    assert silent_units(last, date(2026, 3, 9)) == []
    assert silent_units(last, date(2026, 3, 10)) == [("child_measurement", "dinkes/p-1", "2026-03")]
    assert silent_units(last, date(2026, 3, 31)) == [("child_measurement", "dinkes/p-1", "2026-03")]
    assert silent_units({("f", "s"): "2025-12"}, date(2026, 1, 10)) == [("f", "s", "2026-01")]
    assert previous_month(date(2026, 1, 31)) == "2025-12"


def test_conflicts_between_feeds_or_agencies_not_within_one() -> None:
    child_stated = Statement("child_measurement", "dinkes", "dinkes/p-1", "R1", "2024-01-10", "P")
    same_agency_again = Statement("child_measurement", "dinkes", "dinkes/p-2", "R2", "2024-01-11", "L")
    other_agency = Statement("child_measurement", "rsud", "rsud/anak", "R3", "2024-01-11", "L")
    no_sex = Statement("pregnancy_check", "dinkes", "dinkes/bidan", "R4", "2024-01-10", None)
    known = {child_stated.slot: child_stated}
    assert conflicts("h", known, same_agency_again) == []  # a correction by the same agency
    found = conflicts("h", known, other_agency)
    assert [(c.field, c.values()) for c in found] == [
        ("birth_date", ("2024-01-10", "2024-01-11")),
        ("sex", ("P", "L")),
    ]
    assert conflicts("h", known, no_sex) == []  # agrees on the birth date; says nothing about sex
    assert found[0].conflict_id == conflicts("h", known, other_agency)[0].conflict_id  # stable on replay


# ---- through route, with memory ---------------------------------------------------------------------------


def test_a_duplicate_across_batches_is_clean_once_with_a_warning() -> None:
    mem = memory()
    first = run(CHILD, mem, [child("e1")])
    again = run(CHILD, mem, [child("e1")], first_offset=10)
    assert rules(first, 0) == [] and rules(again, 0) == ["duplicate_event"]
    assert again.messages[0].topic == CHILD.clean_topic
    (row,) = outcomes(again)
    assert (row["event_id"], row["outcome"], row["warnings"]) == ("e1", "clean", ["duplicate_event"])
    # It replaces the first row and stays in the first one's hour.
    assert row["received_at"] == outcomes(first)[0]["received_at"]


def test_a_replayed_message_is_not_a_duplicate() -> None:
    mem = memory()
    run(CHILD, mem, [child("e1")])
    assert rules(run(CHILD, mem, [child("e1")]), 0) == []


def test_a_reused_id_is_quarantined_under_a_suffixed_id() -> None:
    mem = memory()
    run(CHILD, mem, [child("e1")])
    reused = run(CHILD, mem, [child("e1", weight_kg=9.9)], first_offset=10)
    assert reused.messages[0].topic == CHILD.quarantine_topic
    assert rules(reused, 0) == ["event_id_reused"]
    (row,) = outcomes(reused)
    assert row["event_id"].startswith("e1#") and len(row["event_id"]) == 11
    assert reused.quarantine_rows[0][0] == row["event_id"]


def test_within_one_batch_the_second_copy_is_the_duplicate_and_each_key_is_written_once() -> None:
    mem = memory()
    routed = run(CHILD, mem, [child("e1"), child("e1"), child("e2")])
    assert [rules(routed, i) for i in range(3)] == [[], ["duplicate_event"], []]
    keys = [(r.topic, r.key) for r in routed.changelog]
    assert len(keys) == len(set(keys))
    assert {r.partition for r in routed.changelog} == {2}  # the raw message's partition


def test_late_arrival_is_a_warning_with_lateness_days() -> None:
    routed = run(CHILD, memory(), [child("e1", measure_date="2026-01-01")], late_after_days=30)
    assert rules(routed, 0) == ["late_arrival"]
    assert routed.messages[0].topic == CHILD.clean_topic
    assert outcomes(routed)[0]["lateness_days"] == 70
    on_time = run(CHILD, memory(), [child("e2")], late_after_days=30)
    assert rules(on_time, 0) == [] and outcomes(on_time)[0]["lateness_days"] == 11


def test_a_bride_screening_disagreeing_with_a_child_measurement_is_a_conflict_without_the_nik() -> None:
    mem = memory()
    run(CHILD, mem, [child("c1")])
    routed = run(BRIDE, mem, [bride("b1", birth_date="2024-01-12", sex="L")])
    assert rules(routed, 0) == ["cross_agency_conflict"]
    assert routed.messages[0].topic == BRIDE.clean_topic
    got = [dict(zip(CONFLICT_COLUMNS, row, strict=True)) for row in routed.conflict_rows]
    assert [(c["field"], c["value_a"], c["value_b"]) for c in got] == [
        ("birth_date", "2024-01-10", "2024-01-12"),
        ("sex", "P", "L"),
    ]
    first = got[0]
    assert (first["source_a"], first["record_id_a"], first["source_b"], first["record_id_b"]) == (
        "dinkes/posyandu-1",
        "R-c1",
        "bkkbn/elsimil",
        "B-b1",
    )
    assert first["subject_hash"] == pseudonymise(NIK, SECRET)
    reason = orjson.loads(routed.messages[0].value)["reasons"][0]
    everything = orjson.dumps([routed.conflict_rows, routed.outcome_rows, reason, routed.changelog], default=str)
    assert NIK.encode() not in everything


def test_a_quarantined_record_states_nothing() -> None:
    mem = memory()
    bad = child("c1")
    bad["type"] = "wrong"
    run(CHILD, mem, [bad])
    assert mem.persons.data == {} and mem.reported.data == {}


def test_the_reported_table_keeps_the_latest_wita_month() -> None:
    mem = memory()
    run(CHILD, mem, [child("c1", source="dinkes/p-9")])
    assert mem.reported.data == {b"child_measurement|dinkes/p-9": NOW.astimezone(WITA).strftime("%Y-%m").encode()}


def test_one_metric_event_per_feed_and_source_of_a_batch() -> None:
    bad = child("c3", source="dinkes/p-2")
    bad["type"] = "wrong"
    routed = run(CHILD, memory(), [child("c1"), child("c1"), child("c2", source="dinkes/p-2"), bad])
    got = batch_metrics(routed.outcome_rows, NOW)
    assert [(m["source"], m["received"], m["clean"], m["quarantined"], m["warned"], m["rules"]) for m in got] == [
        ("dinkes/p-2", 2, 1, 1, 0, {"envelope_invalid": 1}),
        ("dinkes/posyandu-1", 2, 2, 0, 1, {"duplicate_event": 1}),
    ]
    assert got[0]["type"] == "metrics" and got[0]["agency"] == "dinkes" and got[0]["at"] == "2026-03-12T02:00:00.000Z"
