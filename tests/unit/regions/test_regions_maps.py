"""Map boundaries, centroids and the BPS crosswalk that ship with the region master."""

from __future__ import annotations

import polars as pl
import pytest

from satudata.regions import bps_crosswalk, centroids, geojson, geojson_bytes, master


@pytest.mark.parametrize(("level", "count"), [("kabupaten", 22), ("kecamatan", 315)])
def test_geojson_covers_every_region_of_the_level(level: str, count: int) -> None:
    collection = geojson(level)  # type: ignore[arg-type]
    assert collection["type"] == "FeatureCollection"
    assert collection["source"]["copyright"] == "Copyright (c) 2024 Cahya DSN"
    ids = {feature["id"] for feature in collection["features"]}
    assert len(ids) == count
    known = master().kabupaten() if level == "kabupaten" else master().kecamatan()
    assert ids == {r.code for r in known}
    assert {feature["geometry"]["type"] for feature in collection["features"]} == {"MultiPolygon"}


def test_geojson_is_a_fresh_dict_each_time() -> None:
    first = geojson("kabupaten")
    first["features"].clear()
    assert len(geojson("kabupaten")["features"]) == 22
    assert geojson_bytes("kabupaten") is geojson_bytes("kabupaten")


def test_geojson_rejects_other_levels() -> None:
    with pytest.raises(ValueError, match="Map level"):
        geojson("desa")  # type: ignore[arg-type]


def test_centroids_with_label_points_on_land() -> None:
    frame = centroids()
    assert frame.columns == ["code", "digits", "name", "lat", "lon", "label_lat", "label_lon"]
    assert frame.height == 22
    assert set(frame["digits"]) == {r.digits for r in master().kabupaten()}
    # NTT lies roughly within 8-11.5 S, 118.5-125.5 E.
    assert frame["lat"].is_between(-11.5, -8.0).all() and frame["lon"].is_between(118.5, 125.5).all()
    moved = frame.filter(pl.col("label_lat") != pl.col("lat"))
    assert moved["code"].to_list() == ["53.06", "53.07"]
    assert moved.row(0, named=True)["label_lon"] == pytest.approx(123.162)


def test_bps_codes_are_not_kemendagri_codes_without_dots() -> None:
    crosswalk = bps_crosswalk()
    assert crosswalk.height == 22
    bps = dict(zip(crosswalk["digits"], crosswalk["bps_code"], strict=True))
    assert bps["5301"] == "5303"  # Kemendagri 53.01 Kupang
    assert bps["5312"] == "5301"  # Kemendagri 53.12 Sumba Barat is BPS 5301
    same = sorted(code for code, bps_code in bps.items() if code == bps_code)
    assert same == ["5314", "5315", "5319", "5320", "5321", "5371"]
