"""ExpectColumnValuesToBeKnownDesaCode: a 10-digit Kemendagri desa code present in the NTT region master."""

# GX calls a metric partial as a class-level function with `cls`: its naming, not ours.
# ruff: noqa: N805

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
import polars as pl
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics import ColumnMapMetricProvider, column_condition_partial

from satudata.regions import master

_DESA_CODE = r"^[0-9]{10}$"


class ColumnValuesKnownDesaCode(ColumnMapMetricProvider):
    condition_metric_name = "column_values.known_desa_code"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **_kwargs: Any) -> pd.Series:
        codes = pl.Series(column.astype(object).tolist(), dtype=pl.String, strict=False)
        well_formed = codes.str.contains(_DESA_CODE).fill_null(False).to_numpy()
        known = master().is_known_desa(codes)
        # A code of the wrong shape is the format rule's to report, not this one's.
        return pd.Series(~well_formed | known, index=column.index)


class ExpectColumnValuesToBeKnownDesaCode(ColumnMapExpectation):
    """Expect each 10-digit desa code to be a desa/kelurahan of the NTT region master (Kemendagri codes)."""

    map_metric = "column_values.known_desa_code"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
    library_metadata: ClassVar[dict[str, Any]] = {"tags": ["satudata", "regions"], "contributors": ["satudata"]}
