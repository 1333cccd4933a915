"""The alert counts as ClickHouse computes them (metrics.py over record_outcome and conflicts in chDB), judged by
the pure rules: a synthetic month of outcomes where one source per kind misbehaves and a steady one does not.
Also the per feed × source × rule × hour counts the scorecard mirrors."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from clickhouse_connect.driver import Client

from satudata.store import Writer
from services.quality import metrics
from services.quality.alerts import Thresholds
from services.quality.rows import CONFLICT_COLUMNS, OUTCOME_COLUMNS
from services.quality.watch import Watcher

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 12, 2, 30, tzinfo=UTC)
FEED = "child_measurement"


def outcome(source: str, n: int, at: datetime, *, errors: tuple[str, ...] = ()) -> tuple[object, ...]:
    return (
        FEED,
        f"{source}-{n}",
        source,
        source.split("/")[0],
        f"R-{source}-{n}",
        "5301042003",
        "5301",
        "quarantined" if errors else "clean",
        list(errors),
        [],
        at.date(),
        at,
        0,
        1,
    )


def synthetic(source: str, *, days: int = 35, per_day: int = 20, skip_recent_days: int = 0) -> list[tuple]:
    rows = []
    for day in range(skip_recent_days, days):
        for i in range(per_day):
            rows.append(outcome(source, day * 1000 + i, NOW - timedelta(days=day, minutes=5 + i)))
    return rows


async def nowhere(records: object) -> None:
    """candidates() only reads; nothing is delivered in this test."""


def test_each_misbehaving_source_raises_its_own_alert(store: Client) -> None:
    rows = synthetic("dinkes/steady") + synthetic("dinkes/drop", skip_recent_days=7)
    rows += [outcome("dinkes/drop", 99_999, NOW - timedelta(hours=3))]  # a trickle this week
    rows += synthetic("dinkes/sloppy", days=8)
    rows += [
        outcome("dinkes/sloppy", 50_000 + i, NOW - timedelta(minutes=i + 1), errors=("sex_unknown",)) for i in range(30)
    ]
    store.insert("satudata.record_outcome", rows, column_names=list(OUTCOME_COLUMNS))
    conflicts = [
        (f"c{i}", "h", "birth_date", FEED, "dinkes/steady", "R1", "2024-01-10", "bride_screening",
         "bkkbn/elsimil", f"B{i}", "2024-01-11", "5301", NOW - timedelta(minutes=i + 1), 1)
        for i in range(6)
    ]  # fmt: skip
    store.insert("satudata.conflicts", conflicts, column_names=list(CONFLICT_COLUMNS))

    watcher = Watcher(reader=store, store=Writer(store), produce=nowhere, reported=None, thresholds=Thresholds())
    found = watcher.candidates(NOW)
    kinds: dict[str, set[str]] = defaultdict(set)
    for alert in found:
        kinds[alert.source].add(alert.kind)
    assert dict(kinds) == {
        "dinkes/sloppy": {"validity", "rule_new_failure"},
        "dinkes/drop": {"volume_drop"},
        "bkkbn/elsimil": {"conflict_burst"},
    }
    rule = next(a for a in found if a.kind == "rule_new_failure")
    assert rule.rule == "sex_unknown" and rule.example_record_id.startswith("R-dinkes/sloppy-5")
    burst = next(a for a in found if a.kind == "conflict_burst")
    assert burst.value == 6 and burst.feed == "bride_screening"


def test_hourly_counts_per_source_and_rule(store: Client) -> None:
    at = NOW - timedelta(minutes=10)
    rows = [outcome("dinkes/a", i, at) for i in range(3)]
    rows += [outcome("dinkes/a", 10 + i, at, errors=("sex_unknown", "weight_kg_out_of_range")) for i in range(2)]
    store.insert("satudata.record_outcome", rows, column_names=list(OUTCOME_COLUMNS))
    hour = NOW.replace(minute=0)
    (source_row,) = metrics.source_hour_counts(store, NOW - timedelta(hours=2), NOW)
    assert source_row[:2] == (FEED, "dinkes/a") and source_row[3:] == (5, 3, 2, 0)
    assert source_row[2].replace(tzinfo=UTC) == hour
    by_rule = {(r[3], r[4]): r[5] for r in metrics.rule_hour_counts(store, NOW - timedelta(hours=2), NOW)}
    assert by_rule == {("sex_unknown", "error"): 2, ("weight_kg_out_of_range", "error"): 2}
