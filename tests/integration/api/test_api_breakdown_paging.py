"""A breakdown pages by keyset like every other list: the province by desa (3,000+ regions) in pages whose union is
every desa once, in code order, each with the counts that were written."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from tests.integration.api.conftest import APRIL, Seeded

pytestmark = pytest.mark.integration

STUNTING = "/v1/indicators/stunting_prevalence"


@pytest.fixture
def unsuppressed(store: Client) -> Iterator[TestClient]:
    """No small-cell threshold, so every seeded count shows as written."""
    with TestClient(create_app(store, Settings(environment="test", small_cell_threshold=0))) as client:
        yield client


def test_the_province_by_desa_pages_through_every_desa_once(unsuppressed: TestClient, seeded: Seeded) -> None:
    every = master().desa()
    assert len(every) > 3000
    params: dict[str, str | int] = {"period": "2025-04", "by": "desa", "limit": 700}
    seen: list[dict[str, object]] = []
    body = unsuppressed.get(STUNTING, params=params).json()
    pages = 1
    while True:
        assert body["limit"] == 700 and len(body["items"]) <= 700
        seen.extend(body["items"])
        if body["next"] is None:
            assert body["next_cursor"] is None
            break
        assert len(body["items"]) == 700 and f"cursor={body['next_cursor']}" in body["next"]
        body = unsuppressed.get(body["next"]).json()
        pages += 1
    assert pages == -(-len(every) // 700)
    assert [item["region"] for item in seen] == [d.code for d in every]
    for item in seen:
        expected = seeded.expected("stunting_prevalence", APRIL, str(item["region"]))
        assert (item["numerator"], item["denominator"]) == expected


def test_the_default_page_holds_a_kabupaten_list_whole(unsuppressed: TestClient, seeded: Seeded) -> None:
    body = unsuppressed.get(STUNTING, params={"period": "2025-04", "by": "kabupaten"}).json()
    assert [i["region"] for i in body["items"]] == [k.code for k in master().kabupaten()]
    assert (body["limit"], body["next_cursor"], body["next"]) == (1000, None, None)


def test_a_cursor_that_is_not_ours_is_refused(unsuppressed: TestClient) -> None:
    answer = unsuppressed.get(STUNTING, params={"by": "desa", "cursor": "bm90IGEgY3Vyc29y"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert unsuppressed.get(STUNTING, params={"by": "desa", "limit": 0}).status_code == 422
