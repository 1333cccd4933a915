"""Boundaries and label points of NTT kabupaten and kecamatan, for map panels."""

from __future__ import annotations

import json
from functools import cache
from typing import Any, Final, Literal

import polars as pl

from satudata.regions import shipped

MapLevel = Literal["kabupaten", "kecamatan"]

_FILES: Final[dict[str, str]] = {
    "kabupaten": "ntt_kabupaten.geojson",
    "kecamatan": "ntt_kecamatan.geojson",
}

# Flores Timur and Sikka span several islands, so their centroids fall in the sea; these points lie on land.
_LABEL_POINTS: Final[dict[str, tuple[float, float]]] = {
    "53.06": (-8.334, 123.162),
    "53.07": (-8.583, 122.092),
}


@cache
def geojson_bytes(level: MapLevel) -> bytes:
    """The GeoJSON FeatureCollection as shipped (RFC 7946 winding; feature id = dotted Kemendagri code)."""
    try:
        name = _FILES[level]
    except KeyError:
        raise ValueError(
            f"Tingkat peta harus 'kabupaten' atau 'kecamatan', bukan {level!r}. / "
            f"Map level must be 'kabupaten' or 'kecamatan', not {level!r}."
        ) from None
    return shipped.read_bytes(name)


def geojson(level: MapLevel) -> dict[str, Any]:
    """A fresh dict on every call, so a caller that edits it cannot spoil the next caller's map."""
    return json.loads(geojson_bytes(level))


def centroids() -> pl.DataFrame:
    """code, digits, name, lat, lon (area-weighted centroid) and label_lat, label_lon (a point on land)."""
    return _centroids().with_columns(_label("lat", 0), _label("lon", 1))


def _label(axis: str, index: int) -> pl.Expr:
    points = {code: point[index] for code, point in _LABEL_POINTS.items()}
    return pl.col("code").replace_strict(points, default=pl.col(axis), return_dtype=pl.Float64).alias(f"label_{axis}")


@cache
def _centroids() -> pl.DataFrame:
    return shipped.read_csv("ntt_kabupaten_centroids.csv").select(
        pl.col("kode").alias("code"),
        pl.col("kode").str.replace_all(".", "", literal=True).alias("digits"),
        "name",
        pl.col("lat").cast(pl.Float64),
        pl.col("lon").cast(pl.Float64),
    )
