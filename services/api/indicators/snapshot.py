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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One indicator's sums per (month, kabupaten, kecamatan, desa) row, sorted by month."""

    mark: tuple[object, ...]  # what `fingerprint` said just before the load
    months: np.ndarray  # datetime64[D], sorted, one per row
    kab: np.ndarray  # codes as integers (digits only; anything else is 0, which no region has)
    kec: np.ndarray
    desa: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray

    def _rows(self, first: date, last: date) -> slice:
        lo = np.searchsorted(self.months, np.datetime64(first, "D"), side="left")
        hi = np.searchsorted(self.months, np.datetime64(last, "D"), side="right")
        return slice(int(lo), int(hi))

    def _inside(self, region: Region, rows: slice) -> np.ndarray | slice:
        if region.level not in _COLUMN:
            return slice(None)  # the province: every row (the table holds NTT only)
        return getattr(self, _COLUMN[region.level])[rows] == int(region.digits)

    def counts(self, region: Region, month: date) -> Counts:
        rows = self._rows(month, month)
        inside = self._inside(region, rows)
        return int(self.numerator[rows][inside].sum()), int(self.denominator[rows][inside].sum())

    def by(self, region: Region, month: date, level: Level) -> dict[str, Counts]:
        """Counts per region of `level` under `region`, keyed by its digits (uncounted regions absent)."""
        rows = self._rows(month, month)
        inside = self._inside(region, rows)
        return _grouped(getattr(self, _COLUMN[level])[rows][inside], self, rows, inside, key=lambda c: str(int(c)))

    def series(self, region: Region, first: date, last: date) -> dict[date, Counts]:
        rows = self._rows(first, last)
        inside = self._inside(region, rows)
        return _grouped(self.months[rows][inside], self, rows, inside, key=lambda m: m.astype(object))


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

    return Snapshot(
        mark=mark,
        months=column("period").astype("datetime64[D]"),
        kab=column("kab"),
        kec=column("kec"),
        desa=column("desa"),
        numerator=column("n").astype(np.int64),
        denominator=column("d").astype(np.int64),
    )


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
        with self._lock:
            held = self._held.get(indicator)
            return held is not None and (self._clock() - held[0] < self.seconds or indicator in self._loading)

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
