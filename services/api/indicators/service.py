"""Indicator queries for the `stream` and `joined` methods: partial sums from `indicator_value`, added over feeds,
partitions and up the region hierarchy.

A region's value is sum(numerators) / sum(denominators) over every desa under it: a ratio is never averaged.
Rows are read with FINAL so that only the latest version of each (feed, partition) partial sum counts; no query
groups by feed or partition, so an indicator that two feeds write (weighing_coverage: child_measurement the
numerator, population the denominator) adds both. validity_rate (`quality`) is answered by `validity.py`.
"""

from __future__ import annotations

from datetime import date
from typing import Final

from clickhouse_connect.driver import Client

from satudata.indicators import Indicator
from satudata.regions import Level, Region, RegionMaster
from services.api.indicators import periods
from services.api.indicators.models import (
    IndicatorBreakdown,
    IndicatorSeries,
    IndicatorValue,
    PeriodCount,
    RegionCount,
)

TABLE: Final = "satudata.indicator_value"
# The column that holds a region's code at its level; the province has none because the table holds NTT only.
# Codes are stored as digits (see migration 001).
_COLUMN: Final[dict[Level, str]] = {
    "kabupaten_kota": "kabupaten_code",
    "kecamatan": "kecamatan_code",
    "desa_kelurahan": "desa_code",
}


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _where(region: Region) -> str:
    clause = "indicator = {indicator:String}"
    if region.level in _COLUMN:
        clause += f" AND {_COLUMN[region.level]} = {{region:String}}"
    return clause


def get(*, client: Client, indicator: Indicator, region: Region, period: date) -> IndicatorValue:
    sql = (
        f"SELECT sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period = {{period:Date}}"
    )
    params = {"indicator": indicator.code, "region": region.digits, "period": period}
    numerator, denominator = (int(v) for v in client.query(sql, parameters=params).result_rows[0])
    return IndicatorValue(
        indicator=indicator.code,
        region=region.code,
        region_name=region.name,
        level=region.level,
        period=periods.format_period(period),
        numerator=numerator,
        denominator=denominator,
        value=ratio(numerator, denominator),
    )


def breakdown(
    *,
    client: Client,
    master: RegionMaster,
    indicator: Indicator,
    region: Region,
    period: date,
    by: Level,
) -> IndicatorBreakdown:
    """Every region of level `by` under `region`, in code order, zero-filled where nothing was counted."""
    sql = (
        f"SELECT {_COLUMN[by]} AS code, sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period = {{period:Date}} GROUP BY code"
    )
    params = {"indicator": indicator.code, "region": region.digits, "period": period}
    counted = {code: (int(n), int(d)) for code, n, d in client.query(sql, parameters=params).result_rows}
    items = []
    for child in regions_under(master, region, by):
        numerator, denominator = counted.get(child.digits, (0, 0))
        items.append(
            RegionCount(
                region=child.code,
                region_name=child.name,
                level=child.level,
                numerator=numerator,
                denominator=denominator,
                value=ratio(numerator, denominator),
            )
        )
    return IndicatorBreakdown(
        indicator=indicator.code,
        region=region.code,
        region_name=region.name,
        level=region.level,
        period=periods.format_period(period),
        by=by,
        items=items,
    )


def series(*, client: Client, indicator: Indicator, region: Region, first: date, last: date) -> IndicatorSeries:
    """One item per month from first to last, zero-filled months included."""
    sql = (
        f"SELECT period, sum(numerator), sum(denominator) FROM {TABLE} FINAL "
        f"WHERE {_where(region)} AND period >= {{first:Date}} AND period <= {{last:Date}} GROUP BY period"
    )
    params = {"indicator": indicator.code, "region": region.digits, "first": first, "last": last}
    counted = {p: (int(n), int(d)) for p, n, d in client.query(sql, parameters=params).result_rows}
    items = []
    for month in periods.months_between(first, last):
        numerator, denominator = counted.get(month, (0, 0))
        items.append(
            PeriodCount(
                period=periods.format_period(month),
                numerator=numerator,
                denominator=denominator,
                value=ratio(numerator, denominator),
            )
        )
    return IndicatorSeries.model_validate(
        {
            "indicator": indicator.code,
            "region": region.code,
            "region_name": region.name,
            "level": region.level,
            "from": periods.format_period(first),
            "to": periods.format_period(last),
            "items": items,
        }
    )


def regions_under(master: RegionMaster, region: Region, level: Level) -> list[Region]:
    """The regions of `level` inside `region`, in code order (the master keeps them sorted)."""
    every = {
        "kabupaten_kota": master.kabupaten,
        "kecamatan": master.kecamatan,
        "desa_kelurahan": master.desa,
    }[level]()
    return [r for r in every if r.digits.startswith(region.digits)]
