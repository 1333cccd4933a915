"""ExpectColumnPairValuesToNotBothBeMissing: at least one of two columns holds a value in every row."""

# GX calls a metric partial as a class-level function with `cls` and, for column pairs, the keywords
# column_A / column_B: its naming, not ours.
# ruff: noqa: N803, N805

from __future__ import annotations

from typing import Any, ClassVar, Literal

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)


class ColumnPairValuesNotBothMissing(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.not_both_missing"

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **_kwargs: Any) -> pd.Series:
        return column_A.notna() | column_B.notna()


class ExpectColumnPairValuesToNotBothBeMissing(ColumnPairMapExpectation):
    """Expect every row to have a value in column_A, column_B or both (e.g. a beneficiary's NIK or KK)."""

    map_metric = "column_pair_values.not_both_missing"
    # The rows this rule is about are exactly those GX would skip by default, so none may be skipped.
    ignore_row_if: Literal["neither"] = "neither"
    success_keys: ClassVar[tuple[str, ...]] = ("ignore_row_if", "mostly")
    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["satudata"], "contributors": ["satudata"]}


class ColumnPairValuesAllowedFor(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.allowed_for"
    condition_value_keys = ("allowed",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(
        cls, column_A: pd.Series, column_B: pd.Series, allowed: dict[str, list[Any]], **_kwargs: Any
    ) -> pd.Series:
        # A key outside the mapping is the vocabulary rule's to report; here it constrains nothing.
        ok = [
            not isinstance(a, str) or a not in allowed or b in allowed[a]
            for a, b in zip(column_A.tolist(), column_B.tolist(), strict=True)
        ]
        return pd.Series(ok, index=column_A.index, dtype=bool)


class ExpectColumnPairValuesToBeAllowedFor(ColumnPairMapExpectation):
    """Expect column_B to be one of `allowed[column_A]` wherever column_A is a key of `allowed`.

    E.g. an activity type that belongs to its programme. GX's expect_column_pair_values_to_be_in_set would also
    fail every row whose column_A is not a known code, reporting one defect twice.
    """

    allowed: dict[str, list[Any]]
    map_metric = "column_pair_values.allowed_for"
    ignore_row_if: Literal["either_value_is_missing"] = "either_value_is_missing"
    success_keys: ClassVar[tuple[str, ...]] = ("allowed", "ignore_row_if", "mostly")
    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["satudata"], "contributors": ["satudata"]}
