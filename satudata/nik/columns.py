"""NIK and KK checks over a whole column, in polars expressions only; they agree with `parse` value for value.

Intermediate values are materialised as columns stage by stage: nesting them as expressions would repeat
each substring parse dozens of times over (one check took 15 s per million rows that way).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from satudata.nik.reasons import (
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
)
from satudata.regions import INDONESIA_PROVINCE_CODES, NTT_PROVINCE_CODE, master

_NIK = pl.col("nik")
_WELL_FORMED = pl.col("_well_formed")
_VALID = pl.col("_valid")


def _int(start: int, length: int) -> pl.Expr:
    return _NIK.str.slice(start, length).cast(pl.Int32, strict=False)


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return pl.when(month == 2).then(28 + leap.cast(pl.Int32)).when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31)


def _with_birth(frame: pl.LazyFrame, reference_date: date) -> pl.LazyFrame:
    """Adds `_well_formed`, and `_valid`, `_born`, `_nik_sex` as `_birth` reads them (null where invalid)."""
    dd, month, yy, day = pl.col("_dd"), pl.col("_month"), pl.col("_yy"), pl.col("_day")
    ref_yy = reference_date.year % 100
    after_reference = (yy > ref_yy) | (
        (yy == ref_yy)
        & ((month > reference_date.month) | ((month == reference_date.month) & (day > reference_date.day)))
    )
    this_century = reference_date.year - ref_yy + yy
    year = pl.col("_year")
    return (
        frame.with_columns(
            _well_formed=_NIK.str.contains(r"^[0-9]{16}$").fill_null(False),
            _dd=_int(6, 2),
            _month=_int(8, 2),
            _yy=_int(10, 2),
        )
        .with_columns(_day=pl.when(dd > 40).then(dd - 40).otherwise(dd))
        .with_columns(
            _year=pl.when((day <= _days_in_month(this_century, month)) & ~after_reference)
            .then(this_century)
            .otherwise(this_century - 100)
        )
        .with_columns(
            _valid=(
                _WELL_FORMED
                & (dd.is_between(1, 31) | dd.is_between(41, 71))
                & month.is_between(1, 12)
                & (day <= _days_in_month(year, month))
            ).fill_null(False)
        )
        .with_columns(
            # pl.date raises on an impossible date even in rows `when` discards, so those get a harmless one.
            _born=pl.when(_VALID).then(
                pl.date(
                    pl.when(_VALID).then(year).otherwise(2000),
                    pl.when(_VALID).then(month).otherwise(1),
                    pl.when(_VALID).then(day).otherwise(1),
                )
            ),
            _nik_sex=pl.when(_VALID).then(pl.when(dd > 40).then(pl.lit("P")).otherwise(pl.lit("L"))),
        )
    )


def _region_exprs() -> tuple[pl.Expr, pl.Expr, pl.Expr, pl.Expr]:
    """(province unknown, registered elsewhere, kabupaten unknown, kecamatan unknown), as `_region_reason`."""
    regions = master()
    province = _NIK.str.slice(0, 2)
    province_known = province.is_in(sorted(INDONESIA_PROVINCE_CODES))
    in_ntt = province == NTT_PROVINCE_CODE
    kabupaten_known = _NIK.str.slice(0, 4).is_in([region.digits for region in regions.kabupaten()])
    kecamatan_known = _NIK.str.slice(0, 6).is_in([region.digits for region in regions.kecamatan()])
    return (
        ~province_known,
        province_known & ~in_ntt,
        in_ntt & ~kabupaten_known,
        in_ntt & kabupaten_known & ~kecamatan_known,
    )


def _frame(niks: pl.Series, **others: pl.Series | None) -> pl.LazyFrame:
    columns = {"nik": niks.cast(pl.String)}
    for name, series in others.items():
        if series is None:
            continue
        if len(series) != len(niks):
            raise ValueError(
                f"Kolom {name} harus sepanjang kolom NIK ({len(series)} ≠ {len(niks)}). / "
                f"Column {name} must be as long as the NIK column ({len(series)} ≠ {len(niks)})."
            )
        columns[name] = series
    return pl.LazyFrame(columns)


def check_nik_column(
    niks: pl.Series,
    *,
    birth_dates: pl.Series | None = None,
    sexes: pl.Series | None = None,
    reference_date: date | None = None,
) -> pl.DataFrame:
    """One Boolean column per NIK reason code (True = that problem is present), row for row with `niks`.

    Agrees with `check_nik` value for value; a null NIK has no problems here.
    """
    frame = _with_birth(_frame(niks, birth_date=birth_dates, sex=sexes), reference_date or date.today())
    province_unknown, elsewhere, kabupaten_unknown, kecamatan_unknown = _region_exprs()
    born = pl.col("_born")
    exprs = {
        NIK_FORMAT: _NIK.is_not_null() & ~_WELL_FORMED,
        NIK_PROVINCE_UNKNOWN: _WELL_FORMED & province_unknown,
        NIK_REGISTERED_ELSEWHERE: _WELL_FORMED & elsewhere,
        NIK_KABUPATEN_UNKNOWN: _WELL_FORMED & kabupaten_unknown,
        NIK_KECAMATAN_UNKNOWN: _WELL_FORMED & kecamatan_unknown,
        NIK_BIRTH_DATE_INVALID: _WELL_FORMED & ~_VALID,
        NIK_SERIAL_ZERO: _WELL_FORMED & (_NIK.str.slice(12, 4) == "0000"),
        NIK_BIRTH_DATE_MISMATCH: pl.lit(False),
        NIK_SEX_MISMATCH: pl.lit(False),
    }
    if birth_dates is not None:
        recorded = pl.col("birth_date").cast(pl.Date)
        exprs[NIK_BIRTH_DATE_MISMATCH] = _VALID & (
            (born.dt.day() != recorded.dt.day())
            | (born.dt.month() != recorded.dt.month())
            | (born.dt.year() % 100 != recorded.dt.year() % 100)
        )
    if sexes is not None:
        recorded_sex = pl.col("sex").cast(pl.String)
        exprs[NIK_SEX_MISMATCH] = _VALID & recorded_sex.is_in(["L", "P"]) & (recorded_sex != pl.col("_nik_sex"))
    return frame.select(expr.fill_null(False).alias(code) for code, expr in exprs.items()).collect()


def check_kk_column(kks: pl.Series) -> pl.DataFrame:
    """`kk_format` and `kk_region_unknown` as Boolean columns, agreeing with `check_kk`."""
    province_unknown, _, kabupaten_unknown, _ = _region_exprs()
    well_formed = _NIK.str.contains(r"^[0-9]{16}$").fill_null(False)
    return (
        _frame(kks)
        .select(
            (_NIK.is_not_null() & ~well_formed).alias(KK_FORMAT),
            (well_formed & (province_unknown | kabupaten_unknown)).fill_null(False).alias(KK_REGION_UNKNOWN),
        )
        .collect()
    )


def nik_birth_date(niks: pl.Series, reference_date: date | None = None) -> pl.Series:
    """The birth date each NIK encodes (century as in `parse_nik`); null where it cannot be read."""
    frame = _with_birth(_frame(niks), reference_date or date.today())
    return frame.select(pl.col("_born").alias("birth_date")).collect().to_series()


def nik_sex(niks: pl.Series, *, reference_date: date | None = None) -> pl.Series:
    """'L' or 'P' from each NIK's day digits; null wherever `nik_birth_date` is null."""
    frame = _with_birth(_frame(niks), reference_date or date.today())
    return frame.select(pl.col("_nik_sex").alias("sex")).collect().to_series()
