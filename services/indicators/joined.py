"""The convergence job: reads the facts of the months that changed from ClickHouse, computes the target
children (convergence.py) and writes `convergence_target` and the `convergence_reach` sums.

It runs on the leader every `SATUDATA_INDICATORS__CONVERGENCE_INTERVAL_S` seconds. A month is recomputed whole
when a fact it depends on was stored since the last run (or a rebuild names it), and rewritten with a new
version, so a run that repeats another changes nothing; a child or desa that stops being a target is written
again as zero. The facts are exact (the stream decided which record counts), so this is exact too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

import polars as pl
from clickhouse_connect.driver import Client

from satudata.indicators import Methodology, shift_period
from satudata.logs import get_logger
from satudata.store import Store
from services.indicators import convergence, feeds
from services.indicators.convergence import Facts

log = get_logger(__name__)
INDICATOR: Final = "convergence_reach"
OWNER: Final = "convergence"  # indicator_value.feed of its rows
TARGET_TABLE: Final = "convergence_target"
# Facts stored this long before a run's start are certainly visible to it (inserts in flight when it starts).
OVERLAP: Final = timedelta(seconds=30)
_CHILD_COLUMNS: Final = (
    "subject_hash, period, desa_code, posyandu_id, measure_date, age_days, oedema, zlen, flen, zwei, fwei, zwfl, fwfl"
)


class Convergence:
    def __init__(self, reader: Client, writer: Store, methodology: Methodology) -> None:
        self.reader = reader
        self.writer = writer
        self.methodology = methodology
        self._since: datetime | None = None
        self._requested: set[date] = set()
        self._lock = threading.Lock()

    def request(self, first: date, last: date) -> None:
        """Recompute these months at the next run (a rebuild)."""
        month = first
        with self._lock:
            while month <= last:
                self._requested.add(month)
                month = shift_period(month, 1)

    def run(self, now: datetime | None = None) -> list[date]:
        """One run: the months recomputed."""
        now = now or datetime.now(UTC)
        with self._lock:
            months, self._requested = set(self._requested), set()
        try:
            months |= self.changed_months(self._since)
            months = {m for m in months if m <= now.date()}
            if months:
                self.write(sorted(months), now)
        except Exception:
            with self._lock:  # the next run takes them again, with whatever changed meanwhile
                self._requested |= months
            raise
        self._since = now - OVERLAP
        return sorted(months)

    def changed_months(self, since: datetime | None) -> set[date]:
        after = int((since or datetime(1970, 1, 1, tzinfo=UTC)).timestamp() * 1000)
        sql = """
            SELECT 'child_measurement' AS feed, groupUniqArray(period) FROM satudata.fact_child_measurement
            WHERE ingested_at >= fromUnixTimestamp64Milli({after:Int64}, 'UTC')
            UNION ALL
            SELECT feed, groupUniqArray(period) FROM satudata.fact_record
            WHERE feed IN ('family_risk', 'household_welfare', 'program_activity')
              AND ingested_at >= fromUnixTimestamp64Milli({after:Int64}, 'UTC')
            GROUP BY feed"""
        months: set[date] = set()
        for feed, periods in self.reader.query(sql, parameters={"after": after}).result_rows:
            months |= convergence.affected_months(periods, feed)
        return months

    def facts(self, months: Iterable[date]) -> Facts:
        months = sorted(months)
        first = convergence.months_back(months[0], convergence.FAMILY_MONTHS)
        last = months[-1]
        bounds = {"first": first, "last": last}
        children = self._frame(
            f"SELECT {_CHILD_COLUMNS} FROM satudata.fact_child_measurement FINAL "
            "WHERE period BETWEEN {first:Date} AND {last:Date}",
            bounds,
        )
        return Facts(
            children=children.with_columns(pl.col("oedema").cast(pl.Boolean)),
            families=self._records("family_risk", bounds),
            households=self._records("household_welfare", bounds),
            activities=self._records("program_activity", bounds),
        )

    def _records(self, feed: str, bounds: dict[str, Any]) -> pl.DataFrame:
        frame = self._frame(
            "SELECT subject_hash, period, desa_code, record_date, record_values, persons, kk_hash "
            "FROM satudata.fact_record FINAL "
            "WHERE feed = {feed:String} AND period BETWEEN {first:Date} AND {last:Date}",
            {**bounds, "feed": feed},
        )
        types = feeds.values_schema(feed)
        values = frame["record_values"].str.json_decode(pl.Struct(types)) if frame.height else None
        if values is None:
            return frame.drop("record_values").with_columns(pl.lit(None, dtype=t).alias(n) for n, t in types.items())
        return frame.drop("record_values").hstack(values.struct.unnest())

    def _frame(self, sql: str, parameters: dict[str, Any]) -> pl.DataFrame:
        # Arrow keeps the column types of an empty answer, which the joins need.
        frame = pl.from_arrow(self.reader.query_arrow(sql, parameters=parameters))
        assert isinstance(frame, pl.DataFrame)
        return frame

    def write(self, months: list[date], now: datetime) -> None:
        found = convergence.targets(self.facts(months), months, self.methodology)
        version = int(now.timestamp() * 1_000_000)
        rows = self._with_gone(found, months)
        kecamatan, kabupaten = feeds.region_codes(rows["desa_code"])
        self.writer.add(
            TARGET_TABLE,
            rows.with_columns(
                kecamatan.alias("kecamatan_code"),
                kabupaten.alias("kabupaten_code"),
                pl.lit(version).cast(pl.UInt64).alias("version"),
                pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("updated_at"),
            ),
        )
        self.writer.add(feeds.SUM_TABLE, self._sums(rows, version, now))
        self.writer.flush()
        log.info("convergence computed", months=len(months), targets=int(rows["target"].sum()))

    def _with_gone(self, found: pl.DataFrame, months: list[date]) -> pl.DataFrame:
        """The targets found, and a zero row for each child × desa that was a target of these months before."""
        rows = found.with_columns(pl.lit(1, dtype=pl.UInt8).alias("target")) if found.height else _empty_targets()
        before = self._frame(
            f"SELECT period, child_hash, desa_code FROM satudata.{TARGET_TABLE} FINAL "
            "WHERE target = 1 AND has({months:Array(Date)}, period)",
            {"months": months},
        )
        if before.height == 0:
            return rows
        gone = before.join(rows, on=["period", "child_hash", "desa_code"], how="anti")
        zeros = gone.with_columns(
            *(pl.lit(0, dtype=pl.UInt8).alias(n) for n in ("stunted", "family_at_risk", "extreme_poor", "reached")),
            pl.lit("").alias("kk_hash"),
            pl.lit("").alias("posyandu_id"),
            pl.lit(None, dtype=pl.Date).alias("last_measure_date"),
            pl.lit(None, dtype=pl.Date).alias("last_intervention_date"),
            pl.lit(0, dtype=pl.UInt8).alias("target"),
        )
        return pl.concat([rows, zeros.select(rows.columns)], how="vertical_relaxed")

    def _sums(self, rows: pl.DataFrame, version: int, now: datetime) -> pl.DataFrame:
        per_desa = rows.group_by("period", "desa_code").agg(
            (pl.col("target").cast(pl.Int64) * pl.col("reached").cast(pl.Int64)).sum().alias("numerator"),
            pl.col("target").cast(pl.Int64).sum().alias("denominator"),
        )
        kecamatan, kabupaten = feeds.region_codes(per_desa["desa_code"])
        return per_desa.with_columns(
            pl.lit(INDICATOR).alias("indicator"),
            kecamatan.alias("kecamatan_code"),
            kabupaten.alias("kabupaten_code"),
            pl.lit(OWNER).alias("feed"),
            pl.lit(0, dtype=pl.UInt16).alias("partition"),
            pl.lit(version).cast(pl.UInt64).alias("version"),
            pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("updated_at"),
        ).select(feeds.SUM_COLUMNS)


def _empty_targets() -> pl.DataFrame:
    schema: dict[str, Any] = {
        "period": pl.Date,
        "child_hash": pl.String,
        "desa_code": pl.String,
        **{n: pl.UInt8 for n in ("stunted", "family_at_risk", "extreme_poor", "reached")},
        "kk_hash": pl.String,
        "posyandu_id": pl.String,
        "last_measure_date": pl.Date,
        "last_intervention_date": pl.Date,
        "target": pl.UInt8,
    }
    return pl.DataFrame(schema=schema)
