"""Headers as agencies write them → feed fields, for every feed."""

from __future__ import annotations

import pytest

from satudata.events import FEEDS
from services.ingest.uploads.mapping import (
    HEADERS,
    AmbiguousColumnsError,
    MissingColumnsError,
    canonical_value,
    normalise,
    plan_columns,
)


def test_every_feed_and_every_field_has_a_mapping() -> None:
    assert set(HEADERS) == set(FEEDS)
    for name, feed in FEEDS.items():
        assert set(HEADERS[name]) == set(feed.field_names), name


@pytest.mark.parametrize("name", list(FEEDS))
def test_canonical_field_names_always_work(name: str) -> None:
    plan = plan_columns(name, list(FEEDS[name].field_names))
    assert plan.columns == {f: i for i, f in enumerate(FEEDS[name].field_names)}
    assert plan.ignored == []


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("NIK", "child_nik"),
        ("NIK Anak", "child_nik"),
        ("JK", "sex"),
        ("Jenis Kelamin", "sex"),
        ("L/P", "sex"),
        ("Tgl Lahir", "birth_date"),
        ("Tgl. Lahir", "birth_date"),
        ("Tanggal Lahir", "birth_date"),
        ("Tgl Ukur", "measure_date"),
        ("Tanggal Pengukuran", "measure_date"),
        ("BB", "weight_kg"),
        ("Berat Badan (kg)", "weight_kg"),
        ("BB (kg)", "weight_kg"),
        ("TB", "height_cm"),
        ("PB", "height_cm"),
        ("TB/PB (cm)", "height_cm"),
        ("Tinggi Badan", "height_cm"),
        ("Cara Ukur", "measure_position"),
        ("LiLA", "muac_cm"),
        ("LILA (cm)", "muac_cm"),
        ("Edema", "oedema"),
        ("Oedema", "oedema"),
        ("Posyandu", "posyandu_id"),
        ("Kode Desa", "desa_code"),
        ("Kode Wilayah", "desa_code"),
        ("No", "record_id"),
        ("No.", "record_id"),
        ("ID Rekam", "record_id"),
        ("  berat   BADAN ", "weight_kg"),
        ("WEIGHT_KG", "weight_kg"),
    ],
)
def test_child_measurement_headers(header: str, field: str) -> None:
    fields = list(FEEDS["child_measurement"].field_names)
    row = [header if f == field else f for f in fields]
    plan = plan_columns("child_measurement", row)
    assert plan.columns[field] == fields.index(field)
    assert plan.headers[field] == header.strip()


@pytest.mark.parametrize(
    ("feed", "header", "field"),
    [
        ("pregnancy_check", "No KK", "kk_number"),
        ("pregnancy_check", "Nomor Kartu Keluarga", "kk_number"),
        ("pregnancy_check", "NIK Ibu", "mother_nik"),
        ("pregnancy_check", "Usia Kehamilan (minggu)", "gestational_week"),
        ("pregnancy_check", "Hb (g/dL)", "hb_g_dl"),
        ("pregnancy_check", "Tgl Periksa", "check_date"),
        ("family_risk", "NIK Kepala Keluarga", "head_nik"),
        ("family_risk", "NIK Anak", "child_niks"),
        ("family_risk", "Jamban Layak", "proper_latrine"),
        ("family_risk", "Tgl Pendataan", "assessment_date"),
        ("bride_screening", "NIK Catin", "nik"),
        ("bride_screening", "Tgl Skrining", "screening_date"),
        ("household_welfare", "Jumlah ART", "members"),
        ("household_welfare", "Pengeluaran per Kapita (Rp)", "per_capita_expenditure_rp"),
        ("household_welfare", "Desil", "welfare_decile"),
        ("household_welfare", "PKH", "receives_pkh"),
        ("wash_access", "Sumber Air Minum", "water_source_class"),
        ("wash_access", "BABS", "open_defecation"),
        ("program_activity", "Program", "programme"),
        ("program_activity", "NIK Sasaran", "beneficiary_nik"),
        ("program_activity", "Tanggal Kegiatan", "activity_date"),
        ("population", "Tahun", "year"),
        ("population", "Kelompok Umur", "age_group"),
        ("population", "Jumlah Penduduk", "count"),
    ],
)
def test_other_feeds_headers(feed: str, header: str, field: str) -> None:
    fields = list(FEEDS[feed].field_names)
    plan = plan_columns(feed, [header if f == field else f for f in fields])
    assert plan.columns[field] == fields.index(field)


def test_missing_required_column_names_it_and_the_accepted_headers() -> None:
    header = [f for f in FEEDS["child_measurement"].field_names if f != "weight_kg"]
    with pytest.raises(MissingColumnsError) as caught:
        plan_columns("child_measurement", header)
    assert list(caught.value.missing) == ["weight_kg"]
    assert {"weight_kg", "bb", "berat badan"} <= set(caught.value.missing["weight_kg"])


def test_a_missing_nullable_column_is_null_and_extra_columns_are_ignored() -> None:
    header = [f for f in FEEDS["child_measurement"].field_names if f not in ("child_nik", "muac_cm")]
    plan = plan_columns("child_measurement", [*header, "Nama Ibu"])
    assert plan.columns["child_nik"] is None
    assert plan.columns["muac_cm"] is None
    assert plan.ignored == ["Nama Ibu"]


def test_two_aliases_of_one_field_are_ambiguous_but_the_canonical_name_wins() -> None:
    fields = list(FEEDS["child_measurement"].field_names)
    with pytest.raises(AmbiguousColumnsError) as caught:
        plan_columns("child_measurement", [*fields[:-1], "Kode Desa", "Kode Wilayah"])
    assert caught.value.field == "desa_code"
    plan = plan_columns("child_measurement", [*fields, "BB"])
    assert plan.columns["weight_kg"] == fields.index("weight_kg")


@pytest.mark.parametrize(
    ("field", "typed", "canonical"),
    [
        ("sex", "Laki-laki", "L"),
        ("sex", "perempuan", "P"),
        ("sex", "l", "L"),
        ("measure_position", "Berdiri", "standing"),
        ("measure_position", "Terlentang", "lying"),
        ("programme", "Pelatihan Kader", "cadre_training"),
        ("water_source_class", "Safely managed", "safely_managed"),
        ("sex", "X", "X"),  # not ours to judge: the contract quarantines it with its reason
    ],
)
def test_spelled_values(field: str, typed: str, canonical: str) -> None:
    assert canonical_value(field, typed) == canonical


def test_normalise() -> None:
    assert normalise(" Berat Badan (kg) ") == "berat badan"
    assert normalise("TB/PB") == "tb pb"
    assert normalise("birth_date") == "birth date"
