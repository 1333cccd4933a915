"""Indicator answers, and the queries for the `stream` and `joined` methods: partial sums from `indicator_value`,
added over feeds, partitions and up the region hierarchy.

A region's value is sum(numerators) / sum(denominators) over every desa under it: a ratio is never averaged.
Rows are read with FINAL so that only the latest version of each (feed, partition) partial sum counts; no query
groups by feed or partition, so an indicator that two feeds write (weighing_coverage: child_measurement the
numerator, population the denominator) adds both. validity_rate (`quality`) is answered by `validity.py`, which
differs only in the SQL: both shape their answers with the `*_answer` functions here, from the counts as
`(numerator, denominator)` per key (region digits, group key or month), a key not counted standing for (0, 0).
With `snapshots` enabled the same sums come from a short-lived snapshot of the indicator (snapshot.py) instead
of a query each; a breakdown pages on region codes (`RegionPage`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Literal

from clickhouse_connect.driver import Client

from satudata.indicators import Indicator
from satudata.regions import Level, Region, RegionMaster
from services.api import cursor as cursors
from services.api import redact
from services.api.indicators import periods
from services.api.indicators.models import (
    GroupCount,
    IndicatorBreakdown,
    IndicatorGroupBreakdown,
    IndicatorSeries,
    IndicatorValue,
    PeriodCount,
    RegionCount,
)
from services.api.indicators.snapshot import Snapshots

TABLE: Final = "satudata.indicator_value"
# The column that holds a region's code at its level; the province has none because the table holds NTT only.
# Codes are stored as digits (see migration 001).
_COLUMN: Final[dict[Level, str]] = {
    "kabupaten_kota": "kabupaten_code",
    "kecamatan": "kecamatan_code",
    "desa_kelurahan": "desa_code",
}
Counts = tuple[int, int]
Group = Literal["feed", "source"]
_NOTHING: Final[Counts] = (0, 0)


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- answers, from counts -------------------------------------------------------------------------------------


def counted_rows(client: Client, sql: str, params: dict[str, Any]) -> dict[Any, Counts]:
    """The counts of a query whose rows are (key, numerator, denominator)."""
    return {key: (int(n), int(d)) for key, n, d in client.query(sql, parameters=params).result_rows}


def counted_row(client: Client, sql: str, params: dict[str, Any]) -> Counts:
    """The counts of a query whose one row is (numerator, denominator)."""
    numerator, denominator = client.query(sql, parameters=params).result_rows[0]
    return int(numerator), int(denominator)


def _numbers(counts: Counts) -> dict[str, Any]:
    numerator, denominator = counts
    return {"numerator": numerator, "denominator": denominator, "value": ratio(numerator, denominator)}


def _about(indicator: Indicator, region: Region) -> dict[str, Any]:
    return {"indicator": indicator.code, "region": region.code, "region_name": region.name, "level": region.level}


def value_answer(*, indicator: Indicator, region: Region, period: date, counts: Counts) -> IndicatorValue:
    return IndicatorValue(**_about(indicator, region), period=periods.format_period(period), **_numbers(counts))


def breakdown_answer(
    *,
    indicator: Indicator,
    region: Region,
    period: date,
    by: Level,
    page: RegionPage,
    counted: Mapping[str, Counts],
) -> IndicatorBreakdown:
    """The page's regions in code order, zero-filled where nothing was counted; `counted` is keyed by region
    digits."""
    items = [
        RegionCount(
            region=child.code,
            region_name=child.name,
            level=child.level,
            **_numbers(counted.get(child.digits, _NOTHING)),
        )
        for child in page.regions
    ]
    return IndicatorBreakdown(
        **_about(indicator, region),
        period=periods.format_period(period),
        by=by,
        items=items,
        limit=page.limit,
        next_cursor=page.next_cursor,
    )


def group_answer(
    *,
    indicator: Indicator,
    region: Region,
    period: date,
    by: Group,
    counted: Mapping[str, Counts],
    keys: Iterable[str],
) -> IndicatorGroupBreakdown:
    """One item per key, in the order given, zero-filled where nothing was counted; keys come from agencies and
    are scrubbed."""
    items = [GroupCount(key=redact.scrub_text(key), **_numbers(counted.get(key, _NOTHING))) for key in keys]
    return IndicatorGroupBreakdown(
        **_about(indicator, region), period=periods.format_period(period), by=by, items=items
    )


def series_answer(
    *, indicator: Indicator, region: Region, first: date, last: date, counted: Mapping[date, Counts]
) -> IndicatorSeries:
    """One item per month from first to last, zero-filled months included; `counted` is keyed by month."""
    items = [
        PeriodCount(period=periods.format_period(month), **_numbers(counted.get(month, _NOTHING)))
        for month in periods.months_between(first, last)
    ]
    return IndicatorSeries.model_validate(
        _about(indicator, region)
        | {"from": periods.format_period(first), "to": periods.format_period(last), "items": items}
    )


@dataclass(frozen=True, slots=True)
class RegionPage:
    """One page of a breakdown: regions in code order, keyset-paged on the last region's digits."""

    regions: Sequence[Region]
    limit: int
    next_cursor: str | None

    @classmethod
    def of(cls, master: RegionMaster, region: Region, level: Level, *, limit: int, cursor: str | None) -> RegionPage:
        after = cursors.decode(cursor, (str,))[0] if cursor else ""
        under = [r for r in regions_under(master, region, level) if r.digits > after]
        regions, next_cursor = cursors.take(under[: limit + 1], limit, lambda r: [r.digits])
        return cls(regions, limit, next_cursor)

    def clause(self, column: str) -> tuple[str, dict[str, str]]:
        """SQL limiting `column` to the page's span of codes (the page is contiguous in code order)."""
        if not self.regions:
            return "false", {}
        span = {"page_first": self.regions[0].digits, "page_last": self.regions[-1].digits}
        return f"{column} >= {{page_first:String}} AND {column} <= {{page_last:String}}", span


def regions_under(master: RegionMaster, region: Region, level: Level) -> list[Region]:
    """The regions of `level` inside `region`, in code order (the master keeps them sorted)."""
    every = {
        "kabupaten_kota": master.kabupaten,
        "kecamatan": master.kecamatan,
        "desa_kelurahan": master.desa,
    }[level]()
    return [r for r in every if r.digits.startswith(region.digits)]


# --- indicator_value (methods stream and joined) --------------------------------------------------------------


def _where(region: Region) -> str:
    clause = "indicator = {indicator:String}"
    if region.level in _COLUMN:
        clause += f" AND {_COLUMN[region.level]} = {{region:String}}"
    return clause


def get(
    *, client: Client, indicator: Indicator, region: Region, period: date, snapshots: Snapshots | None = None
) -> IndicatorValue:
    if snapshots is not None and snapshots.enabled:
        counts = snapshots.get(client, indicator.code).counts(region, period)
        return value_answer(indicator=indicator, region=region, period=period, counts=counts)
    sql = (
        f"SELECT sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period = {{period:Date}}"
    )
    params = {"indicator": indicator.code, "region": region.digits, "period": period}
    counts = counted_row(client, sql, params)
    return value_answer(indicator=indicator, region=region, period=period, counts=counts)


def breakdown(
    *,
    client: Client,
    master: RegionMaster,
    indicator: Indicator,
    region: Region,
    period: date,
    by: Level,
    limit: int,
    cursor: str | None,
    snapshots: Snapshots | None = None,
) -> IndicatorBreakdown:
    """A page of the regions of level `by` under `region`, in code order, zero-filled where nothing was counted."""
    page = RegionPage.of(master, region, by, limit=limit, cursor=cursor)
    if snapshots is not None and snapshots.enabled:
        counted = snapshots.get(client, indicator.code).by(region, period, by)
        return breakdown_answer(indicator=indicator, region=region, period=period, by=by, page=page, counted=counted)
    span, span_params = page.clause(_COLUMN[by])
    sql = (
        f"SELECT {_COLUMN[by]} AS code, sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period = {{period:Date}} AND {span} GROUP BY code"
    )
    params = {"indicator": indicator.code, "region": region.digits, "period": period, **span_params}
    counted = counted_rows(client, sql, params)
    return breakdown_answer(indicator=indicator, region=region, period=period, by=by, page=page, counted=counted)


def series(
    *,
    client: Client,
    indicator: Indicator,
    region: Region,
    first: date,
    last: date,
    snapshots: Snapshots | None = None,
) -> IndicatorSeries:
    """One item per month from first to last, zero-filled months included."""
    if snapshots is not None and snapshots.enabled:
        counted = snapshots.get(client, indicator.code).series(region, first, last)
        return series_answer(indicator=indicator, region=region, first=first, last=last, counted=counted)
    sql = (
        f"SELECT period, sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period >= {{first:Date}} AND period <= {{last:Date}} GROUP BY period"
    )
    params = {"indicator": indicator.code, "region": region.digits, "first": first, "last": last}
    counted = counted_rows(client, sql, params)
    return series_answer(indicator=indicator, region=region, first=first, last=last, counted=counted)
