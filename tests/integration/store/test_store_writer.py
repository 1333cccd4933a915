"""The batching writer on the real engine: one insert per table, FINAL keeps the highest version, and rows
that could not be written stay pending."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest
from clickhouse_connect.driver import Client

from satudata.store import Writer

pytestmark = pytest.mark.integration

VALUE_COLUMNS = [
    "indicator",
    "period",
    "desa_code",
    "kecamatan_code",
    "kabupaten_code",
    "feed",
    "partition",
    "numerator",
    "denominator",
    "version",
    "updated_at",
]
MARCH = date(2025, 3, 1)


def _value(desa: str, partition: int, numerator: int, denominator: int, version: int) -> tuple[object, ...]:
    return (
        "stunting_prevalence",
        MARCH,
        desa,
        desa[:6],
        desa[:4],
        "child_measurement",
        partition,
        numerator,
        denominator,
        version,
        datetime.now(UTC),
    )


def _parts(client: Client, table: str) -> int:
    return client.command(
        "SELECT count() FROM system.parts WHERE database = 'satudata' AND table = {t:String} AND active",
        parameters={"t": table},
    )


def _sums(client: Client, final: bool) -> tuple[int, int, int]:
    final_clause = "FINAL" if final else ""
    sql = f"SELECT count(), sum(numerator), sum(denominator) FROM satudata.indicator_value {final_clause}"
    return tuple(int(v) for v in client.query(sql).result_rows[0])  # type: ignore[return-value]


def test_flush_inserts_each_table_once_and_final_keeps_the_latest_version(store: Client) -> None:
    writer = Writer(store)
    writer.add(
        "indicator_value",
        [_value("5301042003", 0, 3, 10, 1), _value("5301042003", 1, 2, 5, 1)],
        VALUE_COLUMNS,
    )
    writer.add(
        "indicator_value",
        pl.DataFrame([_value("5301042004", 0, 1, 4, 1)], schema=VALUE_COLUMNS, orient="row"),
    )
    writer.add(
        "satudata.record_outcome",
        [("child_measurement", "e1", "clean", datetime.now(UTC), 1)],
        ["feed", "event_id", "outcome", "received_at", "version"],
    )
    assert writer.pending_rows == 4
    before = _parts(store, "indicator_value")

    assert writer.flush() == {"satudata.indicator_value": 3, "satudata.record_outcome": 1}
    assert writer.pending_rows == 0
    assert _parts(store, "indicator_value") == before + 1  # three rows, one insert

    # A later version of one partial sum replaces it; FINAL sees only the latest.
    writer.add("indicator_value", [_value("5301042003", 0, 5, 12, 2)], VALUE_COLUMNS)
    writer.flush()
    assert _sums(store, final=True) == (3, 5 + 2 + 1, 12 + 5 + 4)
    assert _sums(store, final=False)[0] == 4  # both versions are still stored until a merge


def test_rows_without_column_names_follow_the_table_order(store: Client) -> None:
    writer = Writer(store)
    writer.add("indicator_value", [_value("5301042003", 0, 1, 2, 1)])
    assert writer.flush() == {"satudata.indicator_value": 1}
    assert _sums(store, final=True) == (1, 1, 2)


def test_a_failed_flush_keeps_the_rows_it_could_not_write(store: Client) -> None:
    writer = Writer(store)
    writer.add("indicator_value", [_value("5301042003", 0, 1, 2, 1)], VALUE_COLUMNS)
    writer.add("no_such_table", [(1,)], ["x"])
    with pytest.raises(Exception, match="no_such_table"):
        writer.flush()
    assert _sums(store, final=True) == (1, 1, 2)  # the table reached before the failure was written
    assert writer.pending_rows == 1
    writer.add("no_such_table", [(2,)], ["x"])
    assert writer.pending_rows == 2
    with pytest.raises(Exception, match="no_such_table"):
        writer.flush()
    assert writer.pending_rows == 2


def test_an_empty_flush_does_nothing(store: Client) -> None:
    writer = Writer(store)
    writer.add("indicator_value", [], VALUE_COLUMNS)
    assert writer.flush() == {}


class _GatedClient:
    """The real client, whose inserts wait at a gate: to hold one flush in the middle of its insert."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self.inserting = threading.Event()
        self.gate = threading.Event()

    def insert(self, *args: Any, **kwargs: Any) -> Any:
        self.inserting.set()
        assert self.gate.wait(30)
        return self._client.insert(*args, **kwargs)


def test_a_flush_returns_only_once_its_rows_are_written_even_by_another_flush(store: Client) -> None:
    gated = _GatedClient(store)
    writer = Writer(gated)  # type: ignore[arg-type]
    writer.add("indicator_value", [_value("5301042003", 0, 1, 2, 1)], VALUE_COLUMNS)  # one agent's rows
    writer.add("indicator_value", [_value("5301042004", 0, 3, 4, 1)], VALUE_COLUMNS)  # another agent's rows
    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(writer.flush)  # the first agent's flush takes both and waits mid-insert
        assert gated.inserting.wait(30)
        second = pool.submit(writer.flush)  # the second agent's: nothing left pending, yet its rows are not written
        with pytest.raises(FuturesTimeout):
            second.result(timeout=0.5)  # so it waits for the first flush instead of returning
        gated.gate.set()
        first.result(30)
        second.result(30)
    assert _sums(store, final=True) == (2, 4, 6)


def test_one_flush_writes_years_of_monthly_partitions(store: Client) -> None:
    # A rebuild or the convergence job over 12.5 years of history writes 150 monthly partitions in one insert,
    # beyond ClickHouse's default guard of 100 (which would fail every retry of the flush).
    months = [date(2010 + i // 12, i % 12 + 1, 1) for i in range(150)]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        (m, f"child-{i}", "5301042003", "530104", "5301", 1, 1, 0, 0, 0, "", "", None, None, 1, now)
        for i, m in enumerate(months)
    ]
    writer = Writer(store)
    writer.add("convergence_target", rows)
    assert writer.flush() == {"satudata.convergence_target": 150}
    stored = store.query("SELECT count(), uniqExact(toYYYYMM(period)) FROM satudata.convergence_target").result_rows
    assert stored == [(150, 150)]
