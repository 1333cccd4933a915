"""z-scores of the WHO Child Growth Standards for a whole polars frame at once, with WHO anthro's rules.

The rules (from anthro R/z-score*.R): age in whole days rounded half up, nothing from 60 months; the 0.7 cm
length/height conversion; a standing measure before 9 months is implausible; weight-for-length below 731
days and weight-for-height from 731 days; the restricted z beyond +/-3 SD for the weight-based indicators
and MUAC; rounding to 2 decimals as R does, then flags.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl

from satudata.growth import tables
from satudata.growth.age import DAYS_PER_MONTH, MONTHS_LIMIT, round_half_up
from satudata.growth.formulas import restrict_beyond_3sd, round_like_r, zscore
from satudata.growth.inputs import Inputs, inputs_from_frame

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

LENGTH_DAYS = 731  # below this age the standards are length-based (lying), from it height-based (standing)
STANDING_TOO_YOUNG_MONTHS = 9
LENGTH_HEIGHT_SHIFT_CM = 0.7
WFL_WITHOUT_AGE_CUTOFF_CM = 87  # anthro's choice of table when neither age nor measure is known
WFL_RANGE_CM = (45.0, 110.0)
WFH_RANGE_CM = (65.0, 120.0)

# (low, high): flagged when z < low or z > high (anthro's defaults, R/z-score-*.R).
FLAG_LIMITS: dict[str, tuple[float, float]] = {
    "zlen": (-6, 6),
    "zwei": (-6, 5),
    "zwfl": (-5, 5),
    "zbmi": (-5, 5),
    "zac": (-5, 5),
    "zhc": (-5, 5),
}
Z_COLUMNS = ("zlen", "zwei", "zwfl", "zbmi", "zac")
FLAG_COLUMNS = ("flen", "fwei", "fwfl", "fbmi", "fac")
OUTPUT_COLUMNS = ("age_days_used", "clenhei", *Z_COLUMNS, *FLAG_COLUMNS, "c9mo_flag")

BLOCK_ROWS = 65_536
# Below this many rows per thread, starting threads costs more than it saves.
PARALLEL_MIN_ROWS = 100_000
_WORKERS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _positive(values: FloatArray) -> FloatArray:
    # anthro: a measurement <= 0 becomes NA.
    return np.where(values > 0, values, np.nan)


def _age_z(indicator: str, rows: npt.NDArray[np.intp], y: FloatArray, restricted: bool) -> FloatArray:
    lms_table = tables.table(indicator)
    m, s = lms_table.m.take(rows), lms_table.s.take(rows)
    if lms_table.l_is_one:
        z = np.divide(y, m)
        z -= 1
        z /= s
    else:
        l = lms_table.l.take(rows)  # noqa: E741
        z = zscore(y, l, m, s)
        if restricted:
            restrict_beyond_3sd(z, y, l, m, s)
    return round_like_r(z)


@dataclass(frozen=True)
class _LengthTables:
    """Weight-for-length and weight-for-height in one array each for L, M and S (length rows first), so
    that one gather serves both tables."""

    l: FloatArray  # noqa: E741
    m: FloatArray
    s: FloatArray
    starts: npt.NDArray[np.intp]  # block start less its first key, by 2*(sex is girl) + (table is length)
    missing_row: int
    l_flat: bool  # L constant within each block, as in WHO's tables: interpolating it would change nothing


@lru_cache(maxsize=1)
def _length_tables() -> _LengthTables:
    wfl, wfh = tables.table("weight_for_length"), tables.table("weight_for_height")
    l, m, s = (  # noqa: E741
        np.concatenate([a[: wfl.missing_row], b]) for a, b in ((wfl.l, wfh.l), (wfl.m, wfh.m), (wfl.s, wfh.s))
    )
    base = wfl.missing_row
    starts = np.array([base - wfh.first, -wfl.first, base + wfh.size - wfh.first, wfl.size - wfl.first], dtype=np.intp)
    blocks = (l[:base].reshape(2, wfl.size), l[base : base + wfh.missing_row].reshape(2, wfh.size))
    l_flat = all(bool(np.all(block == block[:, :1])) for block in blocks)
    return _LengthTables(l, m, s, starts, base + wfh.missing_row, l_flat)


def _zwfl(
    inp: Inputs, day: FloatArray, months: FloatArray, standing: BoolArray, clenhei: FloatArray, y: FloatArray
) -> FloatArray:
    lt = _length_tables()
    known_age = ~np.isnan(day)
    known_measure = inp.lying | standing
    # With no age the recorded measure decides, and with no measure either the length itself (anthro).
    fallback = (known_measure & inp.lying) | (~known_measure & (clenhei < WFL_WITHOUT_AGE_CUTOFF_CM))
    use_length = (known_age & (day < LENGTH_DAYS)) | (~known_age & fallback)
    in_range = (use_length & (clenhei >= WFL_RANGE_CM[0]) & (clenhei <= WFL_RANGE_CM[1])) | (
        ~use_length & (clenhei >= WFH_RANGE_CM[0]) & (clenhei <= WFH_RANGE_CM[1])
    )
    girl = inp.sex == 2
    # An unknown age still gets weight-for-length/height (anthro computes it), hence not(months >= 60).
    valid = (girl | (inp.sex == 1)) & in_range & ~(months >= MONTHS_LIMIT)
    tenths, step, fraction = tables.grid_position(clenhei)
    lower = lt.starts.take(girl * 2 + use_length)
    lower += tenths.astype(np.intp)  # garbage where tenths is NaN, but those rows are not valid
    np.copyto(lower, lt.missing_row, where=~valid)
    upper = tables.upper_rows(lower, step, fraction)
    if lt.l_flat:
        l = lt.l.take(lower)  # noqa: E741
        m, s = tables.interpolate((lt.m, lt.s), lower, upper, fraction)
    else:
        l, m, s = tables.interpolate((lt.l, lt.m, lt.s), lower, upper, fraction)  # noqa: E741
    z = zscore(y, l, m, s)
    restrict_beyond_3sd(z, y, l, m, s)
    return round_like_r(z)


def compute(inp: Inputs) -> dict[str, FloatArray]:
    """All z-scores as numpy arrays (NaN where not computable), plus age_days_used, clenhei and c9mo_flag."""
    age = np.where(inp.age_days >= 0, inp.age_days, np.nan)  # a negative age is a missing age
    months = age / DAYS_PER_MONTH  # unrounded, as anthro compares it
    day = round_half_up(age)
    too_young_to_stand = inp.standing & (months < STANDING_TOO_YOUNG_MONTHS)
    standing = inp.standing & ~too_young_to_stand  # anthro sets the measure to NA: no +0.7 cm
    # +0.7 cm (standing under 731 d), -0.7 cm (lying from 731 d), or + 0.0, which leaves a length as it is.
    shift = ((day < LENGTH_DAYS) & standing).astype(np.int8) - ((day >= LENGTH_DAYS) & inp.lying)
    clenhei = inp.lenhei + shift * LENGTH_HEIGHT_SHIFT_CM
    # A length <= 0 is NA, as recorded and as converted (anthro only checks the converted one, which would
    # score a recorded 0 cm standing as 0.7 cm).
    np.copyto(clenhei, np.nan, where=~((inp.lenhei > 0) & (clenhei > 0)))
    # Oedema makes the weight-based z-scores NA; a weight <= 0 is NA as any measurement.
    weight = np.where(inp.oedema | ~(inp.weight > 0), np.nan, inp.weight)

    size = tables.AGE_TABLE_SIZE
    rows = tables.rows_for(inp.sex, day, 0, size, 2 * size, months < MONTHS_LIMIT)
    bmi = weight / ((clenhei / 100) ** 2)
    out = {
        "age_days_used": day,
        "clenhei": clenhei,
        "zlen": _age_z("length_height_for_age", rows, clenhei, restricted=False),
        "zwei": _age_z("weight_for_age", rows, weight, restricted=True),
        "zwfl": _zwfl(inp, day, months, standing, clenhei, weight),
        "zbmi": _age_z("bmi_for_age", rows, bmi, restricted=True),
        # The MUAC table starts at day 91 (days before are NaN), which is anthro's allowed range 91..1856 d.
        "zac": _age_z("arm_circumference_for_age", rows, _positive(inp.muac), restricted=True),
        "c9mo_flag": too_young_to_stand,
    }
    if inp.headc is not None:
        out["zhc"] = _age_z("head_circumference_for_age", rows, _positive(inp.headc), restricted=False)
    return out


def _flag(z_column: str) -> pl.Expr:
    low, high = FLAG_LIMITS[z_column]
    z = pl.col(z_column)
    # A null z gives a null comparison, so the flag is null exactly when the z-score is.
    return ((z < low) | (z > high)).cast(pl.Int8).alias("f" + z_column.removeprefix("z"))


def _compute_block(inp: Inputs, out: dict[str, npt.NDArray[np.generic]], begin: int) -> None:
    end = min(begin + BLOCK_ROWS, len(inp))
    with np.errstate(invalid="ignore", divide="ignore"):
        for name, values in compute(inp.rows(begin, end)).items():
            out[name][begin:end] = values


def _new_columns(frame: pl.DataFrame) -> pl.DataFrame:
    inp = inputs_from_frame(frame)
    n = frame.height
    z_names = [*Z_COLUMNS, *(["zhc"] if inp.headc is not None else [])]
    out: dict[str, npt.NDArray[np.generic]] = {name: np.empty(n) for name in ("age_days_used", "clenhei", *z_names)}
    out["c9mo_flag"] = np.empty(n, dtype=bool)
    # Blocks of a few hundred kB stay in the CPU cache and let the allocator reuse the same memory block
    # after block; whole-column temporaries were page-faulted in afresh on every call, costing more than
    # the maths.
    starts = range(0, n, BLOCK_ROWS)
    workers = min(_WORKERS, n // PARALLEL_MIN_ROWS)
    _length_tables()  # load every table here, not in several threads at once
    for indicator in tables.AGE_TABLE_FILES:
        tables.table(indicator)
    if workers <= 1:
        for begin in starts:
            _compute_block(inp, out, begin)
    else:
        # numpy releases the GIL inside its loops, so blocks run in parallel threads; handing out one block
        # at a time keeps every thread busy when another process slows one of them down.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [pool.submit(_compute_block, inp, out, begin) for begin in starts]:
                done.result()
    new = pl.DataFrame(
        [
            pl.Series("age_days_used", out["age_days_used"], nan_to_null=True).cast(pl.Int32),
            pl.Series("clenhei", out["clenhei"], nan_to_null=True),
            *(pl.Series(name, out[name], nan_to_null=True) for name in z_names),
            pl.Series("c9mo_flag", out["c9mo_flag"]).cast(pl.Int8),
        ]
    )
    order = [*OUTPUT_COLUMNS, *(["zhc", "fhc"] if inp.headc is not None else [])]
    return new.with_columns(_flag(name) for name in z_names).select(order)


def zscores(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with WHO z-scores and flags added (OUTPUT_COLUMNS, replacing columns of those names).

    Input columns: `sex` (1 male, 2 female), `age_days` (may be fractional; or `birth_date` and
    `measure_date` as Date), `weight_kg`, `lenhei_cm`, `measure` ('l' lying / 'h' standing), `oedema`
    (Boolean, null = no), and optionally `muac_cm`, and `headc_cm` (which adds `zhc` and `fhc`). Nulls are
    allowed everywhere; a row without what an indicator needs gets null for it.
    """
    new = _new_columns(frame)
    return frame.drop([c for c in new.columns if c in frame.columns]).hstack(new)
