"""What a compiled expectation is: polars expressions saying, per row, whether GX would count it as
unexpected, and how many rows GX would consider (for `mostly`).

GX's pandas engine is the reference, so the helpers here speak its language: a value is "missing" where pandas'
`isnull` says so (a null, or NaN in a float column), because GX's map expectations drop those rows before
judging, and pair expectations drop rows by `ignore_row_if` on the same notion.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl

#: A column computed once per batch and shared by the expectations that read it (e.g. every NIK check of one
#: column): its name in the frame, and how to compute it from the prepared frame and the reference date.
Derive = Callable[[pl.DataFrame, date], pl.Series]


class UnsupportedError(ValueError):
    """An expectation the compiler does not translate; GX judges it (a sub-suite of such expectations)."""


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One expectation: `failed` is true where GX would list the row in `unexpected_index_list`."""

    rule: str
    failed: pl.Expr
    considered: pl.Expr  # rows GX counts for `mostly` (all rows, non-missing values, or rows kept by ignore_row_if)
    mostly: float = 1.0
    derived: Mapping[str, Derive] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Spec:
    """The parts of a GX expectation the compiler reads, taken from the loaded GX object."""

    type: str
    rule: str
    kwargs: Mapping[str, Any]
    schema: Mapping[str, pl.DataType]

    def column(self, key: str = "column") -> str:
        name = self.kwargs.get(key)
        if not isinstance(name, str) or name not in self.schema:
            # GX raises on a missing column; that is a contract_error, its to report.
            raise UnsupportedError(f"{key} {name!r} is not a column of the batch")
        return name

    def dtype(self, name: str) -> pl.DataType:
        return self.schema[name]


def every_row() -> pl.Expr:
    """True on every row, as a column (a bare literal would count once, not once per row)."""
    return pl.int_range(pl.len()) >= 0


def missing(name: str, dtype: pl.DataType) -> pl.Expr:
    """pandas' isnull on the column GX sees: null, and NaN in a float column."""
    column = pl.col(name)
    return column.is_null() | column.is_nan() if dtype.is_float() else column.is_null()


def pair_considered(a: str, b: str, schema: Mapping[str, pl.DataType], ignore_row_if: str) -> pl.Expr:
    """The rows a pair expectation judges after `ignore_row_if` (GX's pandas engine drops the others)."""
    missing_a, missing_b = missing(a, schema[a]), missing(b, schema[b])
    if ignore_row_if == "either_value_is_missing":
        return ~(missing_a | missing_b)
    if ignore_row_if == "both_values_are_missing":
        return ~(missing_a & missing_b)
    if ignore_row_if == "neither":
        return every_row()
    raise UnsupportedError(f"ignore_row_if {ignore_row_if!r}")


def mostly_of(spec: Spec) -> float:
    """`mostly` as GX reads it (1: every considered row must pass)."""
    mostly = spec.kwargs.get("mostly", 1)
    if mostly is None:
        return 1.0
    if isinstance(mostly, bool) or not isinstance(mostly, int | float) or not 0 <= mostly <= 1:
        raise UnsupportedError(f"mostly {mostly!r}")
    return float(mostly)


def mostly_success(considered: int, unexpected: int, mostly: float) -> bool:
    """GX's own arithmetic (expectation._mostly_success), vacuously true over nothing."""
    if considered == 0 or unexpected == 0:
        return True
    return (float(considered) - float(unexpected)) / float(considered) >= mostly


def is_text(dtype: pl.DataType) -> bool:
    return dtype == pl.String


def is_number(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def same_kind(values: list[Any], dtype: pl.DataType) -> bool:
    """Values a column can be compared with exactly as pandas would: text with text, booleans with booleans."""
    if is_text(dtype):
        return all(isinstance(v, str) for v in values)
    if dtype == pl.Boolean:
        return all(isinstance(v, bool) for v in values)
    return False
