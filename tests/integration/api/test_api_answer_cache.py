"""Kept answers (services/api/answer_cache.py): an anonymous answer is served again, without the route, only while
the snapshot it was summed from serves; after that the answer shows what was written; a caller with a key never
gets a kept public answer, and a kept answer is as suppressed as a computed one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from clickhouse_connect.driver import Client
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role
from satudata.regions import Region, master
from satudata.settings import ApiSettings, Settings
from services.api import create_app
from services.api.auth import Caller, resolve_caller
from tests.integration.api.conftest import COLUMNS, MARCH
from tests.keys import Issued, issue

pytestmark = pytest.mark.integration

STUNTING = "/v1/indicators/stunting_prevalence"
HIDDEN = {"numerator": None, "denominator": None, "suppressed": True}


def _row(desa: str, partition: int, numerator: int, denominator: int) -> tuple[object, ...]:
    return (
        "stunting_prevalence", MARCH, desa, desa[:6], desa[:4], "child_measurement", partition,
        numerator, denominator, 1, datetime.now(UTC),
    )  # fmt: skip


@dataclass
class Cached:
    client: TestClient
    app: FastAPI
    now: list[float]  # the snapshots' clock, moved by the test
    official: Issued
    small: Region  # a desa counted 1 of 3 (a small cell: the threshold is 5)
    large: Region  # a desa counted 4 of 12, in the same kecamatan
    kecamatan: str


@pytest.fixture
def cached(store: Client, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cached]:
    keyring = MemoryKeyring()
    official = issue(keyring, Role.OFFICIAL)
    settings = Settings(environment="test", small_cell_threshold=5, api=ApiSettings(snapshot_seconds=5))
    app = create_app(store, settings, keyring=keyring)
    now = [1000.0]
    # The snapshots' clock only: how long a snapshot serves is what decides how long an answer is kept.
    monkeypatch.setattr(app.state.snapshots, "_clock", lambda: now[0])
    kecamatan = master().kecamatan()[0]
    small, large = master().children(kecamatan.code)[:2]
    rows = [_row(small.digits, 0, 1, 3), _row(large.digits, 0, 4, 12)]
    store.insert("satudata.indicator_value", rows, column_names=COLUMNS)
    with TestClient(app) as client:
        yield Cached(client, app, now, official, small, large, kecamatan.code)


def _count_route_runs(app: FastAPI) -> list[int]:
    """How many anonymous requests reached the routes (every route resolves the caller first)."""
    runs = [0]

    async def anonymous(request: Request) -> Caller:
        runs[0] += 1
        return await resolve_caller(request, None)

    app.dependency_overrides[resolve_caller] = anonymous
    return runs


def test_an_answer_is_kept_while_its_snapshot_serves_and_then_shows_the_new_rows(cached: Cached, store: Client) -> None:
    runs = _count_route_runs(cached.app)
    params = {"region": cached.kecamatan, "period": "2025-03"}
    first = cached.client.get(STUNTING, params=params)  # loads the snapshot: answered, not kept
    assert first.status_code == 200, first.text
    assert (first.json()["numerator"], first.json()["denominator"]) == (5, 15)
    cached.client.get(STUNTING, params=params)  # from the snapshot on the loop: kept
    again = cached.client.get(STUNTING, params=params)
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert runs[0] == 2  # the third was served kept, without the route

    cached.now[0] += 5.1  # expired; the check finds the rows unchanged and keeps the snapshot, and its answers
    assert cached.client.get(STUNTING, params=params).content == first.content
    assert cached.client.get(STUNTING, params=params).content == first.content
    assert runs[0] == 3  # the check went through the route; the next was served kept

    store.insert("satudata.indicator_value", [_row(cached.large.digits, 1, 2, 5)], column_names=COLUMNS)
    cached.now[0] += 4.9
    assert cached.client.get(STUNTING, params=params).content == first.content  # the snapshot still serves
    assert runs[0] == 3
    cached.now[0] += 0.2
    later = cached.client.get(STUNTING, params=params)  # the snapshot is checked, and reloaded
    assert (later.json()["numerator"], later.json()["denominator"]) == (7, 20)
    assert later.headers["etag"] != first.headers["etag"]
    assert [cached.client.get(STUNTING, params=params).content for _ in range(2)] == [later.content] * 2
    assert runs[0] == 5  # after the reload: one answered from the new snapshot and kept, one served kept


def test_a_caller_with_a_key_never_gets_the_kept_public_answer(cached: Cached) -> None:
    value = {"region": cached.small.code, "period": "2025-03"}
    breakdown = {"region": cached.kecamatan, "period": "2025-03", "by": "desa"}
    series = {"region": cached.small.code, "from": "2025-03", "to": "2025-03"}
    for path, params in ((STUNTING, value), (STUNTING, breakdown), (f"{STUNTING}/series", series)):
        public = [cached.client.get(path, params=params).json() for _ in range(2)]
        assert public[0] == public[1]
        official = cached.client.get(path, params=params, headers=cached.official.headers)
        assert official.status_code == 200, official.text
        assert official.headers["cache-control"] == "private, max-age=0"
        assert _small_cell(official.json(), cached.small) == {"numerator": 1, "denominator": 3, "suppressed": False}
        for answer in public:  # the kept answer is as suppressed as the first
            assert _small_cell(answer, cached.small) == HIDDEN
        wrong = cached.client.get(path, params=params, headers={"X-API-Key": "sdn_nosuchkey_" + "x" * 43})
        assert wrong.status_code == 401
        assert wrong.headers["content-type"].startswith("application/problem+json")


def test_an_answer_asked_with_a_key_is_not_kept_for_the_public(cached: Cached) -> None:
    params = {"region": cached.small.code, "from": "2025-02", "to": "2025-03"}
    cached.client.get(STUNTING, params={"region": "53", "period": "2025-03"})  # loads the snapshot
    official = cached.client.get(f"{STUNTING}/series", params=params, headers=cached.official.headers).json()
    assert official["items"][1]["numerator"] == 1
    public = cached.client.get(f"{STUNTING}/series", params=params).json()
    assert public["items"][1]["numerator"] is None and public["items"][1]["suppressed"] is True


def _small_cell(answer: dict[str, object], small: Region) -> dict[str, object]:
    items = answer.get("items")
    cell = next(i for i in items if i.get("region", small.code) == small.code) if isinstance(items, list) else answer
    return {k: cell[k] for k in ("numerator", "denominator", "suppressed")}
