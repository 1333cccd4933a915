"""Two years of `indicator_value` for every NTT desa and every stream indicator, as the indicators service writes
it: one row per (indicator, month, desa, feed, partition), inserted month by month (one part each, as a streaming
writer leaves them), with a share of rows written again later with a higher version (corrections), so that
queries must read FINAL over parts that are not merged.

Used by bench/api.py; numbers are synthetic (numerator ~ Binomial(denominator, p) with p per indicator).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
from clickhouse_connect.driver import Client

from satudata.indicators import INDICATORS, shift_period
from satudata.regions import master
from satudata.store import migrate

TABLE = "satudata.indicator_value"


@dataclass(frozen=True)
class Loaded:
    rows: int
    corrections: int
    desa: int
    indicators: tuple[str, ...]
    months: tuple[date, ...]
    seconds: float


def stream_indicators() -> tuple[str, ...]:
    return tuple(code for code, i in INDICATORS.items() if i.method == "stream")


def _month_rows(
    rng: np.random.Generator, month: date, desa: np.ndarray, indicators: tuple[str, ...], partitions: int
) -> pa.Table:
    per_indicator = len(desa) * partitions
    n = per_indicator * len(indicators)
    codes = np.tile(np.repeat(desa, partitions), len(indicators))
    denominator = rng.poisson(6, n).astype(np.int64)
    share = np.repeat(rng.uniform(0.05, 0.4, len(indicators)), per_indicator)
    numerator = rng.binomial(denominator, share).astype(np.int64)
    now = datetime.now(UTC)
    return pa.table(
        {
            "indicator": np.repeat(np.array(indicators), per_indicator),
            "period": pa.array([month] * n, pa.date32()),
            "desa_code": codes,
            "kecamatan_code": np.array([c[:6] for c in codes]),
            "kabupaten_code": np.array([c[:4] for c in codes]),
            "feed": np.full(n, "child_measurement"),
            "partition": np.tile(np.arange(partitions, dtype=np.uint16), n // partitions),
            "numerator": numerator,
            "denominator": denominator,
            "version": np.full(n, 1, dtype=np.uint64),
            "updated_at": pa.array([now] * n, pa.timestamp("ms", tz="UTC")),
        }
    )


def load(client: Client, *, months: int, last: date, partitions: int, corrections: float, seed: int) -> Loaded:
    """Migrate and fill; `corrections` is the share of each month's rows written again with version 2."""
    start = time.perf_counter()
    migrate(client)
    client.command(f"TRUNCATE TABLE IF EXISTS {TABLE}")
    rng = np.random.default_rng(seed)
    desa = np.array([d.digits for d in master().desa()])
    indicators = stream_indicators()
    periods = tuple(shift_period(last, k - months + 1) for k in range(months))
    rows = corrected = 0
    for month in periods:
        table = _month_rows(rng, month, desa, indicators, partitions)
        client.insert_arrow(TABLE, table)
        rows += table.num_rows
    for month in periods:
        # Corrections come later than the month's first write: other parts, unmerged, that only FINAL resolves.
        table = _month_rows(rng, month, desa, indicators, partitions)
        picked = table.filter(pa.array(rng.random(table.num_rows) < corrections))
        picked = picked.set_column(
            picked.schema.get_field_index("version"), "version", pa.array(np.full(picked.num_rows, 2, np.uint64))
        )
        client.insert_arrow(TABLE, picked)
        corrected += picked.num_rows
    return Loaded(rows, corrected, len(desa), indicators, periods, time.perf_counter() - start)
