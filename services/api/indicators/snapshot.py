"""Short-lived snapshots of one indicator's counts per desa and month, so that the hot aggregate reads (a value at
any level, a breakdown, a series) are sums over arrays in memory instead of a FINAL query each.

Why: FINAL over `indicator_value` costs 15-100 ms per query while the parts a streaming writer leaves are not yet
merged, and chDB serialises the queries of one client; under 50 concurrent board clients that queue is the
latency (bench/api.py). One snapshot per indicator is one FINAL query (the same rows every other read sees),
grouped by (period, kabupaten, kecamatan, desa), reused for `SATUDATA_API__SNAPSHOT_SECONDS` (at most 5 s: the
boards refresh every 5 s and aggregates say `Cache-Control: max-age=5`, so no answer is older than a client may
already hold). 0 turns snapshots off: every read queries ClickHouse.

When a snapshot expires, the first request asks whether the indicator's rows changed (`fingerprint`: count and
latest `updated_at`, a few ms, no FINAL) and reloads only if they did; meanwhile other requests get the previous
snapshot (stale by at most that check or load), so a reload never holds up the other clients. Before an
indicator's first snapshot, requests wait for the one load under way instead of each querying. Only aggregates
come from here; nothing row-level is kept.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
from clickhouse_connect.driver import Client

from satudata.regions import Level, Region

TABLE: Final = "satudata.indicator_value"
Counts = tuple[int, int]
_COLUMN: Final[dict[Level, str]] = {"kabupaten_kota": "kab", "kecamatan": "kec", "desa_kelurahan": "desa"}


# Index keys are code * _MONTHS + month number: below 2**62 for codes below 2**50 (a desa code has 10 digits).
_MONTHS: Final = 1 << 12
_CODE_LIMIT: Final = 1 << 50


@dataclass(frozen=True, slots=True)
class _Index:
    """The rows of one level ordered by (code, month): one region's rows for a month, or for a span of months, are
    one run, found by two binary searches instead of comparing every row (a 24-month series cost ~1.5 ms so)."""

    keys: np.ndarray  # sorted
    rows: np.ndarray  # the row of each key

    @classmethod
    def of(cls, codes: np.ndarray, month_numbers: np.ndarray) -> _Index:
        codes = np.where(codes < _CODE_LIMIT, codes, 0).astype(np.int64)  # 0: no region has it
        keys = codes * _MONTHS + month_numbers
        rows = np.argsort(keys, kind="stable").astype(np.int32)
        return cls(keys[rows], rows)

    def run(self, code: int, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
        """The rows of `code` for month numbers first..last, and each one's month number (ascending)."""
        base = code * _MONTHS
        lo = int(np.searchsorted(self.keys, base + first, side="left"))
        hi = int(np.searchsorted(self.keys, base + last, side="right"))
        return self.rows[lo:hi], self.keys[lo:hi] - base


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One indicator's sums per (month, kabupaten, kecamatan, desa) row, sorted by month, and per level an index
    by (region code, month)."""

    mark: tuple[object, ...]  # what `fingerprint` said just before the load
    months: np.ndarray  # datetime64[D], sorted, one per row
    kab: np.ndarray  # codes as integers (digits only; anything else is 0, which no region has)
    kec: np.ndarray
    desa: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    month_list: np.ndarray  # the distinct months, sorted; a row's month number is its place here
    month_starts: np.ndarray  # the first row of each month, then the row count
    index: dict[str, _Index]  # per column of _COLUMN

    @classmethod
    def of(cls, mark: tuple[object, ...], columns: dict[str, np.ndarray]) -> Snapshot:
        month_list, numbers = np.unique(columns["months"], return_inverse=True)
        starts = np.searchsorted(columns["months"], month_list, side="left")
        index = {name: _Index.of(columns[name], numbers) for name in _COLUMN.values()}
        return cls(
            mark=mark, **columns, month_list=month_list, month_starts=np.append(starts, len(numbers)), index=index
        )

    def _rows(self, first: date, last: date) -> slice:
        lo = np.searchsorted(self.months, np.datetime64(first, "D"), side="left")
        hi = np.searchsorted(self.months, np.datetime64(last, "D"), side="right")
        return slice(int(lo), int(hi))

    def _inside(self, region: Region, rows: slice) -> np.ndarray | slice:
        if region.level not in _COLUMN:
            return slice(None)  # the province: every row (the table holds NTT only)
        return getattr(self, _COLUMN[region.level])[rows] == int(region.digits)

    def _numbers(self, first: date, last: date) -> tuple[int, int]:
        """The month numbers first..last span: [lo, hi)."""
        lo = np.searchsorted(self.month_list, np.datetime64(first, "D"), side="left")
        hi = np.searchsorted(self.month_list, np.datetime64(last, "D"), side="right")
        return int(lo), int(hi)

    def _run(self, region: Region, first: date, last: date) -> tuple[np.ndarray | slice, np.ndarray]:
        """The rows of `region` in the months first..last, and each one's month number, in month order."""
        lo, hi = self._numbers(first, last)
        if region.level not in _COLUMN:  # the province: every row of those months
            start, end = int(self.month_starts[lo]), int(self.month_starts[hi])
            return slice(start, end), np.repeat(np.arange(lo, hi), np.diff(self.month_starts[lo : hi + 1]))
        if hi <= lo:
            return slice(0, 0), np.empty(0, np.int64)
        return self.index[_COLUMN[region.level]].run(int(region.digits), lo, hi - 1)

    def counts(self, region: Region, month: date) -> Counts:
        rows, _ = self._run(region, month, month)
        return int(self.numerator[rows].sum()), int(self.denominator[rows].sum())

    def by(self, region: Region, month: date, level: Level) -> dict[str, Counts]:
        """Counts per region of `level` under `region`, keyed by its digits (uncounted regions absent)."""
        rows = self._rows(month, month)
        inside = self._inside(region, rows)
        return _grouped(getattr(self, _COLUMN[level])[rows][inside], self, rows, inside, key=lambda c: str(int(c)))

    def series(self, region: Region, first: date, last: date) -> dict[date, Counts]:
        rows, numbers = self._run(region, first, last)
        if not len(numbers):
            return {}
        # `numbers` ascend: each month's rows are one group, summed between its boundaries.
        starts = np.flatnonzero(np.diff(numbers, prepend=-1))
        numerator = np.add.reduceat(self.numerator[rows], starts)
        denominator = np.add.reduceat(self.denominator[rows], starts)
        months = self.month_list[numbers[starts]].astype(object)
        return {m: (int(n), int(d)) for m, n, d in zip(months, numerator, denominator, strict=True)}


def _grouped(keys: np.ndarray, snapshot: Snapshot, rows: slice, inside: np.ndarray | slice, key: Callable) -> dict:
    if not len(keys):
        return {}
    unique, index = np.unique(keys, return_inverse=True)
    numerator = np.bincount(index, weights=snapshot.numerator[rows][inside], minlength=len(unique))
    denominator = np.bincount(index, weights=snapshot.denominator[rows][inside], minlength=len(unique))
    # bincount sums in float64: exact for counts below 2**53, far above any population.
    return {key(u): (int(n), int(d)) for u, n, d in zip(unique, numerator, denominator, strict=True)}


def fingerprint(client: Client, indicator: str) -> tuple[object, ...]:
    """Changes whenever the indicator's rows do (a write adds rows with a later `updated_at`); a few ms, no FINAL."""
    sql = f"SELECT count(), max(updated_at) FROM {TABLE} WHERE indicator = {{indicator:String}}"
    return tuple(client.query(sql, parameters={"indicator": indicator}).result_rows[0])


def load(client: Client, indicator: str, mark: tuple[object, ...]) -> Snapshot:
    """The same rows every FINAL read sees, summed over feeds and partitions per desa and month."""
    table = client.query_arrow(
        "SELECT period, toUInt64OrZero(kabupaten_code) AS kab, toUInt64OrZero(kecamatan_code) AS kec, "
        "toUInt64OrZero(desa_code) AS desa, sum(numerator) AS n, sum(denominator) AS d "
        f"FROM {TABLE} FINAL WHERE indicator = {{indicator:String}} GROUP BY period, kab, kec, desa "
        "ORDER BY period, desa",
        parameters={"indicator": indicator},
    )

    def column(name: str) -> np.ndarray:
        return table.column(name).to_numpy(zero_copy_only=False)

    names = {"months": "period", "kab": "kab", "kec": "kec", "desa": "desa", "numerator": "n", "denominator": "d"}
    columns = {name: column(source) for name, source in names.items()}
    columns["months"] = columns["months"].astype("datetime64[D]")
    for name in ("numerator", "denominator"):
        columns[name] = columns[name].astype(np.int64)
    return Snapshot.of(mark, columns)


class Snapshots:
    """The snapshots of one app, per indicator; thread-safe (routes run in a thread pool)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._held: dict[str, tuple[float, Snapshot]] = {}
        self._loading: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def fresh(self, indicator: str) -> bool:
        """Whether `get` would answer from memory now, without asking ClickHouse anything."""
        return self.current(indicator) is not None

    def current(self, indicator: str) -> Snapshot | None:
        """The snapshot `get` would answer from now without asking ClickHouse, or None if `get` would ask first.
        A check that finds the rows unchanged keeps the same snapshot object; a reload makes a new one."""
        with self._lock:
            held = self._held.get(indicator)
            if held is not None and (self._clock() - held[0] < self.seconds or indicator in self._loading):
                return held[1]
            return None

    def get(self, client: Client, indicator: str) -> Snapshot:
        now = self._clock()
        with self._lock:
            held = self._held.get(indicator)
            if held is not None and (now - held[0] < self.seconds or indicator in self._loading):
                return held[1]
            in_flight = self._loading.get(indicator)
            if in_flight is None:
                self._loading[indicator] = threading.Event()
        if in_flight is not None:
            # Nothing held yet and a load under way: one query for all who ask at once, not one each.
            in_flight.wait()
            with self._lock:
                held = self._held.get(indicator)
            return held[1] if held is not None else self.get(client, indicator)  # that load failed: try ours
        try:
            mark = fingerprint(client, indicator)
            # Unchanged since it was loaded (no write since): good for another lifetime without the FINAL query.
            snapshot = held[1] if held is not None and held[1].mark == mark else load(client, indicator, mark)
            with self._lock:
                self._held[indicator] = (now, snapshot)
            return snapshot
        finally:
            with self._lock:
                self._loading.pop(indicator).set()
