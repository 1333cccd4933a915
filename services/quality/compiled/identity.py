"""Our custom expectations (services/quality/expectations) compiled: the same kernel functions judge.

GX hands each custom metric only the rows it considers (values present; for pairs, rows kept by
`ignore_row_if`) and the metric calls satudata.nik's column checks or the region master on them. Here the
same functions run on the same rows (filtered first, then scattered back), once per column per batch however
many expectations read it: every NIK check of one column is one `check_nik_column` call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl

from satudata.nik import NIK_BIRTH_DATE_MISMATCH, NIK_SEX_MISMATCH, check_kk_column, check_nik_column
from satudata.regions import master
from services.quality.compiled.rule import (
    CompiledRule,
    Spec,
    UnsupportedError,
    is_text,
    missing,
    mostly_of,
    pair_considered,
)

_ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DESA_CODE = r"^[0-9]{10}$"


def _on_rows(frame: pl.DataFrame, rows: pl.Expr, compute: Callable[[pl.DataFrame], pl.Series]) -> pl.Series:
    """`compute` over the rows GX would hand the metric; False (not unexpected) on every other row."""
    keep = frame.select(rows.fill_null(False)).to_series().to_numpy()
    result = compute(frame.filter(pl.Series(keep)))
    if result.dtype == pl.Struct:
        # Several checks at once: scatter each field.
        fields = {f: _scatter(keep, result.struct.field(f)) for f in result.struct.fields}
        return pl.DataFrame(fields).to_struct()
    return _scatter(keep, result)


def _scatter(keep: np.ndarray, values: pl.Series) -> pl.Series:
    full = np.zeros(len(keep), dtype=bool)
    full[np.flatnonzero(keep)] = values.fill_null(False).to_numpy()
    return pl.Series(full)


def _text_column(spec: Spec, key: str = "column") -> str:
    name = spec.column(key)
    if not is_text(spec.dtype(name)):
        raise UnsupportedError(f"{spec.type} on a column that is not text")
    return name


def _present(spec: Spec, name: str) -> pl.Expr:
    return ~missing(name, spec.dtype(name))


def valid_nik(spec: Spec) -> CompiledRule:
    name = _text_column(spec)
    check = spec.kwargs.get("check")
    derived = f"__nik__{name}"
    present = _present(spec, name)

    def derive(frame: pl.DataFrame, today: date) -> pl.Series:
        return _on_rows(frame, present, lambda f: check_nik_column(f[name], reference_date=today).to_struct())

    if not isinstance(check, str) or check in (NIK_BIRTH_DATE_MISMATCH, NIK_SEX_MISMATCH):
        raise UnsupportedError(f"check {check!r}")  # GX's metric raises on an unknown check: contract_error
    return CompiledRule(spec.rule, pl.col(derived).struct.field(check), present, mostly_of(spec), {derived: derive})


def valid_kk(spec: Spec) -> CompiledRule:
    name = _text_column(spec)
    check = spec.kwargs.get("check")
    if check not in ("kk_format", "kk_region_unknown"):
        raise UnsupportedError(f"check {check!r}")
    derived = f"__kk__{name}"
    present = _present(spec, name)

    def derive(frame: pl.DataFrame, _today: date) -> pl.Series:
        return _on_rows(frame, present, lambda f: check_kk_column(f[name]).to_struct())

    return CompiledRule(spec.rule, pl.col(derived).struct.field(check), present, mostly_of(spec), {derived: derive})


def valid_nik_list(spec: Spec) -> CompiledRule:
    name = spec.column()
    check = spec.kwargs.get("check")
    if spec.dtype(name) != pl.List(pl.String) or not isinstance(check, str):
        raise UnsupportedError("a NIK list that is not a list of text")
    derived = f"__nik_list__{name}__{check}"
    present = _present(spec, name)

    def derive(frame: pl.DataFrame, today: date) -> pl.Series:
        def flagged(f: pl.DataFrame) -> pl.Series:
            # One row per NIK, remembering its record; a record fails when any of its NIKs does.
            items = f.select(pl.int_range(pl.len()).alias("row"), pl.col(name).alias("nik")).explode("nik")
            problem = check_nik_column(items["nik"], reference_date=today)[check].fill_null(False)
            bad = items.get_column("row").filter(problem).unique()
            return pl.Series(np.isin(np.arange(f.height), bad.to_numpy()))

        return _on_rows(frame, present, flagged)

    return CompiledRule(spec.rule, pl.col(derived), present, mostly_of(spec), {derived: derive})


def known_desa_code(spec: Spec) -> CompiledRule:
    name = _text_column(spec)
    derived = f"__desa__{name}"
    present = _present(spec, name)

    def derive(frame: pl.DataFrame, _today: date) -> pl.Series:
        def unknown(f: pl.DataFrame) -> pl.Series:
            codes = f[name]
            well_formed = codes.str.contains(_DESA_CODE).fill_null(False).to_numpy()
            # A code of the wrong shape is the format rule's to report, as in the GX metric.
            return pl.Series(well_formed & ~master().is_known_desa(codes))

        return _on_rows(frame, present, unknown)

    return CompiledRule(spec.rule, pl.col(derived), present, mostly_of(spec), {derived: derive})


def nik_agrees_with_birth_date(spec: Spec) -> CompiledRule:
    def flags(f: pl.DataFrame, nik: str, other: str, today: date) -> pl.Series:
        text = f[other]
        born = pl.select(pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date(strict=False))).to_series()
        return check_nik_column(f[nik], birth_dates=born, reference_date=today)[NIK_BIRTH_DATE_MISMATCH]

    return _nik_pair(spec, "birth", flags)


def nik_agrees_with_sex(spec: Spec) -> CompiledRule:
    def flags(f: pl.DataFrame, nik: str, other: str, today: date) -> pl.Series:
        return check_nik_column(f[nik], sexes=f[other], reference_date=today)[NIK_SEX_MISMATCH]

    return _nik_pair(spec, "sex", flags)


def _nik_pair(spec: Spec, what: str, flags: Callable[[pl.DataFrame, str, str, date], pl.Series]) -> CompiledRule:
    nik, other = _text_column(spec, "column_A"), _text_column(spec, "column_B")
    considered = pair_considered(nik, other, spec.schema, str(spec.kwargs.get("ignore_row_if")))
    derived = f"__nik_{what}__{nik}__{other}"

    def derive(frame: pl.DataFrame, today: date) -> pl.Series:
        return _on_rows(frame, considered, lambda f: flags(f, nik, other, today))

    return CompiledRule(spec.rule, pl.col(derived), considered, mostly_of(spec), {derived: derive})
