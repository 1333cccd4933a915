"""GX's built-in column map expectations as polars expressions, with the pandas engine's semantics.

Each GX metric here is one line of pandas (great_expectations/expectations/metrics/column_map_metrics/):
`~isnull`, `isin(value_set)`, `min <= column <= max`, `astype(str).str.contains(regex)`, applied to the rows
whose value is not missing. Only the column types and values for which the polars expression gives the same
answer value for value are translated; anything else raises UnsupportedError and stays with GX.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from services.quality.compiled.regex import UntranslatableError, to_rust
from services.quality.compiled.rule import (
    CompiledRule,
    Spec,
    UnsupportedError,
    every_row,
    is_text,
    missing,
    mostly_of,
    same_kind,
)

_INT64 = (-(2**63), 2**63 - 1)
# The integer types pandas compares exactly like polars; a float column only as float64 (float32 differs).
_INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32)


def _mapped(spec: Spec, name: str, failed_where_present: pl.Expr) -> CompiledRule:
    present = ~missing(name, spec.dtype(name))
    return CompiledRule(spec.rule, (present & failed_where_present).fill_null(False), present, mostly_of(spec))


def not_null(spec: Spec) -> CompiledRule:
    name = spec.column()
    # The one map expectation that keeps missing values: they are what it reports; `mostly` counts every row.
    return CompiledRule(spec.rule, missing(name, spec.dtype(name)), every_row(), mostly_of(spec))


def in_set(spec: Spec) -> CompiledRule:
    name = spec.column()
    values = spec.kwargs.get("value_set")
    if values is None:
        return CompiledRule(spec.rule, pl.lit(False), every_row())  # GX: vacuously true
    if not isinstance(values, list | tuple | set) or not same_kind(list(values), spec.dtype(name)):
        raise UnsupportedError("value_set of another type than the column")
    return _mapped(spec, name, ~pl.col(name).is_in(pl.lit(pl.Series(list(values), dtype=spec.dtype(name))).implode()))


def between(spec: Spec) -> CompiledRule:
    name = spec.column()
    dtype = spec.dtype(name)
    low, high = (_bound(spec.kwargs.get(key)) for key in ("min_value", "max_value"))
    if low is None and high is None:
        raise UnsupportedError("neither bound")  # GX raises: its contract_error
    if low is not None and high is not None and low > high:
        raise UnsupportedError("min_value above max_value")  # GX raises
    if dtype != pl.Float64 and dtype not in _INTEGERS:
        raise UnsupportedError(f"between on {dtype}")
    strict_min, strict_max = bool(spec.kwargs.get("strict_min")), bool(spec.kwargs.get("strict_max"))

    def inside(column: pl.Expr) -> pl.Expr:
        ok = pl.lit(True)
        if low is not None:
            ok = ok & (column > low if strict_min else column >= low)
        if high is not None:
            ok = ok & (column < high if strict_max else column <= high)
        return ok

    column = pl.col(name)
    if dtype in _INTEGERS:
        # polars → pandas turns an integer column holding a null into float64, and GX compares those floats.
        judged = pl.when(column.null_count() > 0).then(inside(column.cast(pl.Float64))).otherwise(inside(column))
    else:
        judged = inside(column)
    return _mapped(spec, name, ~judged)


def _bound(value: Any) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise UnsupportedError(f"bound {value!r}")  # dates and text compare otherwise in pandas
    if isinstance(value, float) and value != value:
        raise UnsupportedError("NaN bound")
    if isinstance(value, int) and not _INT64[0] <= value <= _INT64[1]:
        raise UnsupportedError("bound beyond 64 bits")
    return value


def match_regex(spec: Spec) -> CompiledRule:
    name, pattern = _regex(spec)
    return _mapped(spec, name, ~pl.col(name).str.contains(pattern))


def not_match_regex(spec: Spec) -> CompiledRule:
    name, pattern = _regex(spec)
    return _mapped(spec, name, pl.col(name).str.contains(pattern))


def _regex(spec: Spec) -> tuple[str, str]:
    name = spec.column()
    if not is_text(spec.dtype(name)):
        raise UnsupportedError("regex on a column that is not text")  # pandas would match astype(str)
    regex = spec.kwargs.get("regex")
    if not isinstance(regex, str):
        raise UnsupportedError("regex")
    try:
        pattern = to_rust(regex)
        pl.Series([""], dtype=pl.String).str.contains(pattern)  # Rust refuses what it cannot compile
    except (UntranslatableError, pl.exceptions.ComputeError) as error:
        raise UnsupportedError(f"regex {regex!r}: {error}") from error
    return name, pattern
