"""Who may publish through ingest: a publisher key covering every event's agency and feed (or admin); the
in-memory publisher records what would reach Kafka (the real broker is in tests/integration/ingest)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role
from satudata.events import make_event
from satudata.settings import Settings
from services.ingest import create_app
from tests.keys import Issued, issue
from tests.unit.ingest.conftest import MemoryPublisher
from tests.unit.ingest.upload_files import csv_bytes, good_row

JSON = {"content-type": "application/json"}


def event(event_id: str, source: str = "puskesmas/5301010", feed: str = "child_measurement") -> dict[str, Any]:
    return make_event(feed, {"record_id": event_id, "desa_code": "5301042003"}, source=source, event_id=event_id)


class Ingest:
    def __init__(self, publisher: MemoryPublisher, keyring: MemoryKeyring | None) -> None:
        self.client = TestClient(create_app(publisher, Settings(), _Ledger(), keyring=keyring))

    def post(self, events: list[dict[str, Any]], key: Issued | None) -> Any:
        headers = JSON | (key.headers if key else {})
        return self.client.post("/v1/events", content=orjson.dumps(events), headers=headers)


class _Ledger:
    def __init__(self) -> None:
        self.ids: set[str] = set()

    def known(self, ids: Any) -> set[str]:
        return {i for i in ids if i in self.ids}

    def remember(self, entries: Any) -> None:
        self.ids.update(i for i, _ in entries)


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def pkm(keyring: MemoryKeyring) -> Issued:
    return issue(keyring, Role.PUBLISHER, agency="puskesmas", feeds={"child_measurement", "pregnancy_check"})


def refused(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == f"/problems/{slug}" and " / " in body["title"]
    return body


def test_a_publisher_publishes_its_own_agency_and_feeds(publisher: MemoryPublisher, keyring, pkm) -> None:
    events = [event("a"), event("b", source="puskesmas/5301020", feed="pregnancy_check")]
    response = Ingest(publisher, keyring).post(events, pkm)
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == ["a", "b"]
    assert len(publisher.published) == 2


def test_another_agency_in_the_request_refuses_the_whole_request(publisher, keyring, pkm) -> None:
    response = Ingest(publisher, keyring).post([event("a"), event("b", source="bkkbn/ntt")], pkm)
    body = refused(response, 403, "publish-forbidden")
    assert body["not_covered"] == ["bkkbn/child_measurement"] and body["key_id"] == pkm.record.key_id
    assert publisher.published == []


def test_an_unlisted_feed_is_refused(publisher, keyring, pkm) -> None:
    response = Ingest(publisher, keyring).post([event("a", feed="family_risk")], pkm)
    assert refused(response, 403, "publish-forbidden")["not_covered"] == ["puskesmas/family_risk"]
    assert publisher.published == []


def test_other_roles_may_not_publish_and_admin_may(publisher, keyring) -> None:
    ingest = Ingest(publisher, keyring)
    for role in (Role.OFFICIAL, Role.OPERATOR):
        refused(ingest.post([event("a")], issue(keyring, role)), 403, "publish-forbidden")
    assert publisher.published == []
    assert ingest.post([event("a", source="anyone/x")], issue(keyring, Role.ADMIN)).status_code == 202
    assert len(publisher.published) == 1


def test_missing_unknown_malformed_and_revoked_keys_are_401(publisher, keyring, pkm) -> None:
    ingest = Ingest(publisher, keyring)
    refused(ingest.post([event("a")], None), 401, "key-required")
    stranger = issue(MemoryKeyring(), Role.ADMIN)
    refused(ingest.post([event("a")], stranger), 401, "key-invalid")
    response = ingest.client.post("/v1/events", content=orjson.dumps([event("a")]), headers=JSON | {"X-API-Key": "x"})
    refused(response, 401, "key-invalid")
    keyring.put(pkm.record.revoke())
    body = refused(ingest.post([event("a")], pkm), 401, "key-revoked")
    assert pkm.plaintext not in str(body)
    assert publisher.published == []


def test_without_a_keyring_every_publish_is_401(publisher, pkm) -> None:
    refused(Ingest(publisher, None).post([event("a")], pkm), 401, "keys-unavailable")
    assert publisher.published == []


def test_an_upload_for_another_agency_or_feed_is_403(publisher, keyring, pkm) -> None:
    client = Ingest(publisher, keyring).client
    raw = csv_bytes([good_row(1)])
    headers = {"content-type": "text/csv"} | pkm.headers
    other = client.post("/v1/uploads/child_measurement", content=raw, headers=headers, params={"source": "bkkbn/x"})
    assert refused(other, 403, "publish-forbidden")["not_covered"] == ["bkkbn/child_measurement"]
    anon = client.post("/v1/uploads/child_measurement", content=raw, headers={"content-type": "text/csv"})
    refused(anon, 401, "key-required")
    assert publisher.published == []
    own = client.post("/v1/uploads/child_measurement", content=raw, headers=headers, params={"source": "puskesmas/x"})
    assert own.status_code == 202, own.text
    assert len(publisher.published) == 1


def test_openapi_documents_the_key_header(publisher, keyring) -> None:
    schemes = Ingest(publisher, keyring).client.get("/openapi.json").json()["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": schemes["ApiKey"]["description"],
    }
