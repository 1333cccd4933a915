"""validity_rate, the one `quality` indicator: records accepted / records received, from `record_outcome` FINAL.

- numerator = rows whose latest outcome is `clean`; denominator = every row (one per distinct event, its latest
  verdict: FINAL keeps only the newest version of an event re-judged after a replay);
- period = toStartOfMonth(event_date), the month of the record's own date field; rows whose `event_date` is null
  (the record carried no readable date) belong to no month and are left out;
- region by `kabupaten_code`: the gateway records no finer level, so kecamatan and desa are refused (400). The
  province counts every row, those without a known kabupaten included (a record with a broken desa code was still
  received and not accepted), so kabupaten items may add up to less than the province;
- `by=feed` lists every known feed (zero-filled) and any other feed seen; `by=source` lists the sources seen.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final, Literal

from clickhouse_connect.driver import Client

from satudata.events import FEEDS
from satudata.indicators import Indicator
from satudata.problems import ProblemError
from satudata.regions import Level, Region, RegionMaster
from services.api import problems, redact
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
from services.api.indicators.service import ratio, regions_under

TABLE: Final = "satudata.record_outcome"
_COUNTS: Final = "countIf(outcome = 'clean'), count()"
_LEVELS: Final[tuple[Level, ...]] = ("provinsi", "kabupaten_kota")
Group = Literal["feed", "source"]
_GROUP_COLUMN: Final[dict[Group, str]] = {"feed": "toString(feed)", "source": "source"}


def check_level(indicator: Indicator, level: Level) -> None:
    """Refuse (400) a region or breakdown level finer than kabupaten."""
    if level not in _LEVELS:
        raise ProblemError(
            problems.level_not_available(
                indicator.code,
                f"{indicator.code} hanya sampai kabupaten (record_outcome tidak mencatat kecamatan/desa); "
                f"diminta: {level}",
                f"{indicator.code} only down to kabupaten (record_outcome records no kecamatan/desa); "
                f"asked for: {level}",
            )
        )


def _where(region: Region) -> tuple[str, dict[str, Any]]:
    clause = "event_date IS NOT NULL"
    if region.level == "kabupaten_kota":
        clause += " AND kabupaten_code = {region:String}"
    return clause, {"region": region.digits}


def _month(region: Region, period: date) -> tuple[str, dict[str, Any]]:
    clause, params = _where(region)
    return f"{clause} AND toStartOfMonth(event_date) = {{period:Date}}", params | {"period": period}


def get(*, client: Client, indicator: Indicator, region: Region, period: date) -> IndicatorValue:
    check_level(indicator, region.level)
    clause, params = _month(region, period)
    sql = f"SELECT {_COUNTS} FROM {TABLE} FINAL WHERE {clause}"
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
    *, client: Client, master: RegionMaster, indicator: Indicator, region: Region, period: date, by: Level
) -> IndicatorBreakdown:
    """Every kabupaten under the province (or the kabupaten itself), zero-filled."""
    check_level(indicator, region.level)
    check_level(indicator, by)
    clause, params = _month(region, period)
    sql = f"SELECT kabupaten_code, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} GROUP BY kabupaten_code"
    counted = {str(code): (int(n), int(d)) for code, n, d in client.query(sql, parameters=params).result_rows}
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


def by_group(
    *, client: Client, indicator: Indicator, region: Region, period: date, by: Group
) -> IndicatorGroupBreakdown:
    check_level(indicator, region.level)
    clause, params = _month(region, period)
    sql = f"SELECT {_GROUP_COLUMN[by]} AS k, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} GROUP BY k"
    counted = {str(k): (int(n), int(d)) for k, n, d in client.query(sql, parameters=params).result_rows}
    keys = sorted(set(counted) | (set(FEEDS) if by == "feed" else set()))
    items = []
    for key in keys:
        numerator, denominator = counted.get(key, (0, 0))
        items.append(
            GroupCount(
                key=redact.scrub_text(key),
                numerator=numerator,
                denominator=denominator,
                value=ratio(numerator, denominator),
            )
        )
    return IndicatorGroupBreakdown(
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
    check_level(indicator, region.level)
    clause, params = _where(region)
    sql = (
        f"SELECT toStartOfMonth(event_date) AS p, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} "
        "AND event_date >= {first:Date} AND event_date < {after:Date} GROUP BY p"
    )
    params |= {"first": first, "after": periods.shift(last, 1)}
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
