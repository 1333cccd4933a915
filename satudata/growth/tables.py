"""The WHO Child Growth Standards LMS tables, loaded once from the CSVs in `data/` into numpy arrays.

Each table is flattened as ``[boys' keys..., girls' keys..., NaN, NaN, NaN]`` so that a lookup is one
integer gather: ``row = (sex - 1) * size + key - first``. Rows that cannot be looked up (sex or key missing
or out of range) point at the first trailing NaN (`missing_row`), so NaN flows on through the formulas
instead of needing a mask afterwards; the two NaN after it let an interpolation step up to two rows past it
without a bounds check.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import polars as pl

from satudata.growth.age import round_half_up

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

AGE_TABLE_FILES: dict[str, str] = {
    "length_height_for_age": "who2006_length_height_for_age.csv",
    "weight_for_age": "who2006_weight_for_age.csv",
    "bmi_for_age": "who2006_bmi_for_age.csv",
    "arm_circumference_for_age": "who2007_arm_circumference_for_age.csv",
    "head_circumference_for_age": "who2007_head_circumference_for_age.csv",
}
LENGTH_TABLE_FILES: dict[str, tuple[str, str]] = {
    "weight_for_length": ("who2006_weight_for_length.csv", "length_cm"),
    "weight_for_height": ("who2006_weight_for_height.csv", "height_cm"),
}
INDICATORS: tuple[str, ...] = (*AGE_TABLE_FILES, *LENGTH_TABLE_FILES)

LAST_TABLE_DAY = 1826
# Every age table gets the same 0..1826 layout (MUAC's days 0..90 are NaN), so one row index serves them all.
AGE_TABLE_SIZE = LAST_TABLE_DAY + 1
NAN_PADDING = 3


@dataclass(frozen=True)
class LmsTable:
    """L, M and S of one indicator. Keys are age in days, or length/height in tenths of a cm."""

    indicator: str
    first: int
    size: int
    l: FloatArray  # noqa: E741 (L is the name the WHO method gives it)
    m: FloatArray
    s: FloatArray

    @property
    def missing_row(self) -> int:
        return 2 * self.size

    @property
    def l_is_one(self) -> bool:
        # With L == 1 everywhere the LMS z is (y/M - 1)/S, bit-identical and without a pow per row.
        return bool(np.all(self.l[: self.missing_row] == 1.0))


def _read(filename: str) -> pl.DataFrame:
    raw = resources.files("satudata.growth").joinpath("data", filename).read_bytes()
    return pl.read_csv(raw, schema_overrides={"L": pl.Float64, "M": pl.Float64, "S": pl.Float64})


def _build(indicator: str, frame: pl.DataFrame, keys: pl.Series, first: int, size: int) -> LmsTable:
    arrays = {name: np.full(2 * size + NAN_PADDING, np.nan) for name in ("L", "M", "S")}
    sex = frame["sex_code"].to_numpy()
    key = keys.to_numpy()
    if not np.isin(sex, (1, 2)).all() or key.min() < first or key.max() >= first + size:
        raise RuntimeError(f"LMS table {indicator} has keys outside {first}..{first + size - 1}")
    rows = (sex - 1) * size + key - first
    if len(np.unique(rows)) != len(rows):
        raise RuntimeError(f"LMS table {indicator} has duplicate keys")
    for name, array in arrays.items():
        array[rows] = frame[name].to_numpy()
        array.setflags(write=False)
    return LmsTable(indicator, first, size, arrays["L"], arrays["M"], arrays["S"])


@cache
def table(indicator: str) -> LmsTable:
    """The LMS table of one indicator (one of `INDICATORS`), read from the package once per process."""
    if indicator in AGE_TABLE_FILES:
        frame = _read(AGE_TABLE_FILES[indicator])
        return _build(indicator, frame, frame["age_days"], 0, AGE_TABLE_SIZE)
    if indicator in LENGTH_TABLE_FILES:
        filename, key_column = LENGTH_TABLE_FILES[indicator]
        frame = _read(filename)
        tenths = (frame[key_column] * 10).round(0).cast(pl.Int64)
        first = int(tenths.min())  # type: ignore[arg-type]
        size = int(tenths.max()) - first + 1  # type: ignore[operator]
        return _build(indicator, frame, tenths, first, size)
    raise ValueError(f"unknown growth indicator {indicator!r}; expected one of {', '.join(INDICATORS)}")


def rows_for(
    sex: FloatArray, key: FloatArray, first: int, size: int, missing_row: int, usable: npt.ArrayLike = True
) -> IndexArray:
    """Row indices for sex 1/2 and integer-valued keys; anything else, or not `usable`, is `missing_row`."""
    valid = ((sex == 1) | (sex == 2)) & (key >= first) & (key < first + size) & usable
    rows = (sex - 1) * size
    rows += key - first
    np.copyto(rows, missing_row, where=~valid)
    return rows.astype(np.intp)


def grid_position(cm: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The grid point at or below each length/height (in tenths of a cm), the step to the one above, and
    the fraction of the way between them.

    anthro takes low = trunc(h*10)/10, upp = trunc(h*10 + 1)/10 and diff = (h - low)/0.1
    (R/z-score-weight-for-lenhei.R); the same float operations are kept so that results agree to the bit
    (the step is 1, or 2 where h*10 + 1 rounds up to the next whole number). anthro interpolates only when
    diff > 0, so the fraction is clipped at 0, which makes low + fraction*(upp - low) exactly low there.
    """
    scaled = cm * 10
    tenths = np.trunc(scaled)
    scaled += 1
    step = np.trunc(scaled, out=scaled)
    step -= tenths
    fraction = tenths / 10
    np.subtract(cm, fraction, out=fraction)
    fraction /= 0.1
    np.maximum(fraction, 0, out=fraction)
    return tenths, step, fraction


def upper_rows(lower: IndexArray, step: FloatArray, fraction: FloatArray) -> IndexArray:
    """The upper grid row: one (rarely two) past the lower one, or the lower one itself where there is nothing
    to interpolate, so that the last grid point of a table never reaches past it."""
    moving = fraction > 0
    upper = lower + moving
    two = step > 1
    if two.any():
        upper += moving & two
    return upper


def interpolate(
    arrays: tuple[FloatArray, ...], lower: IndexArray, upper: IndexArray, fraction: FloatArray
) -> list[FloatArray]:
    """low + fraction*(upp - low) for each of `arrays` (L, M, S), anthro's order of operations."""
    out = []
    for values in arrays:
        low = values.take(lower)
        high = values.take(upper)
        high -= low
        high *= fraction
        high += low
        out.append(high)
    return out


def interpolated_lms(lms_table: LmsTable, sex: FloatArray, cm: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """L, M, S at a length/height, interpolated between the two 0.1 cm grid points as WHO's anthro does.

    NaN outside the table (45-110 cm for length, 65-120 cm for height).
    """
    first, size = lms_table.first, lms_table.size
    tenths, step, fraction = grid_position(cm)
    in_range = (cm >= first / 10) & (cm <= (first + size - 1) / 10)
    lower = rows_for(sex, tenths, first, size, lms_table.missing_row, in_range)
    upper = upper_rows(lower, step, fraction)
    l, m, s = interpolate((lms_table.l, lms_table.m, lms_table.s), lower, upper, fraction)  # noqa: E741
    return l, m, s


def lms(indicator: str, sex: npt.ArrayLike, key: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Vectorised L, M, S for `indicator` (one of `INDICATORS`).

    `sex` is 1 (male) or 2 (female). `key` is the age in days (rounded half up to a whole day, as anthro
    does) for the age-based tables, or the length/height in cm for weight_for_length / weight_for_height
    (interpolated between the 0.1 cm grid points). Anything outside the table gives NaN.
    """
    lms_table = table(indicator)
    sex_array, key_array = np.broadcast_arrays(
        np.atleast_1d(np.asarray(sex, dtype=np.float64)), np.atleast_1d(np.asarray(key, dtype=np.float64))
    )
    shape = np.broadcast_shapes(np.shape(sex), np.shape(key))
    if indicator in LENGTH_TABLE_FILES:
        l, m, s = interpolated_lms(lms_table, sex_array, key_array)  # noqa: E741
    else:
        day = round_half_up(np.where(key_array >= 0, key_array, np.nan))
        rows = rows_for(sex_array, day, lms_table.first, lms_table.size, lms_table.missing_row)
        l, m, s = lms_table.l[rows], lms_table.m[rows], lms_table.s[rows]  # noqa: E741
    return l.reshape(shape), m.reshape(shape), s.reshape(shape)
