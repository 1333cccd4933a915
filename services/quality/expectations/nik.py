"""NIK and KK expectations: one check per expectation, so each rule keeps its own severity and message.

The checks are satudata.nik's column checks (the same code the rest of the platform uses), run on the column
GX hands over. A NIK's date digits hold a two-digit year; the century is read against today's WITA date,
which only decides whether a 29 February is real, so the small clock difference of GX's run is harmless.
"""

# GX calls a metric partial as a class-level function with `cls` and, for column pairs, the keywords
# column_A / column_B: its naming, not ours.
# ruff: noqa: N803, N805

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal
from zoneinfo import ZoneInfo

import pandas as pd
import polars as pl
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, ColumnPairMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)

from satudata.nik import (
    KK_FORMAT,
    KK_REGION_UNKNOWN,
    NIK_BIRTH_DATE_INVALID,
    NIK_BIRTH_DATE_MISMATCH,
    NIK_FORMAT,
    NIK_KABUPATEN_UNKNOWN,
    NIK_KECAMATAN_UNKNOWN,
    NIK_PROVINCE_UNKNOWN,
    NIK_REGISTERED_ELSEWHERE,
    NIK_SERIAL_ZERO,
    NIK_SEX_MISMATCH,
    check_kk_column,
    check_nik_column,
)

_WITA = ZoneInfo("Asia/Makassar")
_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

NikCheck = Literal[
    "nik_format",
    "nik_province_unknown",
    "nik_registered_elsewhere",
    "nik_kabupaten_unknown",
    "nik_kecamatan_unknown",
    "nik_birth_date_invalid",
    "nik_serial_zero",
]
KkCheck = Literal["kk_format", "kk_region_unknown"]
#: The checks of one NIK on its own (agreement with the record's birth date and sex are column pairs).
NIK_CHECKS: tuple[str, ...] = (
    NIK_FORMAT,
    NIK_PROVINCE_UNKNOWN,
    NIK_REGISTERED_ELSEWHERE,
    NIK_KABUPATEN_UNKNOWN,
    NIK_KECAMATAN_UNKNOWN,
    NIK_BIRTH_DATE_INVALID,
    NIK_SERIAL_ZERO,
)
KK_CHECKS: tuple[str, ...] = (KK_FORMAT, KK_REGION_UNKNOWN)
_METADATA: dict[str, Any] = {"tags": ["satudata", "nik"], "contributors": ["satudata"]}


def _today() -> Any:
    return datetime.now(_WITA).date()


def _text(column: pd.Series) -> pl.Series:
    # GX hands over object columns; anything that is not text is null here (the type rule reports it).
    return pl.Series([v if isinstance(v, str) else None for v in column.tolist()], dtype=pl.String)


def _expected(problem: pl.Series, index: pd.Index) -> pd.Series:
    return pd.Series(~problem.fill_null(False).to_numpy(), index=index)


class ColumnValuesValidNik(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_nik"
    condition_value_keys = ("check",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, check: str, **_kwargs: Any) -> pd.Series:
        return _expected(check_nik_column(_text(column), reference_date=_today())[check], column.index)


class ExpectColumnValuesToBeValidNik(ColumnMapExpectation):
    """Expect each NIK to pass one check of satudata.nik (`check`, a NIK reason code)."""

    check: NikCheck
    map_metric = "column_values.valid_nik"
    success_keys: ClassVar[tuple[str, ...]] = ("check", "mostly")
    args_keys = ("column", "check")
    library_metadata: ClassVar[dict[str, Any]] = _METADATA


class ColumnValuesValidKk(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_kk"
    condition_value_keys = ("check",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, check: str, **_kwargs: Any) -> pd.Series:
        return _expected(check_kk_column(_text(column))[check], column.index)


class ExpectColumnValuesToBeValidKk(ColumnMapExpectation):
    """Expect each KK number to pass one check of satudata.nik (`check`: kk_format or kk_region_unknown)."""

    check: KkCheck
    map_metric = "column_values.valid_kk"
    success_keys: ClassVar[tuple[str, ...]] = ("check", "mostly")
    args_keys = ("column", "check")
    library_metadata: ClassVar[dict[str, Any]] = _METADATA


class ColumnPairNikAgreesWithBirthDate(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.nik_agrees_with_birth_date"

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **_kwargs: Any) -> pd.Series:
        text = _text(column_B)
        # Only a real ISO date can disagree; an unreadable one is the date rules' to report.
        born = pl.select(pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date(strict=False))).to_series()
        flags = check_nik_column(_text(column_A), birth_dates=born, reference_date=_today())
        return _expected(flags[NIK_BIRTH_DATE_MISMATCH], column_A.index)


class ExpectColumnPairValuesNikToAgreeWithBirthDate(ColumnPairMapExpectation):
    """Expect the date digits of the NIK in column_A to be the birth date (YYYY-MM-DD text) in column_B."""

    map_metric = "column_pair_values.nik_agrees_with_birth_date"
    ignore_row_if: Literal["either_value_is_missing"] = "either_value_is_missing"
    success_keys: ClassVar[tuple[str, ...]] = ("ignore_row_if", "mostly")
    library_metadata: ClassVar[dict[str, Any]] = _METADATA


class ColumnPairNikAgreesWithSex(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.nik_agrees_with_sex"

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A: pd.Series, column_B: pd.Series, **_kwargs: Any) -> pd.Series:
        flags = check_nik_column(_text(column_A), sexes=_text(column_B), reference_date=_today())
        return _expected(flags[NIK_SEX_MISMATCH], column_A.index)


class ExpectColumnPairValuesNikToAgreeWithSex(ColumnPairMapExpectation):
    """Expect the NIK in column_A to encode the sex ("L"/"P") in column_B (day digits + 40 for women)."""

    map_metric = "column_pair_values.nik_agrees_with_sex"
    ignore_row_if: Literal["either_value_is_missing"] = "either_value_is_missing"
    success_keys: ClassVar[tuple[str, ...]] = ("ignore_row_if", "mostly")
    library_metadata: ClassVar[dict[str, Any]] = _METADATA


class ColumnValuesValidNikList(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_nik_list"
    condition_value_keys = ("check",)

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, check: str, **_kwargs: Any) -> pd.Series:
        lists = [list(v) if v is not None else [] for v in column.tolist()]
        row = [i for i, items in enumerate(lists) for _ in items]
        items = [item if isinstance(item, str) else None for values in lists for item in values]
        problem = check_nik_column(pl.Series(items, dtype=pl.String), reference_date=_today())[check]
        bad_rows = {row[i] for i, flagged in enumerate(problem.fill_null(False).to_list()) if flagged}
        return pd.Series([i not in bad_rows for i in range(len(lists))], index=column.index, dtype=bool)


class ExpectColumnValuesToBeValidNikList(ColumnMapExpectation):
    """Expect every NIK of each list (e.g. a family's children) to pass one check of satudata.nik (`check`)."""

    check: NikCheck
    map_metric = "column_values.valid_nik_list"
    success_keys: ClassVar[tuple[str, ...]] = ("check", "mostly")
    args_keys = ("column", "check")
    library_metadata: ClassVar[dict[str, Any]] = _METADATA
