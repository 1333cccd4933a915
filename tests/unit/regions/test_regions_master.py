"""The shipped NTT region master: counts, look-ups, hierarchy walks and errors."""

from __future__ import annotations

import pickle

import pytest

from satudata.regions import InvalidRegionCodeError, UnknownRegionError, master

# From the data README: kecamatan / desa+kelurahan per kabupaten/kota.
PER_KABUPATEN = {
    "5301": ("Kabupaten Kupang", 24, 177),
    "5302": ("Kabupaten Timor Tengah Selatan", 32, 278),
    "5303": ("Kabupaten Timor Tengah Utara", 24, 193),
    "5304": ("Kabupaten Belu", 12, 81),
    "5305": ("Kabupaten Alor", 18, 175),
    "5306": ("Kabupaten Flores Timur", 19, 250),
    "5307": ("Kabupaten Sikka", 21, 194),
    "5308": ("Kabupaten Ende", 21, 278),
    "5309": ("Kabupaten Ngada", 12, 206),
    "5310": ("Kabupaten Manggarai", 12, 171),
    "5311": ("Kabupaten Sumba Timur", 22, 156),
    "5312": ("Kabupaten Sumba Barat", 6, 74),
    "5313": ("Kabupaten Lembata", 9, 151),
    "5314": ("Kabupaten Rote Ndao", 11, 119),
    "5315": ("Kabupaten Manggarai Barat", 12, 169),
    "5316": ("Kabupaten Nagekeo", 7, 113),
    "5317": ("Kabupaten Sumba Tengah", 6, 65),
    "5318": ("Kabupaten Sumba Barat Daya", 11, 175),
    "5319": ("Kabupaten Manggarai Timur", 12, 176),
    "5320": ("Kabupaten Sabu Raijua", 6, 63),
    "5321": ("Kabupaten Malaka", 12, 127),
    "5371": ("Kota Kupang", 6, 51),
}


def test_counts_per_level() -> None:
    m = master()
    assert len(m) == 3780
    assert len(m.kabupaten()) == 22
    assert len(m.kecamatan()) == 315
    assert len(m.desa()) == 3442
    assert [r.subtype for r in m.desa()].count("kelurahan") == 305
    assert [r.subtype for r in m.kabupaten()].count("kota") == 1
    assert m.frame().group_by("level").len().sort("level").rows() == [
        ("desa_kelurahan", 3442),
        ("kabupaten_kota", 22),
        ("kecamatan", 315),
        ("provinsi", 1),
    ]


@pytest.mark.parametrize(("digits", "expected"), PER_KABUPATEN.items())
def test_counts_per_kabupaten(digits: str, expected: tuple[str, int, int]) -> None:
    name, kecamatan, desa = expected
    m = master()
    assert m.get(digits).name == name
    assert len(m.children(digits)) == kecamatan
    assert len(m.desa_under(digits)) == desa
    assert sum(len(m.children(kec.digits)) for kec in m.children(digits)) == desa


def test_master_is_built_once() -> None:
    assert master() is master()


def test_get_accepts_dotted_digits_and_whitespace() -> None:
    m = master()
    desa = m.get("53.01.04.2003")
    assert desa == m.get("5301042003") == m.get(" 5301042003\n")
    assert desa.code == "53.01.04.2003"
    assert desa.digits == "5301042003"
    assert desa.name == "Bokonusan"
    assert desa.level == "desa_kelurahan"
    assert desa.subtype == "desa"
    assert desa.parent == "53.01.04"
    province = m.get("53")
    assert (province.name, province.level, province.subtype, province.parent) == (
        "Nusa Tenggara Timur",
        "provinsi",
        None,
        None,
    )
    assert m.get("53.71").subtype == "kota"


def test_find_returns_none_for_unknown_and_junk() -> None:
    m = master()
    assert m.find("53.01") is not None
    assert m.find("53.99") is None
    assert m.find("5301042999") is None
    assert m.find("not a code") is None
    assert "53.01.04" in m
    assert "53.99" not in m


def test_names_with_apostrophes() -> None:
    m = master()
    assert m.get("5301122005").name == "Oh'aem"
    assert m.get("5302032001").name == "O'besi"
    assert [r.code for r in m.search("oh'aem")] == ["53.01.12.2005", "53.01.12.2011"]
    frame = m.frame()
    assert frame.filter(frame["name"].str.contains("'", literal=True)).height == 34


def test_search_is_case_insensitive_substring_and_ignores_apostrophes() -> None:
    m = master()
    assert [r.digits for r in m.search("KUPANG", level="kabupaten_kota")] == ["5301", "5371"]
    # The 2025 spelling "Nunle'u" is found by the 2022 spelling "Nunleu", and vice versa.
    assert "5302082002" in {r.digits for r in m.search("nunleu")}
    assert "5371051007" in {r.digits for r in m.search("Nunle'u")}
    assert all(r.level == "kecamatan" for r in m.search("a", level="kecamatan"))
    assert m.search("zzzz tidak ada") == []
    with pytest.raises(ValueError, match="Unknown region level"):
        m.search("Kupang", level="kabupaten")


def test_hierarchy_walks() -> None:
    m = master()
    assert m.parent("53.01.04.2003") == m.get("53.01.04")
    assert m.parent("53") is None
    assert [r.code for r in m.ancestors("5301042003")] == ["53.01.04", "53.01", "53"]
    assert m.ancestors("53") == []
    assert [r.digits for r in m.children("53")] == sorted(PER_KABUPATEN)
    assert m.children("5301042003") == []
    assert all(r.parent == "53.01.04" for r in m.children("530104"))
    assert m.level_of("53.01") == "kabupaten_kota"
    assert m.level_of("5301042003") == "desa_kelurahan"


def test_every_region_has_a_known_parent_of_the_level_above() -> None:
    m = master()
    above = {"kabupaten_kota": "provinsi", "kecamatan": "kabupaten_kota", "desa_kelurahan": "kecamatan"}
    for region in [*m.kabupaten(), *m.kecamatan(), *m.desa()]:
        parent = m.parent(region.code)
        assert parent is not None and parent.level == above[region.level]
        assert region.digits.startswith(parent.digits)


def test_desa_under_sums_up_the_hierarchy() -> None:
    m = master()
    assert len(m.desa_under("53")) == 3442
    assert sum(len(m.desa_under(k.code)) for k in m.kabupaten()) == 3442
    assert sum(len(m.desa_under(k.code)) for k in m.kecamatan()) == 3442
    assert m.desa_under("53.01.04.2003") == ("5301042003",)
    under_semau = m.desa_under("53.01.04")
    assert under_semau == tuple(sorted(under_semau))
    assert all(len(code) == 10 and code.startswith("530104") for code in under_semau)
    assert set(under_semau) == {r.digits for r in m.children("530104")}


def test_frame_columns_and_isolation() -> None:
    m = master()
    frame = m.frame()
    assert frame.columns == ["code", "digits", "name", "level", "subtype", "parent", "kabupaten", "kecamatan"]
    row = frame.filter(frame["digits"] == "5301042003").row(0, named=True)
    assert row["kabupaten"] == "5301"
    assert row["kecamatan"] == "530104"
    assert row["parent"] == "53.01.04"
    frame.drop_in_place("name")
    assert "name" in m.frame().columns


def test_unknown_region_error_is_a_bilingual_key_error() -> None:
    m = master()
    with pytest.raises(KeyError) as caught:
        m.get("53.99")
    assert isinstance(caught.value, UnknownRegionError)
    message = str(caught.value)
    assert "tidak dikenal" in message and "not known" in message
    assert "5399" in message
    for walk in (m.parent, m.ancestors, m.children, m.desa_under, m.level_of):
        with pytest.raises(UnknownRegionError):
            walk("5399")


def test_invalid_code_error_is_a_bilingual_value_error() -> None:
    m = master()
    for junk in ("", "5", "530", "53010", "5301042", "53.0104", "53-01", "٥٣", "53010420031234"):
        with pytest.raises(InvalidRegionCodeError) as caught:
            m.get(junk)
        assert isinstance(caught.value, ValueError)
        message = str(caught.value)
        assert "Kode wilayah tidak sah" in message and "Invalid region code" in message


def test_population_of_the_province_is_the_sum_of_the_kabupaten() -> None:
    m = master()
    province = m.population("53")
    assert province.total == 5_700_772
    assert province.male + province.female == province.total
    kabupaten = [m.population(k.code) for k in m.kabupaten()]
    assert sum(p.total for p in kabupaten) == 5_700_772
    assert sum(p.male for p in kabupaten) == province.male
    assert all(p.male + p.female == p.total and p.area_km2 > 0 for p in kabupaten)
    assert m.population("53.01").total == 391_539
    assert m.population("5371").area_km2 == pytest.approx(158.885)


def test_population_only_for_province_and_kabupaten() -> None:
    m = master()
    with pytest.raises(UnknownRegionError) as caught:
        m.population("53.01.04")
    assert "Tidak ada data penduduk" in str(caught.value) and "No population figures" in str(caught.value)
    with pytest.raises(UnknownRegionError):
        m.population("53.99")


def test_errors_survive_pickling() -> None:
    for error in (UnknownRegionError("5399"), InvalidRegionCodeError()):
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error)
    with pytest.raises(UnknownRegionError) as caught:
        master().population("530104")
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)
