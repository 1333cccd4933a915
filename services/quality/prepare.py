"""The preparer: one feed's data objects → a typed polars frame with the derived columns the contract needs.

Great Expectations judges columns; it cannot know today's date, and a column holding a
number in one row and a string in the next makes its metrics raise instead of fail. So, before validation:

- every field of the feed becomes a typed column holding the value only where it has the right JSON type;
- `_<field>_json_type` tells the contract what each value really was ("string", "number", "integer",
  "boolean", "array", "object", or null when absent), so "required" and "wrong type" are two separate rules;
- a few derived columns, each named for the rule that reads it, carry what GX cannot compute itself (today's
  date, and ages from two date columns). NIK, KK and desa-code checks are GX custom expectations
  (services/quality/expectations), not columns.

A derived column is null where its rule cannot be judged (a date that is missing or unreadable, a desa code
of the wrong shape): GX skips nulls, so each defect is reported once, by the rule about that defect.
Nothing here knows child_measurement; the field kinds of satudata.events decide what is derived, so another
feed only needs its contract. Dates stay ISO text or become day counts: no timestamp column reaches GX.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

import polars as pl

from satudata.events import Feed, FieldKind

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

_JSON_TYPES: Final[dict[type, str]] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
}

# The JSON types a field kind accepts, and the polars type of its column.
_ACCEPTS: Final[dict[FieldKind, frozenset[str]]] = {
    "str": frozenset({"string"}),
    "date": frozenset({"string"}),
    "nik": frozenset({"string"}),
    "kk": frozenset({"string"}),
    "desa": frozenset({"string"}),
    "float": frozenset({"number", "integer"}),
    "int": frozenset({"integer"}),
    "bool": frozenset({"boolean"}),
    "nik_list": frozenset({"array"}),
}
_DTYPES: Final[dict[FieldKind, pl.DataType]] = {
    "str": pl.String(),
    "date": pl.String(),
    "nik": pl.String(),
    "kk": pl.String(),
    "desa": pl.String(),
    "float": pl.Float64(),
    "int": pl.Int64(),
    "bool": pl.Boolean(),
    "nik_list": pl.List(pl.String()),
}

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def json_type(value: Any) -> str | None:
    """The JSON type of a decoded value; None for null. Integers beyond 64 bits count as numbers."""
    if value is None:
        return None
    kind = _JSON_TYPES.get(type(value), "other")
    if kind == "integer" and not _INT64_MIN <= value <= _INT64_MAX:
        return "number"
    if kind == "array" and not all(isinstance(item, str) for item in value):
        # The only arrays our feeds carry are lists of identifiers; anything else is another type.
        return "array_of_other"
    return kind


def prepare(feed: Feed, datas: Sequence[Mapping[str, Any]], *, today: date) -> pl.DataFrame:
    """One row per data object, in order: typed field columns, `_<field>_json_type` and derived columns."""
    columns: dict[str, pl.Series] = {}
    for field in feed.fields:
        raw = [data.get(field.name) for data in datas]
        types = [json_type(value) for value in raw]
        accepted = _ACCEPTS[field.kind]
        typed = [_coerce(v, field.kind) if t in accepted else None for v, t in zip(raw, types, strict=True)]
        columns[field.name] = pl.Series(field.name, typed, dtype=_DTYPES[field.kind], strict=False)
        columns[f"_{field.name}_json_type"] = pl.Series(f"_{field.name}_json_type", types, dtype=pl.String)
    known = frozenset(feed.field_names)
    columns["_unknown_field_count"] = pl.Series(
        "_unknown_field_count", [len(data.keys() - known) for data in datas], dtype=pl.Int32
    )
    frame = pl.DataFrame(columns)
    return frame.with_columns(*_dates(feed, today), *_years(feed, today))


def _coerce(value: Any, kind: FieldKind) -> Any:
    # Polars would refuse a column mixing ints and floats, and we want 12 kg and 12.0 kg to be the same.
    return float(value) if kind == "float" else value


def _dates(feed: Feed, today: date) -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    for field in feed.fields:
        if field.kind != "date":
            continue
        parsed = _parsed(field.name)
        exprs += [
            pl.when(pl.col(field.name).is_not_null()).then(parsed.is_not_null()).alias(f"_{field.name}_is_date"),
            (parsed - pl.lit(today)).dt.total_days().alias(f"_{field.name}_days_in_future"),
        ]
    if "birth_date" in feed.field_names and _kind(feed, feed.date_field) == "date":
        age = (_parsed(feed.date_field) - _parsed("birth_date")).dt.total_days()
        exprs += [age.alias("_age_days"), _age_years(feed.date_field).alias("_age_years")]
    return exprs


def _age_years(on: str) -> pl.Expr:
    """Completed years of age on the date `on`; null before birth, which `_age_days` already reports."""
    day, born = _parsed(on), _parsed("birth_date")
    before_birthday = (day.dt.month() * 100 + day.dt.day()) < (born.dt.month() * 100 + born.dt.day())
    years = day.dt.year().cast(pl.Int32) - born.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    return pl.when(day >= born).then(years)


def _years(feed: Feed, today: date) -> list[pl.Expr]:
    """A feed dated by a year (population) gets `_<field>_years_in_future`, as dated feeds get days."""
    if _kind(feed, feed.date_field) != "int":
        return []
    return [(pl.col(feed.date_field) - today.year).alias(f"_{feed.date_field}_years_in_future")]


def _parsed(name: str) -> pl.Expr:
    """The column's ISO date, or null; the shape check keeps '2024-3-5' and '2024-03-05T00:00' out."""
    text = pl.col(name)
    return pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))


def _kind(feed: Feed, name: str) -> FieldKind | None:
    return next((f.kind for f in feed.fields if f.name == name), None)
