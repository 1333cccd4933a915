"""The crosswalk from Kemendagri kabupaten codes to BPS kabupaten codes.

In NTT the two schemes differ (BPS 5301 is Sumba Barat, Kemendagri 53.01 is Kupang), so BPS tables (SSGI,
Susenas, poverty) join the region master through this table, never by stripping dots. No kecamatan or desa
crosswalk exists.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from satudata.regions import shipped


@cache
def _crosswalk() -> pl.DataFrame:
    return shipped.read_csv("ntt_kabupaten_bps_crosswalk.csv").select(
        "code",
        pl.col("code").str.replace_all(".", "", literal=True).alias("digits"),
        "name",
        "bps_code",
    )


def bps_crosswalk() -> pl.DataFrame:
    """code (dotted Kemendagri), digits (Kemendagri), name, bps_code: one row per kabupaten/kota."""
    return _crosswalk().clone()
