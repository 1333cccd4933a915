"""Age as the WHO growth standards count it: whole days, rounded half up, and months of 30.4375 days."""

from __future__ import annotations

import datetime as dt
from typing import overload

import numpy as np
import numpy.typing as npt
import polars as pl

DAYS_PER_MONTH = 30.4375  # anthro's ANTHRO_DAYS_OF_MONTH (365.25 / 12)
MONTHS_LIMIT = 60  # z-scores only below 60 months (anthro >= 0.9.3)


def round_half_up(days: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """anthro's `round_up`: x.5 goes up, so 24 months = 730.5 d becomes day 731 (anthro issue #17).

    Written as floor plus a comparison of the remainder, not floor(x + 0.5), because the addition can round
    0.49999999999999994 up to 1 and anthro does not.
    """
    whole = np.floor(days)
    whole += days - whole >= 0.5
    return whole


def days_from_months(months: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Age in (unrounded) days from an age in months, for callers whose data count months."""
    return np.asarray(months, dtype=np.float64) * DAYS_PER_MONTH


@overload
def age_in_days(birth_date: dt.date, measure_date: dt.date) -> int: ...
@overload
def age_in_days(birth_date: pl.Series, measure_date: pl.Series) -> pl.Series: ...
@overload
def age_in_days(birth_date: pl.Expr | str, measure_date: pl.Expr | str) -> pl.Expr: ...
def age_in_days(
    birth_date: dt.date | pl.Series | pl.Expr | str, measure_date: dt.date | pl.Series | pl.Expr | str
) -> int | pl.Series | pl.Expr:
    """Completed days from birth to measurement, for plain dates, polars Date Series, or expressions (a str
    is a column name).

    The day count is exact (calendar arithmetic), so no rounding is needed; a measurement before birth gives
    a negative number, which `zscores` treats as a missing age.
    """
    if isinstance(birth_date, str):
        birth_date = pl.col(birth_date)
    if isinstance(measure_date, str):
        measure_date = pl.col(measure_date)
    if isinstance(birth_date, pl.Expr) or isinstance(measure_date, pl.Expr):
        return (_as_expr(measure_date) - _as_expr(birth_date)).dt.total_days()
    if isinstance(birth_date, pl.Series) or isinstance(measure_date, pl.Series):
        # A plain date on one side broadcasts, as a unit-length Series does in polars arithmetic.
        difference = _as_series(measure_date) - _as_series(birth_date)
        return difference.dt.total_days().alias("age_days")
    if isinstance(birth_date, dt.datetime) or isinstance(measure_date, dt.datetime):
        birth_date, measure_date = _as_date(birth_date), _as_date(measure_date)
    return (measure_date - birth_date).days


def _as_date(value: dt.date) -> dt.date:
    # A datetime's time of day must not turn 1 day into 0 (23 h) days: the standards count calendar days.
    return value.date() if isinstance(value, dt.datetime) else value


def _as_expr(value: dt.date | pl.Series | pl.Expr) -> pl.Expr:
    return value if isinstance(value, pl.Expr) else pl.lit(value)


def _as_series(value: dt.date | pl.Series) -> pl.Series:
    return value if isinstance(value, pl.Series) else pl.Series([_as_date(value)], dtype=pl.Date)
