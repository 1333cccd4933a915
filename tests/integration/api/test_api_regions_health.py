"""Regions from the master, health from a trivial ClickHouse query, and the OpenAPI document."""

from __future__ import annotations

import socket

import pytest
from clickhouse_connect.driver import Client
from clickhouse_connect.driver.exceptions import ProgrammingError
from fastapi.testclient import TestClient

from satudata.regions import master
from satudata.settings import Settings
from satudata.store import connect
from services.api import create_app

pytestmark = pytest.mark.integration


def test_region_with_parent_ancestors_and_children(api: TestClient) -> None:
    kecamatan = master().children("53.01")[0]
    desa = master().children(kecamatan.code)
    answer = api.get(f"/v1/regions/{kecamatan.digits}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["code"], body["digits"], body["name"], body["level"]) == (
        kecamatan.code,
        kecamatan.digits,
        kecamatan.name,
        "kecamatan",
    )
    assert body["parent"]["code"] == "53.01"
    assert [a["code"] for a in body["ancestors"]] == ["53.01", "53"]
    assert [c["code"] for c in body["children"]] == [d.code for d in desa]
    assert {c["level"] for c in body["children"]} == {"desa_kelurahan"}


def test_the_province_has_no_parent_and_every_kabupaten_as_children(api: TestClient) -> None:
    body = api.get("/v1/regions/53").json()
    assert body["parent"] is None and body["ancestors"] == []
    assert [c["code"] for c in body["children"]] == [k.code for k in master().kabupaten()]


def test_healthz_ok(api: TestClient) -> None:
    answer = api.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "clickhouse": "ok"}


def test_healthz_503_when_clickhouse_does_not_answer() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(lambda: connect(f"http://127.0.0.1:{port}"), Settings(environment="test"))
    with TestClient(app) as client:
        answer = client.get("/healthz")
        assert answer.status_code == 503
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["clickhouse"] == "unavailable"
        assert client.get("/v1/indicators/stunting_prevalence").status_code == 503


def test_a_factory_client_is_built_once_and_closed_with_the_app(store: Client, chdb_url: str) -> None:
    built: list[Client] = []

    def factory() -> Client:
        built.append(connect(chdb_url))
        return built[-1]

    with TestClient(create_app(factory, Settings(environment="test"))) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/healthz").status_code == 200
    assert len(built) == 1
    with pytest.raises(ProgrammingError, match="closed"):
        built[0].command("SELECT 1")
    assert store.command("SELECT 1") == 1  # closing the app's own client leaves the caller's open


def test_openapi_is_bilingual_and_documents_problems(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    operation = document["paths"]["/v1/indicators/{code}"]["get"]
    assert " / " in operation["summary"]
    assert "application/problem+json" in operation["responses"]["422"]["content"]
    assert "application/problem+json" in operation["responses"]["404"]["content"]
    for path in ("/v1/indicators/{code}/series", "/v1/regions/{code}", "/healthz"):
        assert " / " in document["paths"][path]["get"]["summary"]
