"""The live board page in a real headless Chromium: every panel of every board drawn from the API's own answers,
no asset from elsewhere, no console error, and new data shown without a reload."""

from __future__ import annotations

import httpx
import pytest
from clickhouse_connect.driver import Client
from playwright.sync_api import Page

from satudata.boards import BOARDS
from tests.browser.conftest import Seeded, Watched
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.browser]

STUNTING = "stunting_prevalence"
DEADLINE_MS = 30_000
# Every panel is in place, drawn (or locked for this caller), and one refresh cycle has finished.
READY = """(count) => {
  const panels = [...document.querySelectorAll('#board section[data-panel-id]')];
  return panels.length === count && panels.every((p) => ['ok', 'locked'].includes(p.dataset.state))
    && Number(document.getElementById('board').dataset.cycles || 0) >= 1;
}"""
SHOWN = "(nodes) => nodes.map((n) => [Number(n.dataset.row), n.dataset.column, n.dataset.value])"
CHANGED = "(before) => document.getElementById('updated').dataset.updated !== before"
SHOWS = """([selector, expected]) => {
  const node = document.querySelector(selector);
  return node !== null && Number(node.dataset.value) === expected;
}"""


def _open(watched: Watched, base: str, uid: str, **query: str) -> Page:
    params = "".join(f"&{name}={value}" for name, value in query.items())
    watched.page.goto(f"{base}/board?board={uid}{params}")
    watched.page.wait_for_function(READY, arg=len(BOARDS[uid].panels), timeout=DEADLINE_MS)
    return watched.page


def _shown(page: Page, panel_id: str) -> list[tuple[int, str, str]]:
    return [tuple(item) for item in page.eval_on_selector_all(f'[data-panel="{panel_id}"]', SHOWN)]


def _same(shown: str, answered: object) -> bool:
    if answered is None:
        return shown == ""
    if isinstance(answered, int | float) and not isinstance(answered, bool):
        return float(shown) == answered
    return shown == str(answered)


def _stat(page: Page, panel_id: str, column: str) -> str:
    return f'[data-panel="{panel_id}"][data-row="0"][data-column="{column}"]'


@pytest.mark.parametrize("uid", list(BOARDS))
def test_every_panel_shows_what_the_api_answers(uid: str, live_api: str, seeded: Seeded, watched: Watched) -> None:
    page = _open(watched, live_api, uid)
    board = BOARDS[uid]
    takes_kabupaten = any("kabupaten" in p.parameters for p in board.panels)
    kabupaten = page.input_value("#var-kabupaten") if takes_kabupaten else None
    if takes_kabupaten:
        assert kabupaten == seeded.kabupaten[0].digits  # the first of the region master, by default
    drawn = 0
    for panel in board.panels:
        section = page.locator(f'section[data-panel-id="{panel.id}"]')
        if panel.audience != "public":
            assert section.get_attribute("data-state") == "locked"
            assert "Perlu akses / Access required" in section.inner_text()
            assert _shown(page, panel.id) == []
            continue
        params = {"kabupaten": kabupaten} if "kabupaten" in panel.parameters and kabupaten else {}
        answer = httpx.get(f"{live_api}/v1/boards/{uid}/panels/{panel.id}", params=params).json()
        shown = _shown(page, panel.id)
        names = [c.name for c in panel.columns]
        for row, column, value in shown:
            assert _same(value, answer["rows"][row][names.index(column)]), (panel.id, row, column, value)
        assert {row for row, _, _ in shown} == set(range(len(answer["rows"]))), panel.id
        if not answer["rows"]:
            assert "Belum ada data / No data yet" in section.inner_text()
        drawn += len(shown)
    assert drawn > 0
    assert page.text_content("#updated") not in ("", "—")
    assert watched.problems(live_api) == []


def test_the_headline_equals_the_indicator_api_and_follows_new_data_without_a_reload(
    live_api: str, seeded: Seeded, watched: Watched, store: Client
) -> None:
    page = _open(watched, live_api, "ringkasan-ntt")
    month = seeded.period.strftime("%Y-%m")

    def indicator() -> dict:
        params = {"region": "53", "period": month}
        return httpx.get(f"{live_api}/v1/indicators/{STUNTING}", params=params).json()

    numerator, denominator = seeded.truth.counts(STUNTING, seeded.period)
    answer = indicator()
    assert (answer["numerator"], answer["denominator"]) == (numerator, denominator)
    assert answer["value"] == numerator / denominator
    panel = f"{STUNTING}-stat"
    shown = {column: value for _, column, value in _shown(page, panel)}
    assert float(shown["value"]) == answer["value"]
    assert (int(shown["numerator"]), int(shown["denominator"])) == (numerator, denominator)
    assert "%" in page.text_content(_stat(page, panel, "value"))

    page.evaluate("window.boardTestMarker = 'the same page'")
    updated = page.get_attribute("#updated", "data-updated")
    desa = seeded.desa[0]
    old_numerator, old_denominator, _ = seeded.truth.sums[(STUNTING, seeded.period, desa.digits, 0)]
    corrected = old_numerator - 1 if old_numerator == old_denominator else old_denominator
    seeded.truth.write(store, [(STUNTING, seeded.period, desa, 0, corrected, old_denominator)])
    numerator, denominator = seeded.truth.counts(STUNTING, seeded.period)
    assert numerator / denominator != answer["value"]
    # The indicator API answers from a snapshot at most SATUDATA_API__SNAPSHOT_SECONDS (5) old: it follows within it.
    wait_until(lambda: indicator()["value"] == numerator / denominator, "the API to show the correction", 15)

    page.wait_for_function(SHOWS, arg=[_stat(page, panel, "value"), numerator / denominator], timeout=DEADLINE_MS)
    assert int(page.get_attribute(_stat(page, panel, "numerator"), "data-value")) == numerator
    assert page.evaluate("window.boardTestMarker") == "the same page"
    page.wait_for_function(CHANGED, arg=updated, timeout=DEADLINE_MS)  # "last updated" moves on too
    assert watched.problems(live_api) == []


def test_the_kabupaten_board_hides_small_cells_and_follows_the_selector(
    live_api: str, seeded: Seeded, watched: Watched
) -> None:
    page = _open(watched, live_api, "kabupaten")
    table = f"{STUNTING}-by-desa"
    rows = {column_value: row for row, column, column_value in _shown(page, table) if column == "region"}
    small = rows[seeded.small.digits]
    cell = page.locator(f'[data-panel="{table}"][data-row="{small}"][data-column="value"]')
    assert cell.get_attribute("data-value") == "" and cell.inner_text() == "disembunyikan / suppressed"
    assert "baris disembunyikan" in page.locator(f'section[data-panel-id="{table}"] .note').inner_text()

    other = seeded.kabupaten[1]
    page.select_option("#var-kabupaten", other.digits)
    numerator, denominator = seeded.truth.counts(STUNTING, seeded.period, other.digits)
    stat = _stat(page, f"{STUNTING}-stat", "value")
    page.wait_for_function(SHOWS, arg=[stat, numerator / denominator], timeout=DEADLINE_MS)
    assert f"kabupaten={other.digits}" in page.url
    assert f"kabupaten={other.digits}" in (page.get_attribute('a[data-board-link="ringkasan-ntt"]', "href") or "")
    assert watched.problems(live_api) == []
