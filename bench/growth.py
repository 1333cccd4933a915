"""Benchmark of satudata.growth.zscores against a straightforward per-row Python implementation.

    .venv/bin/python bench/growth.py [--n 1000000] [--sample 20000] [--repeat 3] [--seed 20240601]

Generates synthetic children (seeded numpy), times the vectorised z-scores on all of them and a per-row
baseline on a sample in the same run (interleaved, medians), checks that the two agree cell for cell, and
prints records/s for both and the ratio. Goal: >= 1,000,000 records/s and >= 50x the per-row baseline.
Both are timed frame in, frame out, and compute the same columns (clenhei, five z-scores, their flags, c9mo).
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from typing import Any

import numpy as np
import polars as pl

from satudata.growth import measurement_for_z, tables, zscores

GOAL_RECORDS_PER_S = 1_000_000
GOAL_RATIO = 50
INPUT_COLUMNS = ["sex", "age_days", "weight_kg", "lenhei_cm", "measure", "oedema", "muac_cm"]
Z_NAMES = ["zlen", "zwei", "zwfl", "zbmi", "zac"]
FLAG_LIMITS = {"zlen": (-6, 6), "zwei": (-6, 5), "zwfl": (-5, 5), "zbmi": (-5, 5), "zac": (-5, 5)}
FLAG_NAMES = ["flen", "fwei", "fwfl", "fbmi", "fac"]
COMPARED = ["clenhei", *Z_NAMES, *FLAG_NAMES, "c9mo_flag"]
ROW_SCHEMA = {
    "clenhei": pl.Float64,
    **dict.fromkeys(Z_NAMES, pl.Float64),
    **dict.fromkeys(FLAG_NAMES, pl.Int8),
}
ROW_SCHEMA["c9mo_flag"] = pl.Int8


def synthetic_children(n: int, seed: int) -> pl.DataFrame:
    """Children 0-5 years with NTT-like stunting, some measured in the wrong position, some values missing."""
    rng = np.random.default_rng(seed)
    sex = rng.integers(1, 3, n)
    age = rng.integers(0, 1856, n)  # a few beyond 60 months, as in real registers
    z_len = np.clip(rng.normal(-1.3, 1.2, n), -3, 3)
    z_wei = np.clip(0.6 * z_len + rng.normal(-0.3, 0.8, n), -3, 3)
    z_ac = np.clip(rng.normal(-0.5, 1.0, n), -3, 3)
    length = measurement_for_z("length_height_for_age", sex, age, z_len)
    lying_expected = age < 731
    lying = np.where(rng.random(n) < 0.1, ~lying_expected, lying_expected)
    # A standing child measures 0.7 cm less than lying; the recorded value reflects the position used.
    lenhei = length + np.where(lying & ~lying_expected, 0.7, 0) - np.where(~lying & lying_expected, 0.7, 0)
    weight = measurement_for_z("weight_for_age", sex, age, z_wei)
    muac = measurement_for_z("arm_circumference_for_age", sex, age, z_ac)

    def some_missing(values: np.ndarray, share: float) -> np.ndarray:
        return np.where(rng.random(n) < share, np.nan, values)

    return pl.DataFrame(
        {
            "sex": pl.Series(np.where(rng.random(n) < 0.005, 0, sex)).replace(0, None),
            "age_days": some_missing(age.astype(np.float64), 0.01),
            "weight_kg": some_missing(np.round(weight, 1), 0.02),
            "lenhei_cm": some_missing(np.round(lenhei, 1), 0.02),
            "measure": pl.Series(np.where(lying, "l", "h")).scatter(np.flatnonzero(rng.random(n) < 0.01), None),
            "oedema": rng.random(n) < 0.002,
            "muac_cm": some_missing(np.round(muac, 1), 0.3),
        },
        nan_to_null=True,
    ).with_columns(pl.col("sex").cast(pl.Int64))


# ---- the per-row baseline: plain Python, math functions and dict lookups, one row at a time ----------------


def lms_dicts() -> dict[str, dict[tuple[int, int], tuple[float, float, float]]]:
    out: dict[str, dict[tuple[int, int], tuple[float, float, float]]] = {}
    for name in tables.INDICATORS:
        t = tables.table(name)
        rows: dict[tuple[int, int], tuple[float, float, float]] = {}
        for sex in (1, 2):
            for k in range(t.size):
                i = (sex - 1) * t.size + k
                if not math.isnan(t.m[i]):
                    rows[(sex, t.first + k)] = (float(t.l[i]), float(t.m[i]), float(t.s[i]))
        out[name] = rows
    return out


def _round2(x: float) -> float:
    """R's round(x, 2) (src/nmath/fround.c), so that both implementations give the same numbers."""
    a = abs(x)
    x100 = a * 100
    down = math.floor(x100)
    lower, upper = down / 100, math.ceil(x100) / 100
    to_upper, to_lower = upper - a, a - lower
    r = upper if to_upper < to_lower or (to_upper == to_lower and down % 2 == 1) else lower
    return r if x >= 0 else -r


def _z(y: float, lms: tuple[float, float, float], restricted: bool) -> float:
    l, m, s = lms  # noqa: E741
    z = ((y / m) ** l - 1) / (s * l)
    if restricted and abs(z) > 3:
        sd3 = m * (1 + l * s * math.copysign(3, z)) ** (1 / l)
        sd2 = m * (1 + l * s * math.copysign(2, z)) ** (1 / l)
        z = math.copysign(3, z) + (y - sd3) / abs(sd3 - sd2)
    return _round2(z)


def _wfl(sex: int, h: float, w: float, table: dict[tuple[int, int], tuple[float, float, float]]) -> float | None:
    low = math.trunc(h * 10)
    diff = (h - low / 10) / 0.1
    lo = table.get((sex, low))
    if lo is None:
        return None
    if diff > 0:
        up = table.get((sex, math.trunc(h * 10 + 1)))
        if up is None:
            return None
        lo = tuple(a + diff * (b - a) for a, b in zip(lo, up, strict=True))  # type: ignore[assignment]
    return _z(w, lo, True)


def per_row(frame: pl.DataFrame, lms: dict[str, dict[tuple[int, int], Any]]) -> pl.DataFrame:
    """Frame in, frame out, like zscores(), so that both timings include getting the data in and out."""
    out = []
    for sex, age, weight, lenhei, measure, oedema, muac in frame.select(INPUT_COLUMNS).rows():
        zlen = zwei = zwfl = zbmi = zac = None
        if age is not None and age < 0:
            age = None
        day = math.floor(age + 0.5) if age is not None else None
        months = age / 30.4375 if age is not None else None
        c9mo = 0
        if measure == "h" and months is not None and months < 9:
            measure, c9mo = None, 1
        h = lenhei if lenhei is not None and lenhei > 0 else None
        if h is not None and day is not None:
            if day < 731 and measure == "h":
                h += 0.7
            elif day >= 731 and measure == "l":
                h -= 0.7
                h = h if h > 0 else None
        w = weight if weight is not None and weight > 0 and not oedema else None
        if sex in (1, 2):
            if day is not None and months < 60:
                key = (sex, day)
                if h is not None:
                    zlen = _z(h, lms["length_height_for_age"][key], False)
                if w is not None:
                    zwei = _z(w, lms["weight_for_age"][key], True)
                    if h is not None:
                        zbmi = _z(w / (h / 100) ** 2, lms["bmi_for_age"][key], True)
                if muac is not None and muac > 0 and key in lms["arm_circumference_for_age"]:
                    zac = _z(muac, lms["arm_circumference_for_age"][key], True)
            if w is not None and h is not None and (months is None or months < 60):
                use_length = day < 731 if day is not None else (measure == "l" if measure else h < 87)
                if use_length and 45 <= h <= 110:
                    zwfl = _wfl(sex, h, w, lms["weight_for_length"])
                elif not use_length and 65 <= h <= 120:
                    zwfl = _wfl(sex, h, w, lms["weight_for_height"])
        zs = (zlen, zwei, zwfl, zbmi, zac)
        flags = [
            None if z is None else int(z < low or z > high)
            for z, (low, high) in zip(zs, FLAG_LIMITS.values(), strict=True)
        ]
        out.append((h, *zs, *flags, c9mo))
    return pl.DataFrame(dict(zip(ROW_SCHEMA, map(list, zip(*out, strict=True)), strict=True)), schema=ROW_SCHEMA)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="children for the vectorised run")
    parser.add_argument("--sample", type=int, default=20_000, help="children for the per-row baseline")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (medians are reported)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    frame = synthetic_children(args.n, args.seed)
    sample = frame.head(args.sample)
    lms = lms_dicts()
    zscores(frame.head(10))  # load the LMS tables before timing
    # Interleaved, so that both see the same machine load (other processes come and go).
    vector_times, row_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = zscores(frame)
        vector_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline = per_row(sample, lms)
        row_times.append(time.perf_counter() - start)
    vector_s, row_s = statistics.median(vector_times), statistics.median(row_times)
    vector_rate, row_rate = args.n / vector_s, sample.height / row_s

    ours = result.head(args.sample).select(COMPARED)
    cells = ours.height * ours.width
    agree = sum(ours[name].eq_missing(baseline[name]).sum() for name in COMPARED)

    ratio = vector_rate / row_rate
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"children: {args.n:,} vectorised, {sample.height:,} per-row, seed {args.seed}")
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other processes share them)")
    print(f"vectorised zscores(): median {vector_s:.3f} s of {args.repeat} runs -> {vector_rate:,.0f} records/s")
    print(f"per-row Python:       median {row_s:.3f} s of {args.repeat} runs -> {row_rate:,.0f} records/s")
    print(f"ratio: {ratio:,.1f}x")
    print(f"identical results on the sample (clenhei, z, flags, c9mo; NA alike): {agree:,}/{cells:,} cells")
    met = vector_rate >= GOAL_RECORDS_PER_S and ratio >= GOAL_RATIO
    print(f"goal (>= {GOAL_RECORDS_PER_S:,} records/s and >= {GOAL_RATIO}x): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
