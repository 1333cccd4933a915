"""Which spreadsheet header means which field, per feed, and the few field values agencies spell their own way.

Headers are matched after `normalise` (case, spaces, punctuation and a unit in brackets do not matter), so
"Berat Badan (kg)", "BERAT  BADAN" and "berat_badan" are one header. The canonical field name always works.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from satudata.events import (
    ACTIVITY_TYPES,
    FEEDS,
    PROGRAMMES,
    SANITATION_CLASSES,
    WATER_SOURCE_CLASSES,
    Feed,
)

_NIK = ("nik",)
_KK = ("no kk", "nomor kk", "kk", "no kartu keluarga", "nomor kartu keluarga")
_RECORD_ID = ("no", "nomor", "id rekam", "no rekam", "id", "id record", "record id")
_DESA = ("kode desa", "kode wilayah", "kode kelurahan", "kode desa kelurahan", "kd desa", "kode kemendagri")
_SEX = ("jk", "jenis kelamin", "kelamin", "l p")
_BIRTH = ("tgl lahir", "tanggal lahir")
_WEIGHT = ("bb", "berat badan", "berat")
_HEIGHT = ("tb", "pb", "tinggi badan", "panjang badan", "tb pb", "pb tb", "tinggi")
_MUAC = ("lila", "lingkar lengan atas")
_HB = ("hb", "kadar hb", "hemoglobin")
_HEAD_NIK = ("nik kepala keluarga", "nik krt", "nik kk", "nik")
_CHILD_NIKS = ("nik anak", "daftar nik anak", "nik balita")

#: field → accepted headers (written as `normalise` leaves them), per feed.
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "child_measurement": {
        "record_id": _RECORD_ID,
        "child_nik": ("nik", "nik anak", "nik balita"),
        "sex": _SEX,
        "birth_date": _BIRTH,
        "measure_date": ("tgl ukur", "tanggal ukur", "tanggal pengukuran", "tgl pengukuran"),
        "weight_kg": _WEIGHT,
        "height_cm": _HEIGHT,
        "measure_position": ("cara ukur", "posisi ukur", "posisi"),
        "muac_cm": _MUAC,
        "oedema": ("edema", "oedema"),
        "posyandu_id": ("posyandu", "id posyandu", "kode posyandu"),
        "desa_code": _DESA,
    },
    "pregnancy_check": {
        "record_id": _RECORD_ID,
        "mother_nik": ("nik", "nik ibu"),
        "kk_number": _KK,
        "birth_date": (*_BIRTH, "tgl lahir ibu", "tanggal lahir ibu"),
        "check_date": ("tgl periksa", "tanggal periksa", "tanggal pemeriksaan", "tgl kunjungan", "tanggal kunjungan"),
        "gestational_week": ("usia kehamilan", "umur kehamilan", "uk", "usia kehamilan minggu"),
        "hb_g_dl": _HB,
        "muac_cm": _MUAC,
        "weight_kg": _WEIGHT,
        "height_cm": ("tb", "tinggi badan", "tinggi"),
        "puskesmas_id": ("puskesmas", "id puskesmas", "kode puskesmas"),
        "desa_code": _DESA,
    },
    "family_risk": {
        "record_id": _RECORD_ID,
        "kk_number": _KK,
        "head_nik": _HEAD_NIK,
        "assessment_date": ("tgl pendataan", "tanggal pendataan", "tanggal penilaian", "tgl kunjungan"),
        "has_under_five": ("ada balita", "punya balita", "ada baduta balita"),
        "has_pregnant": ("ada ibu hamil", "punya ibu hamil", "ada bumil"),
        "safe_water": ("air minum layak", "sumber air minum layak"),
        "proper_latrine": ("jamban layak", "jamban sehat"),
        "mother_too_young": ("terlalu muda", "4t terlalu muda"),
        "mother_too_old": ("terlalu tua", "4t terlalu tua"),
        "births_too_close": ("terlalu dekat", "4t terlalu dekat", "jarak kelahiran terlalu dekat"),
        "too_many_children": ("terlalu banyak", "4t terlalu banyak", "anak terlalu banyak"),
        "child_niks": _CHILD_NIKS,
        "tpk_id": ("tpk", "id tpk", "kode tpk", "tim pendamping keluarga"),
        "desa_code": _DESA,
    },
    "bride_screening": {
        "record_id": _RECORD_ID,
        "nik": ("nik", "nik catin"),
        "sex": _SEX,
        "birth_date": _BIRTH,
        "screening_date": ("tgl skrining", "tanggal skrining", "tgl periksa", "tanggal pemeriksaan"),
        "hb_g_dl": _HB,
        "muac_cm": _MUAC,
        "height_cm": ("tb", "tinggi badan", "tinggi"),
        "weight_kg": _WEIGHT,
        "planned_marriage_date": ("rencana tanggal nikah", "tgl rencana nikah", "tanggal rencana pernikahan"),
        "desa_code": _DESA,
    },
    "household_welfare": {
        "record_id": _RECORD_ID,
        "kk_number": _KK,
        "head_nik": _HEAD_NIK,
        "members": ("jumlah anggota keluarga", "jumlah art", "jml art", "anggota keluarga"),
        "per_capita_expenditure_rp": ("pengeluaran per kapita", "pengeluaran perkapita"),
        "welfare_decile": ("desil", "desil kesejahteraan"),
        "receives_pkh": ("pkh", "penerima pkh"),
        "receives_bpnt": ("bpnt", "penerima bpnt"),
        "receives_pbi": ("pbi", "pbi jk", "penerima pbi"),
        "child_niks": _CHILD_NIKS,
        "reference_date": ("tgl data", "tanggal data", "tanggal referensi"),
        "desa_code": _DESA,
    },
    "wash_access": {
        "record_id": _RECORD_ID,
        "kk_number": _KK,
        "water_source_class": ("sumber air minum", "akses air minum", "kelas sumber air"),
        "sanitation_class": ("sanitasi", "akses sanitasi", "kelas sanitasi"),
        "open_defecation": ("babs", "bab sembarangan", "buang air besar sembarangan"),
        "survey_date": ("tgl survei", "tanggal survei", "tanggal survey", "tgl verifikasi"),
        "desa_code": _DESA,
    },
    "program_activity": {
        "record_id": _RECORD_ID,
        "programme": ("program", "nama program"),
        "activity_type": ("jenis kegiatan", "kegiatan"),
        "beneficiary_nik": ("nik penerima", "nik sasaran", "nik"),
        "beneficiary_kk": ("no kk penerima", "kk sasaran", *_KK),
        "provider_id": ("pelaksana", "id pelaksana", "kode pelaksana", "penyedia"),
        "activity_date": ("tgl kegiatan", "tanggal kegiatan"),
        "quantity": ("jumlah", "kuantitas", "volume"),
        "desa_code": _DESA,
    },
    "population": {
        "record_id": _RECORD_ID,
        "year": ("tahun",),
        "age_group": ("kelompok umur", "kelompok usia", "kel umur"),
        "sex": _SEX,
        "count": ("jumlah", "jumlah penduduk", "jiwa"),
        "desa_code": _DESA,
    },
}

_SEX_VALUES = {"l": "L", "laki laki": "L", "laki": "L", "lk": "L", "pria": "L", "m": "L", "male": "L"}
_SEX_VALUES |= {"p": "P", "perempuan": "P", "pr": "P", "wanita": "P", "f": "P", "female": "P"}
#: field → {value as `normalise` leaves it → canonical value}; anything else is kept as typed, for quality to judge.
VALUES: dict[str, dict[str, str]] = {
    "sex": _SEX_VALUES,
    "measure_position": {
        "berdiri": "standing",
        "standing": "standing",
        "tb": "standing",
        "terlentang": "lying",
        "telentang": "lying",
        "berbaring": "lying",
        "lying": "lying",
        "pb": "lying",
    },
    "programme": {"pelatihan kader": "cadre_training", **{p.replace("_", " "): p for p in PROGRAMMES}},
    "activity_type": {t.replace("_", " "): t for types in ACTIVITY_TYPES.values() for t in types},
    "water_source_class": {c.replace("_", " "): c for c in WATER_SOURCE_CLASSES},
    "sanitation_class": {c.replace("_", " "): c for c in SANITATION_CLASSES},
}

_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, a unit in brackets dropped, any run of other characters one space."""
    return _NOT_ALNUM.sub(" ", _BRACKETED.sub(" ", str(text).lower())).strip()


def canonical_value(field: str, text: str) -> str:
    return VALUES.get(field, {}).get(normalise(text), text)


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Where each field of the feed is read from: the column index, or None when the file has no such column."""

    feed: Feed
    columns: dict[str, int | None]
    headers: dict[str, str]  # field → the header as written in the file, for reports
    ignored: list[str]  # headers that name no field


class MissingColumnsError(ValueError):
    def __init__(self, feed: str, missing: dict[str, tuple[str, ...]]) -> None:
        super().__init__(f"missing columns for {feed}: {', '.join(missing)}")
        self.feed = feed
        self.missing = missing


class AmbiguousColumnsError(ValueError):
    def __init__(self, feed: str, field: str, headers: list[str]) -> None:
        super().__init__(f"several columns for {feed}.{field}")
        self.feed = feed
        self.field = field
        self.headers = headers


def accepted_headers(feed_name: str, field: str) -> tuple[str, ...]:
    """Every header that maps to `field`, the canonical name first."""
    return (field, *HEADERS[feed_name][field])


def plan_columns(feed_name: str, header_row: Sequence[object]) -> ColumnPlan:
    """Match the file's headers to the feed's fields; a non-nullable field without a column is an error."""
    feed = FEEDS[feed_name]
    lookup = _lookup(feed_name)
    found: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, header in enumerate(header_row):
        if header is None or str(header).strip() == "":
            continue
        field = lookup.get(normalise(str(header)))
        if field is None:
            ignored.append(str(header).strip())
        else:
            found.setdefault(field, []).append(index)
    # A file with both "NIK" and "NIK Anak" is ambiguous only when both map to the same field; a header that is
    # exactly the field's canonical name wins over any alias.
    columns: dict[str, int | None] = {}
    headers: dict[str, str] = {}
    for field in feed.field_names:
        indexes = found.get(field, [])
        exact = [i for i in indexes if normalise(str(header_row[i])) == normalise(field)]
        if len(indexes) > 1 and len(exact) != 1:
            raise AmbiguousColumnsError(feed_name, field, [str(header_row[i]).strip() for i in indexes])
        chosen = exact[0] if len(indexes) > 1 else (indexes[0] if indexes else None)
        columns[field] = chosen
        if chosen is not None:
            headers[field] = str(header_row[chosen]).strip()
    missing = {
        f.name: accepted_headers(feed_name, f.name) for f in feed.fields if not f.nullable and columns[f.name] is None
    }
    if missing:
        raise MissingColumnsError(feed_name, missing)
    return ColumnPlan(feed, columns, headers, ignored)


def _lookup(feed_name: str) -> Mapping[str, str]:
    table: dict[str, str] = {}
    for field, aliases in HEADERS[feed_name].items():
        for alias in (field, *aliases):
            table.setdefault(normalise(alias), field)
    return table
