"""Column-pair expectations compiled: GX's pair-in-set and our two pair rules (services/quality/expectations/
pairs.py), judged on the rows `ignore_row_if` keeps, as GX's pandas engine drops the others first."""

from __future__ import annotations

from typing import Any

import polars as pl

from services.quality.compiled.rule import (
    CompiledRule,
    Spec,
    UnsupportedError,
    is_text,
    missing,
    mostly_of,
    pair_considered,
    same_kind,
)


def _pair(spec: Spec) -> tuple[str, str, pl.Expr]:
    a, b = spec.column("column_A"), spec.column("column_B")
    return a, b, pair_considered(a, b, spec.schema, str(spec.kwargs.get("ignore_row_if")))


def _equals(spec: Spec, name: str, value: Any) -> pl.Expr:
    """pandas' view of one cell against a Python value: a missing cell is None, anything else compares by ==."""
    if value is None:
        return missing(name, spec.dtype(name))
    if not same_kind([value], spec.dtype(name)):
        raise UnsupportedError(f"{value!r} against a {spec.dtype(name)} column")
    return (pl.col(name) == value).fill_null(False)


def pair_in_set(spec: Spec) -> CompiledRule:
    """expect_column_pair_values_to_be_in_set: (A, B) is one of `value_pairs_set` (missing cells as None)."""
    a, b, considered = _pair(spec)
    pairs = spec.kwargs.get("value_pairs_set")
    if pairs is None:
        return CompiledRule(spec.rule, pl.lit(False), considered)  # GX: vacuously true
    if not isinstance(pairs, list | tuple | set) or not all(isinstance(p, list | tuple) and len(p) == 2 for p in pairs):
        raise UnsupportedError("value_pairs_set")
    member = pl.lit(False)
    for value_a, value_b in pairs:
        member = member | (_equals(spec, a, value_a) & _equals(spec, b, value_b))
    return CompiledRule(spec.rule, considered & ~member, considered, mostly_of(spec))


def not_both_missing(spec: Spec) -> CompiledRule:
    a, b, considered = _pair(spec)
    both = missing(a, spec.dtype(a)) & missing(b, spec.dtype(b))
    return CompiledRule(spec.rule, considered & both, considered, mostly_of(spec))


def allowed_for(spec: Spec) -> CompiledRule:
    """B is one of allowed[A] wherever A is a key; a key outside the mapping constrains nothing."""
    a, b, considered = _pair(spec)
    allowed = spec.kwargs.get("allowed")
    if not is_text(spec.dtype(a)) or not isinstance(allowed, dict):
        raise UnsupportedError("allowed_for needs a text column_A and a mapping")
    failed = pl.lit(False)
    for key, values in allowed.items():
        if not isinstance(key, str) or not isinstance(values, list | tuple):
            raise UnsupportedError("allowed")
        # Python's `b in values` with b None for a missing cell (only reachable without ignore_row_if).
        present_values = [v for v in values if v is not None]
        if not same_kind(present_values, spec.dtype(b)):
            raise UnsupportedError("allowed values of another type than column_B")
        ok = pl.col(b).is_in(pl.lit(pl.Series(present_values, dtype=spec.dtype(b))).implode()).fill_null(False)
        if None in values:
            ok = ok | missing(b, spec.dtype(b))
        failed = failed | ((pl.col(a) == key).fill_null(False) & ~ok)
    return CompiledRule(spec.rule, considered & failed, considered, mostly_of(spec))
