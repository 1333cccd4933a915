"""Vectorised kernel checks against a plain per-row Python loop, measured in the same run.

    .venv/bin/python bench/kernel.py [--n 1000000]

Prints rows/s of the vectorised NIK check and desa-code membership, and the ratio to the per-row baseline.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta

import numpy as np
import polars as pl

from satudata.nik import check_nik, check_nik_column, make_nik
from satudata.regions import master

REFERENCE = date(2026, 11, 1)


def _rate(n: int, fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--baseline-n", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(53)
    regions = master()
    kecamatan = [r.digits for r in regions.kecamatan()]
    pool = [
        make_nik(k, date(2020, 1, 1) + timedelta(days=int(d)), "LP"[int(d) % 2], int(d) + 1)
        for k, d in zip(rng.choice(kecamatan, 5000), rng.integers(0, 1800, 5000), strict=True)
    ]
    niks = pl.Series(rng.choice(np.array(pool, dtype=object), args.n))
    births = pl.Series([date(2021, 1, 1)] * args.n)
    sexes = pl.Series(["L"] * args.n)
    desa_pool = np.array([r.digits for r in regions.desa()] + ["5399999999", None], dtype=object)
    codes = pl.Series(rng.choice(desa_pool, args.n))

    k = args.baseline_n
    nik_base = _rate(
        k,
        lambda: [
            check_nik(v, birth_date=b, sex=s, reference_date=REFERENCE)
            for v, b, s in zip(niks[:k], births[:k], sexes[:k], strict=True)
        ],
    )
    nik_vec = _rate(args.n, lambda: check_nik_column(niks, birth_dates=births, sexes=sexes, reference_date=REFERENCE))
    known = {r.digits for r in regions.desa()}
    desa_base = _rate(k, lambda: [c in known for c in codes[:k]])
    desa_vec = _rate(args.n, lambda: regions.is_known_desa(codes))

    print(f"{'check':<24}{'vectorised rows/s':>20}{'per-row rows/s':>18}{'ratio':>9}")
    for name, vec, base in (("NIK checks", nik_vec, nik_base), ("desa code known", desa_vec, desa_base)):
        print(f"{name:<24}{vec:>20,.0f}{base:>18,.0f}{vec / base:>8.1f}x")


if __name__ == "__main__":
    main()
