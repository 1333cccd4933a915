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
from typing import Any, Final

from clickhouse_connect.driver import Client

from satudata.events import FEEDS
from satudata.indicators import Indicator
from satudata.problems import ProblemError
from satudata.regions import Level, Region, RegionMaster
from services.api import problems
from services.api.indicators import periods
from services.api.indicators.models import (
    IndicatorBreakdown,
    IndicatorGroupBreakdown,
    IndicatorSeries,
    IndicatorValue,
)
from services.api.indicators.service import (
    Group,
    RegionPage,
    breakdown_answer,
    counted_row,
    counted_rows,
    group_answer,
    series_answer,
    value_answer,
)

TABLE: Final = "satudata.record_outcome"
_COUNTS: Final = "countIf(outcome = 'clean'), count()"
_LEVELS: Final[tuple[Level, ...]] = ("provinsi", "kabupaten_kota")
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
) -> IndicatorBreakdown:
    """Every kabupaten under the province (or the kabupaten itself), zero-filled, a page at a time."""
    check_level(indicator, region.level)
    check_level(indicator, by)
    page = RegionPage.of(master, region, by, limit=limit, cursor=cursor)
    clause, params = _month(region, period)
    sql = f"SELECT kabupaten_code, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} GROUP BY kabupaten_code"
    counted = counted_rows(client, sql, params)
    return breakdown_answer(indicator=indicator, region=region, period=period, by=by, page=page, counted=counted)


def by_group(
    *, client: Client, indicator: Indicator, region: Region, period: date, by: Group
) -> IndicatorGroupBreakdown:
    check_level(indicator, region.level)
    clause, params = _month(region, period)
    sql = f"SELECT {_GROUP_COLUMN[by]} AS k, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} GROUP BY k"
    counted = counted_rows(client, sql, params)
    keys = sorted(set(counted) | (set(FEEDS) if by == "feed" else set()))
    return group_answer(indicator=indicator, region=region, period=period, by=by, counted=counted, keys=keys)


def series(*, client: Client, indicator: Indicator, region: Region, first: date, last: date) -> IndicatorSeries:
    """One item per month from first to last, zero-filled months included."""
    check_level(indicator, region.level)
    clause, params = _where(region)
    sql = (
        f"SELECT toStartOfMonth(event_date) AS p, {_COUNTS} FROM {TABLE} FINAL WHERE {clause} "
        "AND event_date >= {first:Date} AND event_date < {after:Date} GROUP BY p"
    )
    params |= {"first": first, "after": periods.shift(last, 1)}
    counted = counted_rows(client, sql, params)
    return series_answer(indicator=indicator, region=region, first=first, last=last, counted=counted)
