"""The HTTP shape of the ingest app with the in-memory publisher; Kafka delivery is in tests/integration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient

from satudata.events import make_event
from satudata.problems import PROBLEM_JSON
from satudata.settings import IngestSettings, Settings
from services.ingest import Publisher, create_app
from tests.keys import admin_keyring

LIMIT = 2048


def client_for(publisher: Publisher) -> TestClient:
    settings = Settings(ingest=IngestSettings(max_body_bytes=LIMIT))
    keyring, headers = admin_keyring()
    return TestClient(create_app(publisher, settings, keyring=keyring), raise_server_exceptions=False, headers=headers)


def one_event() -> bytes:
    return orjson.dumps(
        make_event("child_measurement", {"desa_code": "5301042003"}, source="posyandu/x", event_id="e1")
    )


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM_JSON)
    body = response.json()
    assert body["status"] == status and {"type", "title", "detail"} <= body.keys()
    return body


def test_accepts_one_event(publisher) -> None:
    response = client_for(publisher).post(
        "/v1/events", content=one_event(), headers={"content-type": "application/cloudevents+json"}
    )
    assert response.status_code == 202
    assert response.json() == {"accepted": ["e1"], "refused": []}
    assert len(publisher.published) == 1


def test_declared_length_over_the_limit_is_413_before_reading(publisher) -> None:
    response = client_for(publisher).post(
        "/v1/events", content=b"[" + b" " * LIMIT + b"]", headers={"content-type": "application/json"}
    )
    assert assert_problem(response, 413)["max_bytes"] == LIMIT
    assert publisher.published == []


def test_a_chunked_body_over_the_limit_is_413_while_streaming(publisher) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(LIMIT):
            yield b" "
        yield b"]"

    response = client_for(publisher).post("/v1/events", content=chunks(), headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert_problem(response, 413)
    assert publisher.published == []


def test_unsupported_content_type_is_415(publisher) -> None:
    response = client_for(publisher).post("/v1/events", content=one_event(), headers={"content-type": "text/csv"})
    assert "application/x-ndjson" in assert_problem(response, 415)["supported"]


def test_broker_failure_is_503(failing_publisher) -> None:
    response = client_for(failing_publisher).post(
        "/v1/events", content=one_event(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 503)


@pytest.mark.parametrize(("method", "path", "status"), [("get", "/nowhere", 404), ("get", "/v1/events", 405)])
def test_framework_errors_are_problem_json_too(publisher, method: str, path: str, status: int) -> None:
    assert_problem(getattr(client_for(publisher), method)(path), status)


def test_healthz(publisher, failing_publisher) -> None:
    assert client_for(publisher).get("/healthz").json() == {"status": "ok"}
    assert_problem(client_for(failing_publisher).get("/healthz"), 503)


def test_openapi_documents_the_content_types(publisher) -> None:
    spec = client_for(publisher).get("/openapi.json").json()
    content = spec["paths"]["/v1/events"]["post"]["requestBody"]["content"]
    assert set(content) >= {"application/cloudevents+json", "application/x-ndjson"}
