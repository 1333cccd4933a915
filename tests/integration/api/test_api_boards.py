"""The boards routes over real chDB: panel rows equal the sums the test computes from what it wrote, bound
parameters, small cells suppressed for the public only, audiences, and every refusal as bilingual problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role
from satudata.boards import BOARDS
from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from tests.integration.api.conftest import APRIL, COLUMNS, MARCH, Seeded
from tests.keys import issue

pytestmark = pytest.mark.integration

STUNTING = "stunting_prevalence"
THRESHOLD = 5


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def boards_api(store: Client, keyring: MemoryKeyring) -> Iterator[TestClient]:
    settings = Settings(environment="test", small_cell_threshold=THRESHOLD)
    with TestClient(create_app(store, settings, keyring=keyring)) as client:
        yield client


def _panel(api: TestClient, board: str, panel: str, headers: dict[str, str] | None = None, **params: str) -> dict:
    answer = api.get(f"/v1/boards/{board}/panels/{panel}", params=params, headers=headers or {})
    assert answer.status_code == 200, answer.text
    return answer.json()


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def test_the_list_holds_every_board_and_panel_with_what_the_caller_may_see(
    boards_api: TestClient, keyring: MemoryKeyring
) -> None:
    anonymous = boards_api.get("/v1/boards").json()["items"]
    assert [b["uid"] for b in anonymous] == list(BOARDS)
    for listed in anonymous:
        board = BOARDS[listed["uid"]]
        assert listed["refresh_seconds"] == int(board.refresh.removesuffix("s"))
        assert [v["kind"] for v in listed["variables"]] == [v.kind for v in board.variables]
        assert [p["id"] for p in listed["panels"]] == [p.id for p in board.panels]
        for item, panel in zip(listed["panels"], board.panels, strict=True):
            assert (item["kind"], item["unit"], item["target"]) == (panel.kind, panel.unit, panel.target)
            assert [c["name"] for c in item["columns"]] == [c.name for c in panel.columns]
            assert item["parameters"] == list(panel.parameters)
            assert item["visible"] == (panel.audience == "public")
    official = issue(keyring, Role.OFFICIAL).headers
    items = boards_api.get("/v1/boards", headers=official).json()["items"]
    seen = {p["audience"] for b in items for p in b["panels"] if p["visible"]}
    hidden = {p["audience"] for b in items for p in b["panels"] if not p["visible"]}
    assert "official" in seen and hidden <= {"operator"}


def test_a_province_stat_is_the_sum_of_every_desa(boards_api: TestClient, seeded: Seeded) -> None:
    body = _panel(boards_api, "ringkasan-ntt", f"{STUNTING}-stat", period="2025-03")
    numerator, denominator = seeded.expected(STUNTING, MARCH, "53")
    assert denominator >= THRESHOLD
    assert body["rows"] == [[_ratio(numerator, denominator), numerator, denominator]]
    assert body["parameters"] == {"period": "2025-03-01"}
    assert [c["name"] for c in body["columns"]] == ["value", "numerator", "denominator"]
    assert body["suppressed_rows"] == [] and body["small_cell_threshold"] == THRESHOLD


def test_a_kabupaten_stat_takes_digits_or_a_dotted_code(boards_api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[0]
    numerator, denominator = seeded.expected(STUNTING, APRIL, kabupaten.code)
    for code in (kabupaten.digits, kabupaten.code):
        body = _panel(boards_api, "kabupaten", f"{STUNTING}-stat", kabupaten=code, period="2025-04")
        assert body["parameters"] == {"kabupaten": kabupaten.digits, "period": "2025-04-01"}
        assert body["rows"] == [[_ratio(numerator, denominator), numerator, denominator]]


def test_a_series_spans_twelve_months_with_dates_as_text(boards_api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[1]
    body = _panel(boards_api, "kabupaten", f"{STUNTING}-series", kabupaten=kabupaten.digits, period="2025-04")
    assert body["parameters"] == {"kabupaten": kabupaten.digits, "period_from": "2024-05-01", "period_to": "2025-04-01"}
    expected = []
    for month in (MARCH, APRIL):
        numerator, denominator = seeded.expected(STUNTING, month, kabupaten.code)
        expected.append([month.isoformat(), _ratio(numerator, denominator), numerator, denominator])
    assert body["rows"] == expected


def test_small_cells_are_hidden_from_the_public_only(
    boards_api: TestClient, seeded: Seeded, store: Client, keyring: MemoryKeyring
) -> None:
    kabupaten = seeded.kabupaten[0]
    small = next(d for d in master().desa() if d.digits.startswith(kabupaten.digits) and d not in seeded.desa)
    row = (STUNTING, MARCH, small.digits, small.digits[:6], small.digits[:4], "child_measurement", 0, 1, 3, 1)
    store.insert("satudata.indicator_value", [(*row, datetime.now(UTC))], column_names=COLUMNS)
    mine = [d for d in seeded.desa if d.digits.startswith(kabupaten.digits)]
    expected = {d.digits: seeded.expected(STUNTING, MARCH, d.code) for d in mine}
    expected[small.digits] = (1, 3)
    params = {"kabupaten": kabupaten.digits, "period": "2025-03"}

    public = _panel(boards_api, "kabupaten", f"{STUNTING}-by-desa", **params)
    official = _panel(boards_api, "kabupaten", f"{STUNTING}-by-desa", issue(keyring, Role.OFFICIAL).headers, **params)
    assert official["suppressed_rows"] == [] and official["small_cell_threshold"] is None
    assert {r[0]: (r[2], r[3]) for r in official["rows"]} == expected
    assert public["region_names"][small.digits] == small.name
    suppressed = [i for i, r in enumerate(official["rows"]) if 0 < r[3] < THRESHOLD]
    assert small.digits in {official["rows"][i][0] for i in suppressed}
    assert public["suppressed_rows"] == suppressed
    for index, (shown, full) in enumerate(zip(public["rows"], official["rows"], strict=True)):
        if index in suppressed:
            assert shown == [full[0], None, None, full[3]]  # value and numerator hidden, the denominator kept
        else:
            assert shown == full


@pytest.mark.parametrize(
    ("path", "params", "status", "slug"),
    [
        ("/v1/boards/nope/panels/x", {}, 404, "unknown-board"),
        ("/v1/boards/kabupaten/panels/nope", {}, 404, "unknown-panel"),
        (f"/v1/boards/kabupaten/panels/{STUNTING}-stat", {}, 422, "kabupaten-required"),
        (f"/v1/boards/kabupaten/panels/{STUNTING}-stat", {"kabupaten": "5301042003"}, 422, "invalid-region"),
        (f"/v1/boards/kabupaten/panels/{STUNTING}-stat", {"kabupaten": "9999"}, 422, "invalid-region"),
        (f"/v1/boards/ringkasan-ntt/panels/{STUNTING}-stat", {"period": "2025-13"}, 422, "invalid-request"),
        ("/v1/boards/kabupaten/panels/convergence-not-reached", {"kabupaten": "5301"}, 403, "access-required"),
    ],
)
def test_refusals_are_bilingual_problems(
    boards_api: TestClient, path: str, params: dict[str, str], status: int, slug: str
) -> None:
    answer = boards_api.get(path, params=params)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body = answer.json()
    assert body["type"] == f"/problems/{slug}" and body["status"] == status
    assert " / " in body["title"] and " / " in body["detail"]


def test_an_official_reads_the_official_panel(boards_api: TestClient, keyring: MemoryKeyring, store: Client) -> None:
    headers = issue(keyring, Role.OFFICIAL).headers
    body = _panel(boards_api, "kabupaten", "convergence-not-reached", headers, kabupaten="5301", period="2025-03")
    assert body["rows"] == [] and body["parameters"] == {"period": "2025-03-01", "kabupaten": "5301"}


def test_the_page_is_served_with_its_own_assets_under_a_strict_policy(boards_api: TestClient) -> None:
    page = boards_api.get("/board", params={"board": "kualitas-data"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy and "unsafe-inline" not in policy
    assert 'data-board="kualitas-data"' in page.text and "<script>" not in page.text and "onclick" not in page.text
    for uid in BOARDS:
        assert f'data-board-link="{uid}"' in page.text
    for asset, kind in (("board.js", "javascript"), ("draw.js", "javascript"), ("board.css", "css")):
        answer = boards_api.get(f"/board/static/{asset}")
        assert answer.status_code == 200 and kind in answer.headers["content-type"]
    assert boards_api.get("/board").text.count('aria-current="page"') == 1
    missing = boards_api.get("/board", params={"board": "nope"})
    assert missing.status_code == 404 and "Papan tidak dikenal" in missing.text
