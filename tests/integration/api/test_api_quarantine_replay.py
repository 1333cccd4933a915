"""POST /v1/quarantine/replay on the real broker: exactly the open rows that match go back to the raw topic."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition

from satudata.events import FEEDS, make_event
from satudata.kafka import ensure_topics
from satudata.kafka.publisher import KafkaPublisher
from satudata.nik import make_nik
from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from tests.keys import admin_keyring

pytestmark = pytest.mark.integration

DEADLINE_S = 20.0
T0 = datetime(2025, 5, 1, tzinfo=UTC)
CHILD, PREGNANCY = FEEDS["child_measurement"], FEEDS["pregnancy_check"]
COLUMNS = ["event_id", "feed", "source", "desa_code", "record_id", "rules", "event", "received_at", "version"]
OUTCOME_COLUMNS = ["feed", "event_id", "source", "record_id", "outcome", "received_at", "version"]


class RawTopic:
    """Reads a topic by offsets, never by group: what arrived between two points is the evidence."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        partitions = self._consumer.partitions_for_topic(topic)
        assert partitions, f"topic {topic} does not exist"
        self._partitions = [TopicPartition(topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._partitions)

    def ends(self) -> dict[TopicPartition, int]:
        return dict(self._consumer.end_offsets(self._partitions))

    def since(self, start: dict[TopicPartition, int]) -> list[tuple[bytes | None, bytes]]:
        """Every record between `start` and the end offsets now (the publisher already had them confirmed)."""
        end = self.ends()
        for tp in self._partitions:
            self._consumer.seek(tp, start[tp])
        records: list[tuple[bytes | None, bytes]] = []
        deadline = time.monotonic() + DEADLINE_S
        while any(self._consumer.position(tp) < end[tp] for tp in self._partitions):
            assert time.monotonic() < deadline, "could not read the topic to its end offsets"
            for tp, batch in self._consumer.poll(timeout_ms=500).items():
                records += [(r.key, r.value) for r in batch if r.offset < end[tp]]
        return records

    def close(self) -> None:
        self._consumer.close()


@pytest.fixture(scope="module")
def bootstrap(kafka_broker: str) -> str:
    ensure_topics(kafka_broker, [CHILD.raw_topic, PREGNANCY.raw_topic])
    return kafka_broker


@pytest.fixture(scope="module")
def publisher(bootstrap: str) -> Iterator[KafkaPublisher]:
    kafka = KafkaPublisher(bootstrap, timeout_s=15.0, client_id="satudata-api-test")
    yield kafka
    kafka.close()


@pytest.fixture(scope="module")
def topics(bootstrap: str) -> Iterator[dict[str, RawTopic]]:
    readers = {feed.name: RawTopic(bootstrap, feed.raw_topic) for feed in (CHILD, PREGNANCY)}
    yield readers
    for reader in readers.values():
        reader.close()


@pytest.fixture
def api(store: Client, publisher: KafkaPublisher) -> Iterator[TestClient]:
    keyring, headers = admin_keyring()
    app = create_app(store, Settings(environment="test"), publisher=publisher, keyring=keyring)
    with TestClient(app, headers=headers) as client:
        yield client


def _row(feed: str, n: int, rules: list[str], status: str, *, event_id: str | None = None) -> list[Any]:
    desa = master().desa()[n % 5].digits
    nik = make_nik(desa[:6], date(2023, 1, 1) + timedelta(days=n), "P", n + 1)
    data = {"record_id": f"R{n}", "child_nik": nik, "height_cm": 400.5, "desa_code": desa}
    event_id = event_id or f"{feed}-{n:03d}"
    event = orjson.dumps(make_event(feed, data, source="pkm-a", event_id=event_id)).decode()
    return [event_id, feed, "pkm-a", desa, f"R{n}", rules, event, T0 + timedelta(minutes=n // 2), 1, status]


@pytest.fixture
def seeded(store: Client) -> dict[str, list[Any]]:
    """Open, resolved and replaced rows of two feeds and two rules; one unreplayable row; one row reopened."""
    rows = [
        *(_row("child_measurement", n, ["height_cm_out_of_range"], "open") for n in range(25)),
        *(_row("child_measurement", n, ["height_cm_out_of_range", "sex_unknown"], "open") for n in range(25, 30)),
        *(_row("child_measurement", n, ["sex_unknown"], "open") for n in range(30, 36)),
        *(_row("child_measurement", n, ["height_cm_out_of_range"], "resolved") for n in range(36, 40)),
        *(_row("child_measurement", n, ["height_cm_out_of_range"], "replaced") for n in range(40, 43)),
        *(_row("pregnancy_check", n, ["height_cm_out_of_range"], "open") for n in range(43, 50)),
        _row("child_measurement", 50, ["height_cm_out_of_range"], "open", event_id="kafka:raw/0/17"),
    ]
    store.insert("satudata.quarantine", [r[:9] for r in rows], column_names=COLUMNS)
    # The status is derived from what the quality gateway wrote later: the same event passed (resolved), or the
    # agency's correction of the same record passed (replaced). Two open rows are resolved by a later version.
    later = rows[36:43] + rows[:2]
    outcomes = [
        [r[1], r[0] if r[9] != "replaced" else f"{r[0]}-fix", r[2], r[4], "clean", r[7] + timedelta(hours=1), 2]
        for r in later
    ]
    store.insert("satudata.record_outcome", outcomes, column_names=OUTCOME_COLUMNS)
    return {r[0]: r for r in rows[2:] if r[9] == "open"}


def _expected(seeded: dict[str, list[Any]], feed: str, rule: str | None) -> dict[str, list[Any]]:
    return {
        event_id: row
        for event_id, row in seeded.items()
        if row[1] == feed and (rule is None or rule in row[5]) and not event_id.startswith("kafka:")
    }


@pytest.mark.parametrize(("feed", "rule"), [("child_measurement", "height_cm_out_of_range"),
                                            ("child_measurement", None), ("pregnancy_check", None)])  # fmt: skip
def test_replay_publishes_exactly_the_matching_open_rows(
    api: TestClient, topics: dict[str, RawTopic], seeded: dict[str, list[Any]], feed: str, rule: str | None
) -> None:
    before = {name: reader.ends() for name, reader in topics.items()}
    params = {"feed": feed} | ({"rule": rule} if rule else {})
    answer = api.post("/v1/quarantine/replay", params=params)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    expected = _expected(seeded, feed, rule)
    assert body["republished"] == len(body["event_ids"]) == len(expected) > 0
    assert sorted(body["event_ids"]) == sorted(expected)
    assert (body["remaining"], body["next_cursor"], body["topic"]) == (0, None, FEEDS[feed].raw_topic)
    assert body["skipped"] == (1 if feed == "child_measurement" else 0)
    published = topics[feed].since(before[feed])
    # The original bytes, keyed by desa code, each once.
    assert sorted(published) == sorted((row[3].encode(), row[6].encode()) for row in expected.values())
    for other, reader in topics.items():
        if other != feed:
            assert reader.since(before[other]) == []


def test_replay_is_bounded_and_continues_by_cursor(
    api: TestClient, topics: dict[str, RawTopic], seeded: dict[str, list[Any]]
) -> None:
    expected = _expected(seeded, "child_measurement", "height_cm_out_of_range")
    before = topics["child_measurement"].ends()
    seen: list[str] = []
    params: dict[str, Any] = {"feed": "child_measurement", "rule": "height_cm_out_of_range", "limit": 7}
    for _ in range(10):
        body = api.post("/v1/quarantine/replay", params=params).json()
        seen += body["event_ids"]
        assert body["remaining"] == len(expected) - len(seen)
        if body["next_cursor"] is None:
            break
        assert body["republished"] == 7
        params["cursor"] = body["next_cursor"]
    assert len(seen) == len(set(seen)) and set(seen) == set(expected)
    values = sorted(value for _, value in topics["child_measurement"].since(before))
    assert values == sorted(row[6].encode() for row in expected.values())


def test_replay_refusals(store: Client, api: TestClient, seeded: dict[str, list[Any]]) -> None:
    keyring, headers = admin_keyring()
    with TestClient(create_app(store, Settings(environment="test"), keyring=keyring), headers=headers) as without:
        answer = without.post("/v1/quarantine/replay", params={"feed": "child_measurement"})
        assert answer.status_code == 503 and answer.json()["type"] == "/problems/publisher-unavailable"
    unknown = api.post("/v1/quarantine/replay", params={"feed": "balita"})
    assert unknown.status_code == 422 and unknown.json()["known"] == sorted(FEEDS)
    assert api.post("/v1/quarantine/replay").status_code == 422  # feed is required
    assert api.post("/v1/quarantine/replay", params={"feed": "population", "limit": 10_001}).status_code == 422
    nothing = api.post("/v1/quarantine/replay", params={"feed": "population"}).json()
    assert (nothing["republished"], nothing["event_ids"], nothing["remaining"]) == (0, [], 0)


def test_a_broker_that_does_not_answer_is_503(store: Client, seeded: dict[str, list[Any]]) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dead = KafkaPublisher(f"127.0.0.1:{port}", timeout_s=1.0)
    try:
        keyring, headers = admin_keyring()
        app = create_app(store, Settings(environment="test"), publisher=dead, keyring=keyring)
        with TestClient(app, headers=headers) as client:
            answer = client.post("/v1/quarantine/replay", params={"feed": "child_measurement"})
    finally:
        dead.close()
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "/problems/publish-failed" and answer.json()["republished"] == 0
