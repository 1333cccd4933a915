"""Vectorised membership and parent look-ups over whole columns of desa codes."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from satudata.regions import master

JUNK = [
    None,
    "",
    "x",
    "5301",
    "530104",
    "53.01.04",
    "5399999999",
    "5.301042003",
    "53.0104.2003",
    "5301042003x",
]


def test_is_known_desa_accepts_series_arrays_and_lists() -> None:
    m = master()
    codes = ["5301042003", "53.01.04.2003", " 5371051007 ", *JUNK]
    expected = [True, True, True] + [False] * len(JUNK)
    for container in (codes, pl.Series(codes), np.array(codes, dtype=object), tuple(codes)):
        result = m.is_known_desa(container)
        assert isinstance(result, np.ndarray)
        assert result.dtype == np.bool_
        assert result.tolist() == expected


def test_is_known_for_every_level() -> None:
    m = master()
    assert m.is_known(["53", "5301", "530104", "5301042003"], "provinsi").tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert m.is_known(["53", "53.01", "5371", "5322"], "kabupaten_kota").tolist() == [
        False,
        True,
        True,
        False,
    ]
    assert m.is_known(["530104", "53.01.04", "5301", None], "kecamatan").tolist() == [
        True,
        True,
        False,
        False,
    ]
    every_desa = [r.digits for r in m.desa()]
    assert m.is_known_desa(every_desa).all()
    assert m.is_known_desa([r.code for r in m.desa()]).all()
    with pytest.raises(ValueError, match="Unknown region level"):
        m.is_known(["53"], "desa")


def test_integer_codes_are_read_as_digits() -> None:
    assert master().is_known_desa(pl.Series([5301042003, None, 1])).tolist() == [True, False, False]


def test_empty_input() -> None:
    m = master()
    assert m.is_known_desa([]).shape == (0,)
    assert m.kabupaten_of(pl.Series([], dtype=pl.String)).len() == 0


def test_kabupaten_and_kecamatan_of() -> None:
    m = master()
    codes = pl.Series(["5301042003", "53.71.05.1007", *JUNK])
    kabupaten = m.kabupaten_of(codes)
    kecamatan = m.kecamatan_of(codes)
    assert kabupaten.name == "kabupaten" and kabupaten.dtype == pl.String
    assert kabupaten.to_list() == ["5301", "5371"] + [None] * len(JUNK)
    assert kecamatan.to_list() == ["530104", "537105"] + [None] * len(JUNK)
    frame = m.frame().filter(pl.col("level") == "desa_kelurahan")
    assert m.kabupaten_of(frame["digits"]).to_list() == frame["kabupaten"].to_list()
    assert m.kecamatan_of(frame["code"]).to_list() == frame["kecamatan"].to_list()
