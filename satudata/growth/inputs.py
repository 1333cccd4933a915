"""The columns of a polars frame as the numpy arrays the z-score maths works on: NaN for missing numbers,
booleans for the measuring position and oedema."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import polars as pl

from satudata.growth.age import age_in_days

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_SEX_CODES = {"1": 1, "2": 2, "m": 1, "f": 2, "M": 1, "F": 2}  # what anthro accepts for sex


@dataclass(frozen=True)
class Inputs:
    sex: FloatArray
    age_days: FloatArray
    weight: FloatArray
    lenhei: FloatArray
    lying: BoolArray
    standing: BoolArray
    oedema: BoolArray
    muac: FloatArray
    headc: FloatArray | None

    def __len__(self) -> int:
        return len(self.sex)

    def rows(self, start: int, stop: int) -> Inputs:
        """Views of a block of rows (no copies)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return Inputs(**{name: None if v is None else v[start:stop] for name, v in values.items()})


def _number(frame: pl.DataFrame, name: str) -> pl.Expr:
    value = pl.col(name).cast(pl.Float64) if name in frame.columns else pl.lit(None, pl.Float64)
    return value.fill_null(np.nan).alias(name)


def _is_any(column: pl.Expr, *values: str) -> pl.Expr:
    result = column.eq_missing(values[0])
    for value in values[1:]:
        result = result | column.eq_missing(value)
    return result


def _sex(frame: pl.DataFrame) -> pl.Expr:
    if "sex" not in frame.columns:
        raise ValueError("zscores needs a sex column (1 = male, 2 = female)")
    if frame.schema["sex"] == pl.Utf8:
        coded = pl.col("sex").str.strip_chars().replace_strict(_SEX_CODES, default=None, return_dtype=pl.Int8)
        return coded.cast(pl.Float64).fill_null(np.nan).alias("sex")
    return _number(frame, "sex")


def _age(frame: pl.DataFrame) -> pl.Expr:
    columns = set(frame.columns)
    age = pl.col("age_days").cast(pl.Float64) if "age_days" in columns else None
    if {"birth_date", "measure_date"} <= columns:
        from_dates = age_in_days(pl.col("birth_date"), pl.col("measure_date")).cast(pl.Float64)
        age = from_dates if age is None else age.fill_null(from_dates)
    if age is None:
        raise ValueError("zscores needs an age: column age_days, or birth_date and measure_date")
    return age.fill_null(np.nan).alias("age_days")


def inputs_from_frame(frame: pl.DataFrame) -> Inputs:
    """The frame's input columns as arrays; absent optional columns are all missing (oedema: all 'no')."""
    measure = pl.col("measure") if "measure" in frame.columns else pl.lit(None, pl.Utf8)
    oedema = pl.col("oedema") if "oedema" in frame.columns else pl.lit(False)
    if "oedema" in frame.columns and frame.schema["oedema"] == pl.Utf8:
        oedema = _is_any(oedema, "y", "Y")
    # One select converts every column at once (polars runs it in parallel).
    columns = frame.select(
        _sex(frame),
        _age(frame),
        _number(frame, "weight_kg"),
        _number(frame, "lenhei_cm"),
        _number(frame, "muac_cm"),
        _number(frame, "headc_cm"),
        _is_any(measure, "l", "L").alias("lying"),
        _is_any(measure, "h", "H").alias("standing"),
        oedema.cast(pl.Boolean).fill_null(False).alias("oedema"),
    )
    array = {name: columns[name].to_numpy() for name in columns.columns}
    return Inputs(
        sex=array["sex"],
        age_days=array["age_days"],
        weight=array["weight_kg"],
        lenhei=array["lenhei_cm"],
        lying=array["lying"],
        standing=array["standing"],
        oedema=array["oedema"],
        muac=array["muac_cm"],
        headc=array["headc_cm"] if "headc_cm" in frame.columns else None,
    )
