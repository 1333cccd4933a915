"""The checks that need memory and the alert timer, on the real broker, chDB and Faust: a duplicate across two
batches is clean once with a warning and one record_outcome row; a reused id is quarantined under its suffixed
id; a bride screening that disagrees with a child measurement makes a conflicts row without any NIK; a source
sending bad records raises a validity alert (a row and an event); and received = clean + quarantined."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from kafka import KafkaConsumer, TopicPartition

from satudata import events
from satudata.events import Feed
from satudata.kafka import BulkProducer
from satudata.settings import KafkaSettings, Settings
from satudata.store import Writer
from services.bootstrap import make_faust_app
from services.quality.agent import register
from services.quality.alerts import Thresholds
from services.quality.envelope import Undecodable, check_envelope
from services.quality.reasons import Verdict
from tests.integration.faust_runner import running

pytestmark = pytest.mark.integration

SECRET = "stateful-test-secret"
CHILD = events.feed("child_measurement")
BRIDE = events.feed("bride_screening")
DESA = "5301042003"
DEADLINE_S = 90.0
# Event dates a few days back, so that no record is late whenever the test runs.
RECENT = (datetime.now(UTC) - timedelta(days=3)).date().isoformat()
Read = tuple[str, bytes, dict[str, Any]]


class EnvelopeValidator:
    """The gateway's envelope rules as the contract: the memory checks are under test, not GX."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self.contract = f"{feed.name}/envelope"

    def validate(self, items: Sequence[Any]) -> list[Verdict]:
        verdicts = []
        for item in items:
            reason = item.reason if isinstance(item, Undecodable) else check_envelope(item, self.feed)
            verdicts.append(Verdict.of([reason] if reason else []))
        return verdicts


class Reader:
    """Reads the given topics from their current ends, without a consumer group."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        self.consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        parts = [TopicPartition(t, p) for t in topics for p in sorted(self.consumer.partitions_for_topic(t) or ())]
        self.consumer.assign(parts)
        self.consumer.seek_to_end(*parts)
        for tp in parts:
            self.consumer.position(tp)
        self.read: list[Read] = []

    def until(self, done: Callable[[list[Read]], bool]) -> list[Read]:
        deadline = time.monotonic() + DEADLINE_S
        while not done(self.read):
            assert time.monotonic() < deadline, f"only {len(self.read)} messages within {DEADLINE_S} s"
            for records in self.consumer.poll(timeout_ms=200).values():
                self.read += [(r.topic, r.key, orjson.loads(r.value)) for r in records]
        return self.read


def wait_for_rows(store: Client, sql: str, params: dict[str, Any], done: Callable[[list[Any]], bool]) -> list[Any]:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        rows = store.query(sql, parameters=params).result_rows
        if done(rows):
            return rows
        # Rows are flushed right after the batch's messages are acknowledged: a few re-queries at most.
        assert time.monotonic() < deadline, f"rows never matched: {rows}"


def nik_of(run: str) -> str:
    """A person of this run only: a fresh app reads the raw topics from the start, other tests' people included."""
    return f"5301{int(run, 16) % 10**12:012d}"


def child(run: str, n: str, **data: Any) -> dict[str, Any]:
    body = {"record_id": f"{run}-R{n}", "child_nik": nik_of(run), "sex": "P", "birth_date": "2024-01-10"}
    body |= {"measure_date": RECENT, "weight_kg": 9.1, "desa_code": DESA, **data}
    return events.make_event(CHILD.name, body, source=f"dinkes-{run}/posyandu-1", event_id=f"{run}-{n}")


def bride(run: str, n: str, **data: Any) -> dict[str, Any]:
    body = {"record_id": f"{run}-B{n}", "nik": nik_of(run), "sex": "P", "birth_date": "2024-01-10"}
    body |= {"screening_date": RECENT, "desa_code": DESA, **data}
    return events.make_event(BRIDE.name, body, source=f"bkkbn-{run}/elsimil", event_id=f"{run}-{n}")


def publish(bootstrap: str, feed: Feed, evs: list[dict[str, Any]]) -> None:
    with BulkProducer(bootstrap) as producer:
        producer.publish_batch([(feed.raw_topic, DESA.encode(), orjson.dumps(e)) for e in evs])


def event_id(read: Read) -> str:
    event = read[2].get("event")
    return event["id"] if isinstance(event, dict) else ""


def rules(read: Read) -> list[str]:
    return [r["rule"] for r in read[2]["reasons"]]


def make_app(bootstrap: str, store: Client, tmp_path: Path, app_id: str) -> Any:
    settings = Settings(kafka=KafkaSettings(bootstrap=bootstrap), var_dir=tmp_path)
    app = make_faust_app(settings, app_id, datadir=tmp_path / "faust")
    register(
        app,
        feeds=[CHILD.name, BRIDE.name],
        validator_for=lambda name: EnvelopeValidator(events.feed(name)),
        store_writer=Writer(store),
        batch_size=500,
        batch_seconds=0.2,
        memory_secret=SECRET,
        late_after_days=30,
        reader=store,
        thresholds=Thresholds(validity_min_records=5),
        alert_interval_s=0.5,
    )
    return app


@pytest.fixture
def app_running(quality_bootstrap: str, store: Client, tmp_path: Path) -> Iterator[str]:
    run = uuid.uuid4().hex[:8]
    with running(make_app(quality_bootstrap, store, tmp_path, f"quality-stateful-{run}")):
        yield run


def test_memory_checks_and_alerts_end_to_end(app_running: str, quality_bootstrap: str, store: Client) -> None:
    run = app_running
    topics = [CHILD.clean_topic, CHILD.quarantine_topic, BRIDE.clean_topic, BRIDE.quarantine_topic]
    reader = Reader(quality_bootstrap, [*topics, events.QUALITY_TOPIC])

    def ours(got: list[Read]) -> list[Read]:
        return [r for r in got if r[0] in topics and event_id(r).startswith(run)]

    # Batch 1: two child measurements, and a source whose records all break the envelope.
    bad = [{**child(run, f"bad{i}"), "type": "not-this-feed", "source": f"dinkes-{run}/sloppy"} for i in range(6)]
    publish(quality_bootstrap, CHILD, [child(run, "e1"), child(run, "e2"), *bad])
    reader.until(lambda got: len(ours(got)) >= 8)
    # Batch 2: e1 again as it was, and e2's id with other content.
    publish(quality_bootstrap, CHILD, [child(run, "e1"), child(run, "e2", weight_kg=12.5)])
    reader.until(lambda got: len(ours(got)) >= 10)
    # Then a bride screening that disagrees (after the child batches: the two feeds' agents run side by side).
    publish(quality_bootstrap, BRIDE, [bride(run, "b1", birth_date="2024-01-12")])
    got = ours(reader.until(lambda got: len(ours(got)) >= 11))
    assert len(got) == 11

    e1 = [r for r in got if event_id(r) == f"{run}-e1"]
    assert [(r[0], rules(r)) for r in e1] == [(CHILD.clean_topic, []), (CHILD.clean_topic, ["duplicate_event"])]
    e2 = [r for r in got if event_id(r) == f"{run}-e2"]
    assert [(r[0], rules(r)) for r in e2] == [(CHILD.clean_topic, []), (CHILD.quarantine_topic, ["event_id_reused"])]
    (b1,) = [r for r in got if event_id(r) == f"{run}-b1"]
    assert (b1[0], rules(b1)) == (BRIDE.clean_topic, ["cross_agency_conflict"])

    # record_outcome: one row per (feed, event_id); the reused id stands apart under its suffix.
    outcome_sql = (
        "SELECT feed, event_id, source, outcome, errors, warnings FROM satudata.record_outcome FINAL "
        "WHERE startsWith(event_id, {run:String}) ORDER BY feed, event_id"
    )
    rows = wait_for_rows(store, outcome_sql, {"run": run}, lambda rows: len(rows) == 10)
    by_id = {row[1]: row for row in rows}
    assert by_id[f"{run}-e1"][3:] == ("clean", [], ["duplicate_event"])
    reused = [i for i in by_id if i.startswith(f"{run}-e2#")]
    assert len(reused) == 1 and len(reused[0]) == len(f"{run}-e2") + 9
    assert by_id[reused[0]][3:5] == ("quarantined", ["event_id_reused"])
    assert by_id[f"{run}-e2"][3] == "clean"

    # No record in both: the quarantine table holds exactly the quarantined outcomes, under the same ids.
    quarantined = {row[1] for row in rows if row[3] == "quarantined"}
    stored = {
        row[0]
        for row in store.query(
            "SELECT event_id FROM satudata.quarantine FINAL WHERE startsWith(event_id, {run:String})",
            parameters={"run": run},
        ).result_rows
    }
    assert stored == quarantined and not stored & {row[1] for row in rows if row[3] == "clean"}

    # received = clean + quarantined, per feed and source: what came out of Kafka, once per stored id.
    out = Counter((r[2]["event"]["type"], r[2]["event"]["source"], r[0].split(".")[1]) for r in got)
    assert sum(out.values()) == 11  # one message out per message in (the duplicate included)
    stored_counts = Counter((row[0], row[2], row[3]) for row in rows)
    per_source = Counter((row[0], row[2]) for row in rows)
    for (feed, source), received in per_source.items():
        assert received == stored_counts[(feed, source, "clean")] + stored_counts[(feed, source, "quarantined")]
    assert per_source[(CHILD.name, f"dinkes-{run}/posyandu-1")] == 3  # e1 once, e2, e2#...

    # The conflict both agencies see: dates and sources, never the NIK.
    conflict_rows = wait_for_rows(
        store,
        "SELECT * FROM satudata.conflicts FINAL WHERE source_b = {source:String}",
        {"source": f"bkkbn-{run}/elsimil"},
        lambda rows: len(rows) == 1,
    )
    columns = [c for c in store.query("SELECT * FROM satudata.conflicts LIMIT 0").column_names]
    conflict = dict(zip(columns, conflict_rows[0], strict=True))
    assert (conflict["field"], conflict["value_a"], conflict["value_b"]) == ("birth_date", "2024-01-10", "2024-01-12")
    assert (conflict["source_a"], conflict["record_id_a"]) == (f"dinkes-{run}/posyandu-1", f"{run}-Re1")
    assert conflict["record_id_b"] == f"{run}-Bb1" and conflict["kabupaten_code"] == "5301"
    assert nik_of(run) not in repr(conflict_rows)

    # The timer raises the sloppy source's validity alert: a row and an event with the same id, once.
    alert_sql = "SELECT alert_id, kind, example_record_id, message_id, message_en FROM satudata.alerts FINAL"
    sloppy = f"dinkes-{run}/sloppy"
    alerts = wait_for_rows(store, alert_sql, {}, lambda rows: any(sloppy in row[0] for row in rows))
    (alert,) = [row for row in alerts if sloppy in row[0]]
    assert alert[1] == "validity" and alert[2].startswith(f"{run}-Rbad")
    assert sloppy in alert[3] and sloppy in alert[4]
    events_read = reader.until(
        lambda got: any(r[0] == events.QUALITY_TOPIC and r[2].get("alert_id") == alert[0] for r in got)
    )
    quality = [r for r in events_read if r[0] == events.QUALITY_TOPIC]
    assert sum(r[2].get("alert_id") == alert[0] for r in quality) == 1
    metrics = [r[2] for r in quality if r[2]["type"] == "metrics" and r[2]["source"] == sloppy]
    assert sum(m["quarantined"] for m in metrics) == 6 and all(m["clean"] == 0 for m in metrics)
    assert nik_of(run) not in repr(quality)


def test_memory_survives_a_restart(quality_bootstrap: str, store: Client, tmp_path: Path) -> None:
    """The seen table is recovered from its changelog: the same event after a restart is still a duplicate."""
    run = uuid.uuid4().hex[:8]
    reader = Reader(quality_bootstrap, [CHILD.clean_topic, CHILD.quarantine_topic])

    def ours(got: list[Read]) -> list[Read]:
        return [r for r in got if event_id(r) == f"{run}-e1"]

    with running(make_app(quality_bootstrap, store, tmp_path, f"quality-memory-{run}")):
        publish(quality_bootstrap, CHILD, [child(run, "e1")])
        reader.until(lambda got: len(ours(got)) >= 1)
    with running(make_app(quality_bootstrap, store, tmp_path, f"quality-memory-{run}")):
        publish(quality_bootstrap, CHILD, [child(run, "e1")])
        got = ours(reader.until(lambda got: len(ours(got)) >= 2))
    assert [(r[0], rules(r)) for r in got] == [(CHILD.clean_topic, []), (CHILD.clean_topic, ["duplicate_event"])]
