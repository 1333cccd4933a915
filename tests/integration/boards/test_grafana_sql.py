"""The SQL Grafana runs, on chDB: each panel converted for Grafana, with its variables and the ClickHouse
plugin's macros expanded the way the plugin expands them (`$__fromTime` → `toDateTime(<epoch s>)`), answers the
same rows as the panel with bound parameters; the `period` variable's query and the alert rules' queries run."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver import Client

from satudata.boards import BOARDS, Panel
from satudata.boards.grafana import PERIOD_QUERY, grafana_sql
from satudata.boards.grafana_provisioning import alert_rules
from tests.integration.boards.seed import AT, MONTHS, PERIOD, Seeded, seed

pytestmark = pytest.mark.integration

PANELS = [(board.uid, panel) for board in BOARDS.values() for panel in board.panels]
# the time picker from the first month of the series to a day inside the last one
FROM = datetime(MONTHS[0].year, MONTHS[0].month, 1, tzinfo=UTC)
TO = datetime(PERIOD.year, PERIOD.month, 20, tzinfo=UTC)


@pytest.fixture
def seeded(store: Client) -> Seeded:
    return seed(store)


def _epoch(moment: datetime) -> str:
    return f"toDateTime({int(moment.timestamp())})"


def expand(sql: str, kabupaten: str, *, start: datetime = FROM, end: datetime = TO) -> str:
    """What Grafana and the plugin send to ClickHouse for this SQL."""
    sql = sql.replace("${kabupaten}", kabupaten).replace("${period}", PERIOD.isoformat())
    sql = re.sub(r"\$__timeFilter\((\w+)\)", lambda m: f"{m[1]} >= {_epoch(start)} AND {m[1]} <= {_epoch(end)}", sql)
    return sql.replace("$__fromTime", _epoch(start)).replace("$__toTime", _epoch(end))


@pytest.mark.parametrize(("uid", "panel"), PANELS, ids=[f"{u}:{p.id}" for u, p in PANELS])
def test_grafana_sql_answers_what_the_bound_panel_answers(
    store: Client, seeded: Seeded, uid: str, panel: Panel
) -> None:
    values = {"kabupaten": seeded.kabupaten.digits, "period": PERIOD, "period_from": MONTHS[0], "period_to": PERIOD}
    bound = store.query(panel.sql, parameters={name: values[name] for name in panel.parameters})
    grafana = store.query(expand(grafana_sql(panel.sql), seeded.kabupaten.digits))
    assert bound.result_rows, f"{uid}:{panel.id} has no rows to compare"
    assert list(grafana.column_names) == [c.name for c in panel.columns]
    assert grafana.result_rows == bound.result_rows


def test_period_variable_offers_the_counted_months_and_this_one(store: Client, seeded: Seeded) -> None:
    months = [row[0] for row in store.query(PERIOD_QUERY).result_rows]
    assert {m.isoformat() for m in MONTHS} <= set(months)
    assert months == sorted(months, reverse=True) and len(months) == len(set(months))


def test_alert_rule_queries_find_the_alerts_and_the_low_validity(store: Client, seeded: Seeded) -> None:
    raised, validity = (rule["data"][0]["model"]["rawSql"] for rule in alert_rules(0.9, 20))
    window = {"start": AT - timedelta(minutes=1), "end": AT + timedelta(minutes=4)}
    assert store.query(expand(raised, "", **window)).result_rows == [("validity", 3.0)]
    rows = store.query(expand(validity, "", start=AT - timedelta(hours=1), end=AT + timedelta(minutes=1))).result_rows
    outcomes = store.query(
        "SELECT source, countIf(outcome = 'clean') / count() FROM satudata.record_outcome FINAL "
        "WHERE received_at = {at:DateTime64(3, 'UTC')} GROUP BY source HAVING count() >= 20 ORDER BY source",
        parameters={"at": AT},
    ).result_rows
    assert rows and sorted(rows) == outcomes
