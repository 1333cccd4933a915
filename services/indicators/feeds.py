"""What the indicators service needs from each feed it counts, and the rows every feed shares.

A feed is counted by a `FeedCounting`: how its clean messages become an enriched frame, the counting records
of that frame, and its fact rows. Everything else (exact counting, tables, changelogs, ClickHouse sums, the
agent) is the same for every feed, so counting another feed adds a module like child_measurement.py and one
entry where the agents are registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

import polars as pl

from satudata.regions import master
from services.indicators.counting import Record, SumKey, Sums

SUM_TABLE = "indicator_value"
SUM_COLUMNS = (
    *("indicator", "period", "desa_code", "kecamatan_code", "kabupaten_code", "partition"),
    *("numerator", "denominator", "version", "updated_at"),
)


class Message(NamedTuple):
    partition: int
    offset: int
    value: bytes | None


@dataclass(frozen=True)
class FeedCounting:
    feed: str
    fact_table: str
    # messages → decoded frame, and decoded frame + HMAC secret → enriched frame (subject hashed, contributions)
    decode: Callable[[Sequence[Message]], pl.DataFrame]
    enrich: Callable[[pl.DataFrame, str], pl.DataFrame]
    # enriched frame → one counting record per row, and the fact rows of the records that now count
    records: Callable[[pl.DataFrame], list[Record]]
    fact_rows: Callable[[pl.DataFrame, Iterable[Record], datetime], pl.DataFrame]


def region_codes(desa: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Kecamatan and kabupaten codes (digits) of desa codes."""
    # A Kemendagri code holds its parents, so an unknown desa (the contracts refuse those) still rolls up.
    regions = master()
    kecamatan = regions.kecamatan_of(desa).fill_null(desa.str.slice(0, 6))
    kabupaten = regions.kabupaten_of(desa).fill_null(desa.str.slice(0, 4))
    return kecamatan, kabupaten


def sum_rows(sums: Mapping[SumKey, Sums], now: datetime) -> pl.DataFrame:
    """indicator_value rows, one per changed partition × indicator × desa × period."""
    keys = list(sums)
    desa = pl.Series("desa_code", [key[2] for key in keys], dtype=pl.String)
    kecamatan, kabupaten = region_codes(desa)
    return pl.DataFrame(
        {
            "indicator": [key[1] for key in keys],
            "period": [date.fromisoformat(key[3]) for key in keys],
            "desa_code": desa,
            "kecamatan_code": kecamatan,
            "kabupaten_code": kabupaten,
            "partition": pl.Series([key[0] for key in keys], dtype=pl.UInt16),
            "numerator": pl.Series([s.numerator for s in sums.values()], dtype=pl.Int64),
            "denominator": pl.Series([s.denominator for s in sums.values()], dtype=pl.Int64),
            "version": pl.Series([s.version for s in sums.values()], dtype=pl.UInt64),
            "updated_at": pl.Series([now] * len(keys), dtype=pl.Datetime("us", "UTC")),
        },
        schema_overrides={"period": pl.Date},
    )
