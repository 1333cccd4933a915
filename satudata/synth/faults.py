"""Faults a data contract must catch, applied to a copy of a good record: one fault per bad record.

Generic faults follow the feed registry (field kinds, nullability, vocabularies); feeds add their own
(`Draft.spoilers`). Each fault changes only what it names, so the record breaks exactly one rule where that is
possible (a child record dated in the future is also over five: the date gets a year typo, 2026 -> 2062).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np

from satudata import events
from satudata.events import Feed
from satudata.nik import make_nik
from satudata.synth.draft import Record, Spoiler
from satudata.synth.geography import unknown_desa_code

VOCABULARIES: dict[str, tuple[str, ...]] = {
    "sex": events.SEXES,
    "measure_position": events.MEASURE_POSITIONS,
    "water_source_class": events.WATER_SOURCE_CLASSES,
    "sanitation_class": events.SANITATION_CLASSES,
    "age_group": events.POPULATION_AGE_GROUPS,
    "programme": events.PROGRAMMES,
}
# Codes people really type instead of the controlled ones.
WRONG_CODES: dict[str, tuple[str, ...]] = {
    "sex": ("M", "F", "laki-laki", "perempuan", "X", "1"),
    "measure_position": ("berdiri", "terlentang", "H", "L"),
    "water_source_class": ("sumur", "PDAM", "air hujan", "mata air"),
    "sanitation_class": ("jamban", "cemplung", "WC"),
    "age_group": ("0-5", "balita", "15-64"),
    "programme": ("pkh", "bansos", "stunting"),
}


def _choice(rng: np.random.Generator, options: list[Any] | tuple[Any, ...]) -> Any:
    return options[int(rng.integers(len(options)))]


def missing_field(feed: Feed) -> Spoiler:
    required = [f.name for f in feed.fields if not f.nullable]

    def spoil(record: Record, rng: np.random.Generator) -> bool:
        record[_choice(rng, required)] = None
        return True

    return spoil


def _wrong(kind: str, value: Any) -> Any:
    if kind == "float":
        return f"{value}".replace(".", ",")  # the Indonesian decimal comma, as text
    if kind == "int":
        return str(value)
    if kind == "bool":
        return "ya" if value else "tidak"
    if kind == "date":
        return int(value.replace("-", ""))
    if kind == "nik_list":
        return ",".join(value)
    if kind in ("nik", "kk", "desa"):
        return int(value)
    return 1 if value else 0  # a text field sent as a number


def wrong_type(feed: Feed) -> Spoiler:
    def spoil(record: Record, rng: np.random.Generator) -> bool:
        present = [f for f in feed.fields if record.get(f.name) is not None]
        field = _choice(rng, present)
        record[field.name] = _wrong(field.kind, record[field.name])
        return True

    return spoil


def _wrong_length(names: list[str]) -> Spoiler:
    def spoil(record: Record, rng: np.random.Generator) -> bool:
        present = [n for n in names if record.get(n) is not None]
        if not present:
            return False
        name = _choice(rng, present)
        value = record[name]
        record[name] = value[:-1] if rng.random() < 0.5 else value + str(rng.integers(10))
        return True

    return spoil


def unknown_desa(record: Record, rng: np.random.Generator) -> bool:
    record["desa_code"] = unknown_desa_code(rng)
    return True


def future_date(feed: Feed) -> Spoiler:
    def spoil(record: Record, rng: np.random.Generator) -> bool:
        value = record[feed.date_field]
        if isinstance(value, int):  # a year
            record[feed.date_field] = value + int(rng.integers(5, 30))
            return True
        when = date.fromisoformat(value)
        record[feed.date_field] = _year_typo(when).isoformat()
        return True

    return spoil


def _year_typo(when: date) -> date:
    """The year with its last two digits swapped (2026 -> 2062) when that is later, else ten years on."""
    swapped = when.year - when.year % 100 + (when.year % 10) * 10 + (when.year // 10) % 10
    year = swapped if swapped > when.year + 1 else when.year + 10
    try:
        return when.replace(year=year)
    except ValueError:  # 29 February
        return when.replace(year=year, day=28)


def bad_code(names: list[str]) -> Spoiler:
    def spoil(record: Record, rng: np.random.Generator) -> bool:
        present = [n for n in names if record.get(n) is not None]
        if not present:
            return False
        name = _choice(rng, present)
        record[name] = _choice(rng, WRONG_CODES[name])
        return True

    return spoil


def generic(feed: Feed) -> dict[str, Spoiler]:
    """The faults every feed can have, as far as its fields allow."""
    spoilers: dict[str, Spoiler] = {
        "missing_field": missing_field(feed),
        "wrong_type": wrong_type(feed),
        "unknown_desa": unknown_desa,
        "future_date": future_date(feed),
    }
    niks = [f.name for f in feed.fields if f.kind == "nik"]
    kks = [f.name for f in feed.fields if f.kind == "kk"]
    codes = [f.name for f in feed.fields if f.name in WRONG_CODES]
    if niks:
        spoilers["nik_length"] = _wrong_length(niks)
    if kks:
        spoilers["kk_length"] = _wrong_length(kks)
    if codes:
        spoilers["bad_code"] = bad_code(codes)
    return spoilers


def nik_spoilers(nik_field: str, sex_field: str | None) -> dict[str, Spoiler]:
    """A NIK whose date digits disagree with the record's birth date, or (with a sex field) its sex."""

    def parts(record: Record) -> tuple[str, date, str, int] | None:
        nik = record.get(nik_field)
        if nik is None:
            return None
        sex = record[sex_field] if sex_field else ("P" if int(nik[6:8]) > 40 else "L")
        return nik[:6], date.fromisoformat(record["birth_date"]), sex, int(nik[12:])

    def birth_date(record: Record, rng: np.random.Generator) -> bool:
        found = parts(record)
        if found is None:
            return False
        kecamatan, born, sex, serial = found
        shifted = born + timedelta(days=int(_choice(rng, (-1, 1)) * rng.integers(1, 300)))
        record[nik_field] = make_nik(kecamatan, shifted, sex, serial)  # type: ignore[arg-type]
        return True

    def sex(record: Record, _rng: np.random.Generator) -> bool:
        found = parts(record)
        if found is None:
            return False
        kecamatan, born, recorded, serial = found
        record[nik_field] = make_nik(kecamatan, born, "P" if recorded == "L" else "L", serial)
        return True

    spoilers: dict[str, Spoiler] = {"nik_birth_date": birth_date}
    if sex_field:
        spoilers["nik_sex"] = sex
    return spoilers
