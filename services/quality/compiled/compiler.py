"""The compiler: a loaded GX suite and a batch's schema → one polars program, plus the expectations it left
to GX.

Every expectation type maps to one family function; an expectation it cannot translate exactly (an unknown
type, a `row_condition`, a suite parameter, a column type or value the pandas engine would compare otherwise)
is left out of the program and named in `left_to_gx`, so the caller judges those with GX and the verdict is
always complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from services.quality.compiled import columns, identity, pairs
from services.quality.compiled.rule import CompiledRule, Derive, Spec, UnsupportedError, mostly_success

FAMILIES: dict[str, Callable[[Spec], CompiledRule]] = {
    "expect_column_values_to_not_be_null": columns.not_null,
    "expect_column_values_to_be_in_set": columns.in_set,
    "expect_column_values_to_be_between": columns.between,
    "expect_column_values_to_match_regex": columns.match_regex,
    "expect_column_values_to_not_match_regex": columns.not_match_regex,
    "expect_column_pair_values_to_be_in_set": pairs.pair_in_set,
    "expect_column_pair_values_to_not_both_be_missing": pairs.not_both_missing,
    "expect_column_pair_values_to_be_allowed_for": pairs.allowed_for,
    "expect_column_values_to_be_valid_nik": identity.valid_nik,
    "expect_column_values_to_be_valid_kk": identity.valid_kk,
    "expect_column_values_to_be_valid_nik_list": identity.valid_nik_list,
    "expect_column_values_to_be_known_desa_code": identity.known_desa_code,
    "expect_column_pair_values_nik_to_agree_with_birth_date": identity.nik_agrees_with_birth_date,
    "expect_column_pair_values_nik_to_agree_with_sex": identity.nik_agrees_with_sex,
}
# Fields of a GX expectation that say nothing about which rows fail.
_NOT_KWARGS = frozenset({"meta", "notes", "description", "id", "rendered_content", "severity", "batch_id", "windows"})


@dataclass(frozen=True, slots=True)
class Program:
    rules: tuple[CompiledRule, ...]
    left_to_gx: tuple[int, ...]  # positions in the suite of the expectations GX judges
    reasons: Mapping[int, str]  # why each of those was left (for the log)

    def failed_rows(self, frame: pl.DataFrame, today: date) -> list[tuple[int, str]]:
        """(row, rule) for every row each compiled expectation fails, `mostly` applied as GX applies it."""
        if not self.rules or frame.height == 0:
            return []
        derived: dict[str, Derive] = {}
        for rule in self.rules:
            derived.update(rule.derived)
        if derived:
            frame = frame.with_columns(derive(frame, today).alias(name) for name, derive in derived.items())
        failed = frame.select(rule.failed.alias(str(i)) for i, rule in enumerate(self.rules))
        partial = [i for i, rule in enumerate(self.rules) if rule.mostly < 1]
        considered = (
            frame.select(self.rules[i].considered.sum().alias(str(i)) for i in partial).row(0) if partial else ()
        )
        counts = dict(zip(partial, considered, strict=True))
        found: list[tuple[int, str]] = []
        for i, rule in enumerate(self.rules):
            mask = failed.get_column(str(i)).to_numpy()
            rows = np.flatnonzero(mask)
            if len(rows) == 0:
                continue
            if i in counts and mostly_success(int(counts[i]), len(rows), rule.mostly):
                continue  # GX calls the expectation a success, and the validator routes no row by it
            found += [(int(row), rule.rule) for row in rows]
        return found


def compile_suite(expectations: Sequence[Any], schema: Mapping[str, pl.DataType]) -> Program:
    rules: list[CompiledRule] = []
    left: list[int] = []
    why: dict[int, str] = {}
    for position, expectation in enumerate(expectations):
        try:
            rules.append(compile_expectation(expectation, schema))
        except UnsupportedError as reason:
            left.append(position)
            why[position] = str(reason)
    return Program(tuple(rules), tuple(left), why)


def compile_expectation(expectation: Any, schema: Mapping[str, pl.DataType]) -> CompiledRule:
    """One GX expectation object (as the suite loaded it, defaults filled in) → its compiled rule."""
    kind = expectation.expectation_type
    family = FAMILIES.get(kind)
    if family is None:
        raise UnsupportedError(f"type {kind}")
    kwargs = {k: v for k, v in expectation.dict().items() if k not in _NOT_KWARGS}
    if kwargs.get("row_condition") or kwargs.get("condition_parser"):
        raise UnsupportedError("row_condition")
    if any(isinstance(v, dict) and "$PARAMETER" in v for v in kwargs.values()):
        raise UnsupportedError("suite parameter")
    return family(Spec(kind, expectation.meta["rule"], kwargs, schema))
