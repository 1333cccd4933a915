"""Every panel of every board runs on the real schema (chDB, migrated by the `store` fixture), with its parameters
bound by clickhouse-connect, and answers exactly the columns it declares; headline numbers match the ones the
test computes from the rows it inserted, and the API's own numbers for the same region and month."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from clickhouse_connect.driver import Client

from satudata.boards import BOARDS, Panel
from satudata.indicators import INDICATORS
from satudata.regions import master
from services.api.indicators import service, validity
from tests.integration.boards.seed import MONTHS, PERIOD, Seeded, seed

pytestmark = pytest.mark.integration

PANELS = [(board.uid, panel) for board in BOARDS.values() for panel in board.panels]


@pytest.fixture
def seeded(store: Client) -> Seeded:
    return seed(store)


def _bound(panel: Panel, seeded: Seeded) -> dict[str, Any]:
    values = {
        "kabupaten": seeded.kabupaten.digits,
        "period": PERIOD,
        "period_from": MONTHS[0],
        "period_to": MONTHS[-1],
    }
    return {name: values[name] for name in panel.parameters}


def _run(client: Client, panel: Panel, seeded: Seeded) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = client.query(panel.sql, parameters=_bound(panel, seeded))
    return list(result.column_names), result.result_rows


@pytest.mark.parametrize(("uid", "panel"), PANELS, ids=[f"{uid}:{p.id}" for uid, p in PANELS])
def test_panel_answers_its_declared_columns_with_rows(store: Client, seeded: Seeded, uid: str, panel: Panel) -> None:
    names, rows = _run(store, panel, seeded)
    assert names == [c.name for c in panel.columns]
    assert rows, f"{uid}:{panel.id} returned no row although its tables were loaded"
    if panel.kind == "timeseries":
        assert all(isinstance(row[0], date) for row in rows)
    for column_index, column in enumerate(panel.columns):
        if column.kind == "percent":
            assert all(row[column_index] is None or 0 <= row[column_index] <= 1 for row in rows)


def test_panels_on_empty_tables_show_nothing_counted(store: Client) -> None:
    """Nothing loaded: a stat says "no value" (not 0 %), every other panel has no row."""
    params = {"kabupaten": "5301", "period": PERIOD, "period_from": MONTHS[0], "period_to": PERIOD}
    for board in BOARDS.values():
        for panel in board.panels:
            rows = store.query(panel.sql, parameters={n: params[n] for n in panel.parameters}).result_rows
            assert rows == ([(None, 0, 0)] if panel.kind == "stat" else []), panel.id


def test_headline_stunting_equals_the_inserted_truth(store: Client, seeded: Seeded) -> None:
    panel = BOARDS["ringkasan-ntt"].panel("stunting_prevalence-stat")
    _, rows = _run(store, panel, seeded)
    numerator, denominator = seeded.expected("stunting_prevalence", PERIOD)
    assert denominator > 0
    assert rows == [(pytest.approx(numerator / denominator), numerator, denominator)]


def test_kabupaten_stat_and_kecamatan_breakdown_equal_the_truth(store: Client, seeded: Seeded) -> None:
    board = BOARDS["kabupaten"]
    _, rows = _run(store, board.panel("stunting_prevalence-stat"), seeded)
    numerator, denominator = seeded.expected("stunting_prevalence", PERIOD, seeded.kabupaten.digits)
    assert rows == [(pytest.approx(numerator / denominator), numerator, denominator)]
    _, rows = _run(store, board.panel("stunting_prevalence-by-kecamatan"), seeded)
    expected = {
        code: seeded.expected("stunting_prevalence", PERIOD, code)
        for code in {d.digits[:6] for d in seeded.desa if d.digits.startswith(seeded.kabupaten.digits)}
    }
    assert {region: (n, d) for region, _, n, d in rows} == expected


def test_not_reached_lists_only_current_targets_not_reached(store: Client, seeded: Seeded) -> None:
    _, rows = _run(store, BOARDS["kabupaten"].panel("convergence-not-reached"), seeded)
    mine = [d for d in seeded.desa if d.digits.startswith(seeded.kabupaten.digits)]
    assert sorted(row[1] for row in rows) == sorted(f"child-{n}a" for n, d in enumerate(seeded.desa) if d in mine)


@pytest.mark.parametrize(
    ("uid", "panel"),
    [(u, p) for u, p in PANELS if p.kind == "stat" and p.indicator],
    ids=lambda v: v if isinstance(v, str) else v.id,
)
def test_stat_panel_equals_the_api(store: Client, seeded: Seeded, uid: str, panel: Panel) -> None:
    """The board and the API answer the same numbers for the same region and month."""
    indicator = INDICATORS[panel.indicator]
    region = master().get(seeded.kabupaten.code) if "kabupaten" in panel.parameters else master().get("53")
    module = validity if indicator.method == "quality" else service
    answer = module.get(client=store, indicator=indicator, region=region, period=PERIOD)
    _, rows = _run(store, panel, seeded)
    assert answer.denominator > 0
    assert rows == [(pytest.approx(answer.value), answer.numerator, answer.denominator)]
