"""Publishing rights against the real broker: a publisher key of one agency and feed gets its events onto the raw
topic, and a request that holds one event it does not cover leaves the topic untouched."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role
from satudata.events import make_event
from satudata.kafka.publisher import KafkaPublisher
from services.ingest import create_app
from tests.integration.ingest.conftest import ingest_settings
from tests.integration.ingest.test_ingest_kafka import event
from tests.keys import Issued, issue

pytestmark = pytest.mark.integration

BATCH = {"content-type": "application/cloudevents-batch+json"}


@pytest.fixture(scope="module")
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture(scope="module")
def posyandu(keyring: MemoryKeyring) -> Issued:
    return issue(keyring, Role.PUBLISHER, agency="posyandu", feeds={"child_measurement"})


@pytest.fixture(scope="module")
def door(kafka_publisher: KafkaPublisher, ingest_bootstrap: str, keyring: MemoryKeyring) -> TestClient:
    return TestClient(create_app(kafka_publisher, ingest_settings(ingest_bootstrap), keyring=keyring))


def post(door: TestClient, events: list[dict[str, Any]], key: Issued | None) -> Any:
    headers = BATCH | (key.headers if key else {})
    return door.post("/v1/events", content=orjson.dumps(events), headers=headers)


def refused_then_marker(door: TestClient, raw: Any, events: list[dict[str, Any]], key: Issued | None) -> int:
    """Post a refused request, then a marker the key may publish; the marker must be the one new record."""
    before = raw.end_offsets()
    status = post(door, events, key).status_code
    marker = event()
    assert post(door, [marker], key if key else None).status_code in (202, 401)
    if key is None:  # nothing can be published without a key: the topic must simply not have moved
        assert raw.end_offsets() == before
        return status
    records = raw.read_since(before, 1)
    assert [orjson.loads(r.value)["id"] for r in records] == [marker["id"]]
    return status


def test_a_publisher_s_own_events_reach_the_raw_topic(door: TestClient, raw: Any, posyandu: Issued) -> None:
    before = raw.end_offsets()
    sent = [event(), event()]
    answer = post(door, sent, posyandu)
    assert answer.status_code == 202, answer.text
    assert {orjson.loads(r.value)["id"] for r in raw.read_since(before, 2)} == {e["id"] for e in sent}


def test_another_agency_in_the_request_publishes_nothing(door: TestClient, raw: Any, posyandu: Issued) -> None:
    other = event(source="puskesmas/5301010")
    assert refused_then_marker(door, raw, [event(), other, event()], posyandu) == 403


def test_an_unlisted_feed_publishes_nothing(door: TestClient, raw: Any, posyandu: Issued) -> None:
    family = make_event("family_risk", {"desa_code": "5301042003"}, source="posyandu/5301042003-01")
    assert refused_then_marker(door, raw, [event(), family], posyandu) == 403


def test_no_key_publishes_nothing(door: TestClient, raw: Any) -> None:
    assert refused_then_marker(door, raw, [event()], None) == 401
