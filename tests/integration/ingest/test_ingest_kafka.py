"""POST /v1/events against the real broker: what is answered 202 is on the raw topic, keyed by desa code;
what is refused leaves the topic untouched."""

from __future__ import annotations

import socket
import uuid
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from satudata.events import make_event
from satudata.kafka.publisher import KafkaPublisher
from satudata.settings import IngestSettings, Settings
from services.ingest import create_app
from tests.keys import admin_keyring

pytestmark = pytest.mark.integration

SINGLE = {"content-type": "application/cloudevents+json"}
BATCH = {"content-type": "application/cloudevents-batch+json"}
JSON = {"content-type": "application/json"}
NDJSON = {"content-type": "application/x-ndjson"}
DESA = ("5301042003", "5371031001", "5310012005")  # desa codes in Kupang, Kota Kupang and Manggarai


def event(desa: str = DESA[0], **overrides: Any) -> dict[str, Any]:
    data = {
        "record_id": f"rec-{uuid.uuid4().hex[:8]}",
        "child_nik": None,
        "sex": "P",
        "birth_date": "2023-05-02",
        "measure_date": "2025-03-04",
        "weight_kg": 10.4,
        "height_cm": 84.5,
        "measure_position": "standing",
        "muac_cm": None,
        "oedema": False,
        "posyandu_id": f"{desa}-01",
        "desa_code": desa,
    }
    ev = make_event("child_measurement", data, source=f"posyandu/{desa}-01")
    ev.update(overrides)
    return ev


def by_id(records: list[Any]) -> dict[str, tuple[bytes | None, dict[str, Any]]]:
    return {(value := orjson.loads(r.value))["id"]: (r.key, value) for r in records}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_one_event_is_on_the_raw_topic_keyed_by_desa(client: TestClient, raw: Any) -> None:
    before = raw.end_offsets()
    sent = event()
    response = client.post("/v1/events", content=orjson.dumps(sent), headers=SINGLE)
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": [sent["id"]], "refused": []}
    [(key, value)] = by_id(raw.read_since(before, 1)).values()
    assert key == DESA[0].encode()
    assert value == sent


@pytest.mark.parametrize("headers", [BATCH, JSON], ids=["cloudevents-batch", "json-array"])
def test_an_array_is_published_in_full(client: TestClient, raw: Any, headers: dict[str, str]) -> None:
    before = raw.end_offsets()
    sent = [event(desa) for desa in DESA]
    response = client.post("/v1/events", content=orjson.dumps(sent), headers=headers)
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == [e["id"] for e in sent]
    got = by_id(raw.read_since(before, len(sent)))
    assert got == {e["id"]: (e["subject"].encode(), e) for e in sent}


def test_ndjson_is_published_in_full(client: TestClient, raw: Any) -> None:
    before = raw.end_offsets()
    sent = [event(desa) for desa in DESA]
    body = b"\n".join(orjson.dumps(e) for e in sent) + b"\n"
    response = client.post("/v1/events", content=body, headers=NDJSON)
    assert response.status_code == 202, response.text
    got = by_id(raw.read_since(before, len(sent)))
    assert got == {e["id"]: (e["subject"].encode(), e) for e in sent}


def test_a_mixed_batch_publishes_the_accepted_and_reports_the_refused(client: TestClient, raw: Any) -> None:
    before = raw.end_offsets()
    good = [event(DESA[0]), event(DESA[1])]
    items = [good[0], event(type="id.ntt.satudata.unknown.v1"), "not an event", good[1], dict(good[0])]
    response = client.post("/v1/events", content=orjson.dumps(items), headers=JSON)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["accepted"] == [e["id"] for e in good]
    assert [(r["index"], r["id"]) for r in answer["refused"]] == [
        (1, items[1]["id"]),
        (2, None),
        (4, good[0]["id"]),
    ]
    assert [r["problem"]["type"].rsplit("/", 1)[1] for r in answer["refused"]] == [
        "invalid-envelope",
        "invalid-envelope",
        "duplicate-id",
    ]
    assert all(r["problem"]["status"] == 422 for r in answer["refused"])
    assert set(by_id(raw.read_since(before, len(good)))) == {e["id"] for e in good}


def refused_request(name: str, max_body: int) -> tuple[bytes, dict[str, str], int]:
    valid = orjson.dumps(event())
    return {
        "not-json": (b'{"specversion": "1.0", ', JSON, 400),
        "ndjson-broken-line": (valid + b"\n{oops\n", NDJSON, 400),
        "array-as-single": (orjson.dumps([event()]), SINGLE, 400),
        "too-large": (orjson.dumps([event()] * (max_body // len(valid) + 1)), JSON, 413),
        "text-plain": (valid, {"content-type": "text/plain"}, 415),
        "no-content-type": (valid, {}, 415),
        "unknown-type": (orjson.dumps(event(type="id.ntt.satudata.unknown.v1")), SINGLE, 422),
        "bad-envelope": (orjson.dumps(event(specversion="0.3", time="kemarin")), SINGLE, 422),
        "every-item-refused": (orjson.dumps([event(subject="53.01"), {"id": "x"}]), BATCH, 422),
    }[name]


REFUSED = [
    "not-json",
    "ndjson-broken-line",
    "array-as-single",
    "too-large",
    "text-plain",
    "no-content-type",
    "unknown-type",
    "bad-envelope",
    "every-item-refused",
]


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_request_publishes_nothing(client: TestClient, raw: Any, max_body: int, name: str) -> None:
    body, headers, status = refused_request(name, max_body)
    before = raw.end_offsets()
    problem = assert_problem(client.post("/v1/events", content=body, headers=headers), status)
    assert problem["status"] == status and problem["title"], name
    # A marker published after the refusal must be the only new record: had the refused request sent anything,
    # it would sit between `before` and the marker.
    marker = event()
    assert client.post("/v1/events", content=orjson.dumps(marker), headers=SINGLE).status_code == 202
    records = raw.read_since(before, 1)
    assert [orjson.loads(r.value)["id"] for r in records] == [marker["id"]], name
    after = raw.end_offsets()
    assert sum(after.values()) - sum(before.values()) == 1


def test_healthz_with_the_broker(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_broker_down_is_503_and_claims_nothing() -> None:
    publisher = KafkaPublisher(f"127.0.0.1:{closed_port()}", timeout_s=1.0)
    try:
        keyring, headers = admin_keyring()
        app = create_app(publisher, Settings(ingest=IngestSettings(max_body_bytes=1 << 20)), keyring=keyring)
        with TestClient(app, headers=headers) as down:
            problem = assert_problem(down.post("/v1/events", content=orjson.dumps(event()), headers=SINGLE), 503)
            assert "accepted" not in problem
            assert_problem(down.get("/healthz"), 503)
    finally:
        publisher.close()
