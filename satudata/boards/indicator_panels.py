"""Panels of one registry indicator: its value in a month, its monthly series and its breakdown by region.

The SQL mirrors the API (services/api/indicators/service.py and validity.py), so a panel and the API give the same
number for the same region and month: stream and joined indicators sum `indicator_value` FINAL over feeds,
partitions and the desas under the region; validity_rate counts `record_outcome` FINAL by the month of the record's
own date. A ratio is sum(numerator) / sum(denominator), never an average of ratios, and NULL where nothing was
counted. Titles, targets and the words for numerator and denominator come from the registry, never restated.
"""

from __future__ import annotations

from typing import Final

from satudata.boards.model import Column, Panel, PanelKind, RegionLevel, Suppression
from satudata.indicators import INDICATORS, Indicator

_VALUE_TABLE: Final = "satudata.indicator_value"
_OUTCOME_TABLE: Final = "satudata.record_outcome"
# The code column of each level; the province has none because the tables hold NTT only (migration 001).
LEVEL_COLUMN: Final[dict[RegionLevel, str]] = {
    "kabupaten": "kabupaten_code",
    "kecamatan": "kecamatan_code",
    "desa": "desa_code",
}
_LEVEL_WORDS: Final[dict[RegionLevel, tuple[str, str]]] = {
    "kabupaten": ("kabupaten/kota", "kabupaten/city"),
    "kecamatan": ("kecamatan", "district"),
    "desa": ("desa/kelurahan", "village"),
}
# Small cells: a value and its numerator are hidden from the public where the denominator is small.
SUPPRESS: Final = Suppression(denominator="denominator", values=("value", "numerator"))
_RATIO: Final = "if(d = 0, NULL, n / d) AS value, n AS numerator, d AS denominator"


def _halves(text: str) -> tuple[str, str]:
    """The registry writes "Bahasa / English" in one string; split it, or use it whole for both."""
    words, _, english = text.partition(" / ")
    return words, english or words


def value_columns(indicator: Indicator) -> tuple[Column, ...]:
    numerator_id, numerator_en = _halves(indicator.numerator)
    denominator_id, denominator_en = _halves(indicator.denominator)
    return (
        Column("value", "Nilai", "Value", "percent"),
        Column("numerator", numerator_id.capitalize(), numerator_en.capitalize(), "count"),
        Column("denominator", denominator_id.capitalize(), denominator_en.capitalize(), "count"),
    )


def _counts(indicator: Indicator, *, within: RegionLevel | None, key: str | None = None) -> tuple[str, str, str]:
    """(table, counts, where) of an indicator's numerator n and denominator d, filtered to the `{kabupaten}`
    parameter when `within` is "kabupaten"; `key` is the expression grouped by, if any."""
    if indicator.method == "quality":
        table, counts = _OUTCOME_TABLE, "countIf(outcome = 'clean') AS n, count() AS d"
        where = "event_date IS NOT NULL"
    else:
        table, counts = _VALUE_TABLE, "sum(numerator) AS n, sum(denominator) AS d"
        where = f"indicator = '{indicator.code}'"
    if within is not None:
        where += f" AND {LEVEL_COLUMN[within]} = {{kabupaten:String}}"
    if key is not None:
        counts = f"{key} AS k, {counts}"
    return table, counts, where


def _month_of(indicator: Indicator) -> str:
    return "toStartOfMonth(event_date)" if indicator.method == "quality" else "period"


def _describe(indicator: Indicator) -> dict[str, str]:
    target = ""
    if indicator.target is not None:
        target = f" Target {indicator.target:.0%}" + (
            f" ({indicator.target_source})" if indicator.target_source else ""
        )
    return {
        "description_id": indicator.definition_id + ("." + target if target else ""),
        "description_en": f"{indicator.name_en}. {indicator.definition_en}" + ("." + target if target else ""),
    }


def _panel(
    indicator: Indicator, panel_id: str, kind: PanelKind, sql: str, columns: tuple[Column, ...], **extra
) -> Panel:
    return Panel(
        id=panel_id,
        title_id=extra.pop("title_id", indicator.name_id),
        title_en=extra.pop("title_en", indicator.name_en),
        kind=kind,
        sql=sql,
        columns=columns,
        unit="percent",
        target=indicator.target,
        suppress=SUPPRESS,
        indicator=indicator.code,
        **_describe(indicator),
        **extra,
    )


def stat(code: str, *, within: RegionLevel | None = None, width: int = 6, height: int = 5) -> Panel:
    """The indicator in the month `{period}`, for NTT or the `{kabupaten}`."""
    indicator = INDICATORS[code]
    table, counts, where = _counts(indicator, within=within)
    sql = (
        f"SELECT {_RATIO} FROM (SELECT {counts} FROM {table} FINAL "
        f"WHERE {where} AND {_month_of(indicator)} = {{period:Date}})"
    )
    return _panel(indicator, f"{code}-stat", "stat", sql, value_columns(indicator), width=width, height=height)


def series(code: str, *, within: RegionLevel | None = None, width: int = 12, height: int = 8) -> Panel:
    """The indicator month by month from `{period_from}` to `{period_to}`; months counted nowhere are absent."""
    indicator = INDICATORS[code]
    month = _month_of(indicator)
    table, counts, where = _counts(indicator, within=within, key=month)
    sql = (
        f"SELECT k AS period, {_RATIO} FROM (SELECT {counts} FROM {table} FINAL "
        f"WHERE {where} AND {month} >= toStartOfMonth({{period_from:Date}}) AND {month} <= {{period_to:Date}} "
        "GROUP BY k) ORDER BY period"
    )
    columns = (Column("period", "Bulan", "Month", "period"), *value_columns(indicator))
    return _panel(
        indicator,
        f"{code}-series",
        "timeseries",
        sql,
        columns,
        title_id=f"Tren {indicator.name_id[0].lower()}{indicator.name_id[1:]}",
        title_en=f"{indicator.name_en}: trend",
        width=width,
        height=height,
    )


def breakdown(
    code: str,
    by: RegionLevel,
    *,
    within: RegionLevel | None = None,
    kind: PanelKind = "bar",
    width: int = 12,
    height: int = 10,
) -> Panel:
    """The indicator in the month `{period}` per region of level `by` (under the `{kabupaten}` when `within`
    is given), highest value first; regions counted nowhere are absent."""
    indicator = INDICATORS[code]
    if indicator.method == "quality" and by != "kabupaten":
        raise ValueError(f"{code} is recorded down to kabupaten only")
    table, counts, where = _counts(indicator, within=within, key=LEVEL_COLUMN[by])
    sql = (
        f"SELECT k AS region, {_RATIO} FROM (SELECT {counts} FROM {table} FINAL "
        f"WHERE {where} AND {_month_of(indicator)} = {{period:Date}} GROUP BY k) "
        "ORDER BY value DESC NULLS LAST, region"
    )
    words_id, words_en = _LEVEL_WORDS[by]
    region = Column("region", words_id.capitalize(), words_en.capitalize(), "region", level=by)
    return _panel(
        indicator,
        f"{code}-by-{by}",
        kind,
        sql,
        (region, *value_columns(indicator)),
        title_id=f"{indicator.name_id} per {words_id}",
        title_en=f"{indicator.name_en} by {words_en}",
        width=width,
        height=height,
    )
