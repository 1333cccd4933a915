"""The write port (`Store`) and its ClickHouse implementation: rows collected per table, one insert per table.

When to flush (size, time, before committing Kafka offsets) is the caller's decision; the writer only makes
sure a flush is one insert per table and that rows that were not inserted stay pending, never dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Final, Protocol

import polars as pl
from clickhouse_connect.driver import Client

from satudata.store.connection import DATABASE

Rows = list[tuple[Any, ...]] | pl.DataFrame
# Rows are grouped by table and column list: a caller that always names the same columns gets one insert
# per table; one that mixes column lists still loses nothing.
_Key = tuple[str, tuple[str, ...] | None]


class Store(Protocol):
    """What a service needs to persist rows. Unit tests of service logic may fake it; store tests use
    the real engine."""

    def add(self, table: str, rows: Rows, column_names: Sequence[str] | None = None) -> None: ...

    def flush(self) -> dict[str, int]: ...


class Writer:
    """Collects rows per table and inserts each table's rows in one insert on flush().

    Tuples follow `column_names`, or the table's own column order when none are given; a polars DataFrame
    brings its column names. A table name without a database means the `satudata` database.
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._pending: dict[_Key, list[tuple[Any, ...]]] = {}
        # add() may run on the event loop while flush() runs in a worker thread.
        self._lock = threading.Lock()
        # One flush at a time: a flush that finds its rows taken by another one still inserting must wait for that
        # insert, or its caller would acknowledge rows not yet written (seen: a SIGKILL then lost them).
        self._flushing = threading.Lock()

    @property
    def pending_rows(self) -> int:
        with self._lock:
            return sum(len(rows) for rows in self._pending.values())

    def add(self, table: str, rows: Rows, column_names: Sequence[str] | None = None) -> None:
        if isinstance(rows, pl.DataFrame):
            column_names, rows = rows.columns, rows.rows()
        if not rows:
            return
        key = (qualified(table), tuple(column_names) if column_names is not None else None)
        with self._lock:
            self._pending.setdefault(key, []).extend(rows)

    def flush(self) -> dict[str, int]:
        """Insert what is pending; return rows inserted per table.

        If an insert fails, its rows and those not reached yet stay pending for the next flush, ahead of rows
        added meanwhile, and the error propagates: the caller must not commit what was not written. When it returns,
        every row added before the call is written, whichever flush wrote it.
        """
        with self._flushing:
            return self._flush()

    def _flush(self) -> dict[str, int]:
        with self._lock:
            batch, self._pending = self._pending, {}
        inserted: dict[str, int] = {}
        try:
            for key, rows in list(batch.items()):
                table, columns = key
                self._client.insert(
                    table, rows, column_names=None if columns is None else list(columns), settings=_INSERT_SETTINGS
                )
                inserted[table] = inserted.get(table, 0) + len(rows)
                del batch[key]
        finally:
            if batch:
                with self._lock:
                    for key, newer in self._pending.items():
                        batch.setdefault(key, []).extend(newer)
                    self._pending = batch
        return inserted


# The fact tables are partitioned by month, so a backfill, a rebuild or the convergence job over years of history
# legitimately writes more than ClickHouse's default guard of 100 partitions in one insert; with the guard, such a
# flush would fail on every retry and the service would stall on its data.
_INSERT_SETTINGS: Final = {"max_partitions_per_insert_block": 0}


def qualified(table: str) -> str:
    return table if "." in table else f"{DATABASE}.{table}"
