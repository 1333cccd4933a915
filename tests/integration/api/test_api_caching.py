"""ETag and Cache-Control on GET answers: a strong tag over the body bytes, 304 on a matching If-None-Match, and a
caching policy by what the answer holds (aggregate or row-level) and who asked (a key or none)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role, generate
from satudata.settings import ApiSettings, Settings
from services.api import create_app
from services.api.caching import matches
from tests.integration.api.conftest import APRIL, COLUMNS, Seeded, Sum

pytestmark = pytest.mark.integration

STUNTING = "/v1/indicators/stunting_prevalence"
PUBLIC = {"region": "53", "period": "2025-04"}


@pytest.fixture
def keyed(store: Client) -> Iterator[tuple[TestClient, str]]:
    """An API that knows one admin key, and that key."""
    plaintext, record = generate(Role.ADMIN, "caching test")
    app = create_app(store, Settings(environment="test"), keyring=MemoryKeyring([record]))
    with TestClient(app) as client:
        yield client, plaintext


def _blake2b_tag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def test_an_aggregate_is_tagged_over_its_bytes_and_public_for_five_seconds(api: TestClient, seeded: Seeded) -> None:
    answer = api.get(STUNTING, params=PUBLIC)
    assert answer.status_code == 200, answer.text
    assert answer.headers["etag"] == _blake2b_tag(answer.content)
    assert answer.headers["cache-control"] == "public, max-age=5"
    assert "x-api-key" in answer.headers["vary"].lower()
    again = api.get(STUNTING, params=PUBLIC)
    assert again.headers["etag"] == answer.headers["etag"]
    other_month = api.get(STUNTING, params={**PUBLIC, "period": "2025-03"})
    assert other_month.headers["etag"] != answer.headers["etag"]


def test_if_none_match_answers_304_without_a_body(api: TestClient, seeded: Seeded) -> None:
    tag = api.get(STUNTING, params=PUBLIC).headers["etag"]
    for header in (tag, f"W/{tag}", f'"something-else", {tag}', "*"):
        answer = api.get(STUNTING, params=PUBLIC, headers={"If-None-Match": header})
        assert answer.status_code == 304, header
        assert answer.content == b""
        assert answer.headers["etag"] == tag
        assert answer.headers["cache-control"] == "public, max-age=5"
        assert "content-type" not in answer.headers
    stale = api.get(STUNTING, params=PUBLIC, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.json()["region"] == "53"


def test_new_data_changes_the_tag(store: Client, seeded: Seeded) -> None:
    # Snapshots off, so that the answer follows the insert at once (with them it follows within 5 s).
    settings = Settings(environment="test", api=ApiSettings(snapshot_seconds=0))
    with TestClient(create_app(store, settings)) as api:
        _the_tag_follows_the_data(api, store, seeded)


def _the_tag_follows_the_data(api: TestClient, store: Client, seeded: Seeded) -> None:
    before = api.get(STUNTING, params=PUBLIC)
    desa = seeded.desa[0]
    store.insert(
        "satudata.indicator_value",
        [Sum("stunting_prevalence", APRIL, desa.digits, 9, 50, 60, 1).row()],
        column_names=COLUMNS,
    )
    after = api.get(STUNTING, params=PUBLIC, headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["denominator"] == before.json()["denominator"] + 60
    assert after.headers["etag"] == _blake2b_tag(after.content) != before.headers["etag"]


def test_a_keyed_caller_gets_private_answers(keyed: tuple[TestClient, str], seeded: Seeded) -> None:
    client, key = keyed
    answer = client.get(STUNTING, params=PUBLIC, headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, max-age=0"
    assert "x-api-key" in answer.headers["vary"].lower()
    revalidated = client.get(
        STUNTING, params=PUBLIC, headers={"X-API-Key": key, "If-None-Match": answer.headers["etag"]}
    )
    assert revalidated.status_code == 304


@pytest.mark.parametrize(
    "path", ["/v1/quarantine", "/v1/quality/alerts", "/v1/quality/conflicts", "/healthz"], ids=lambda p: p
)
def test_row_level_data_and_health_are_never_stored(keyed: tuple[TestClient, str], path: str) -> None:
    client, key = keyed
    answer = client.get(path, headers={"X-API-Key": key})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    assert answer.headers["etag"] == _blake2b_tag(answer.content)


def test_errors_and_other_methods_are_not_tagged(api: TestClient) -> None:
    missing = api.get("/v1/indicators/no_such_indicator")
    assert missing.status_code == 404
    assert "etag" not in missing.headers and "cache-control" not in missing.headers
    posted = api.post("/v1/quarantine/replay", params={"feed": "child_measurement"})
    assert posted.status_code >= 400 and "etag" not in posted.headers


def test_the_openapi_document_names_the_caching_headers_and_304(api: TestClient) -> None:
    operation = api.get("/openapi.json").json()["paths"]["/v1/indicators/{code}"]["get"]
    assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
    assert "304" in operation["responses"]


def test_if_none_match_parsing() -> None:
    assert matches('"a", W/"b"', '"b"') and matches("*", '"x"')
    assert not matches(None, '"a"') and not matches('"ab"', '"a"') and not matches("", '"a"')
