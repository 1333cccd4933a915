"""The NTT region master: look-ups, hierarchy walks and vectorised membership over the 3,780 regions."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache

import numpy as np
import polars as pl

from satudata.regions import shipped
from satudata.regions.codes import LEVEL_DIGITS, LEVELS, Level, check_level, normalise_code
from satudata.regions.errors import InvalidRegionCodeError, UnknownRegionError
from satudata.regions.model import Population, Region

CodesLike = pl.Series | np.ndarray | Iterable[str | None]

# Names changed spelling between decrees ("Nunleu" → "Nunle'u"); a search should find either.
_APOSTROPHES = re.compile(r"['’`ʼ]")


def _fold(text: str) -> str:
    return _APOSTROPHES.sub("", text).casefold()


def as_code_series(codes: CodesLike) -> pl.Series:
    """Codes as a stripped String series, whatever container they came in; nulls stay null."""
    if isinstance(codes, pl.Series):
        series = codes
    elif isinstance(codes, np.ndarray):
        series = pl.Series(values=codes)
    else:
        series = pl.Series(values=list(codes), dtype=pl.String, strict=False)
    if series.dtype != pl.String:
        series = series.cast(pl.String, strict=False)
    return series.str.strip_chars()


class RegionMaster:
    """Built once from the shipped files by `master()`; every method accepts dotted or digits codes."""

    def __init__(self, regions: pl.DataFrame, population: pl.DataFrame) -> None:
        regions = regions.sort("code_digits")
        self._regions: dict[str, Region] = {
            row["code_digits"]: Region(
                code=row["code"],
                digits=row["code_digits"],
                name=row["name"],
                level=row["level"],
                subtype=row["subtype"] or None,
                parent=row["parent_code"] or None,
            )
            for row in regions.iter_rows(named=True)
        }
        children: dict[str, list[str]] = {digits: [] for digits in self._regions}
        for region in self._regions.values():
            if region.parent is not None:
                children[normalise_code(region.parent)].append(region.digits)
        self._children = {digits: tuple(kids) for digits, kids in children.items()}
        self._by_level: dict[Level, tuple[Region, ...]] = {
            level: tuple(r for r in self._regions.values() if r.level == level) for level in LEVELS
        }
        # Sorted digits make "every desa under a prefix" a contiguous slice.
        self._desa_digits = [r.digits for r in self._by_level["desa_kelurahan"]]
        # Both spellings of every code: membership needs no per-row normalisation and rejects misplaced dots.
        # Imploded to one list value, which is what polars' `is_in` wants for "member of this collection".
        self._known: dict[Level, pl.Series] = {
            level: pl.Series([f for r in self._by_level[level] for f in (r.digits, r.code)], dtype=pl.String).implode()
            for level in LEVELS
        }
        self._folded_names = {digits: _fold(r.name) for digits, r in self._regions.items()}
        self._frame = regions.select(
            "code",
            pl.col("code_digits").alias("digits"),
            "name",
            "level",
            pl.col("subtype").replace("", None),
            pl.col("parent_code").replace("", None).alias("parent"),
            pl.when(pl.col("code_digits").str.len_chars() >= 4)
            .then(pl.col("code_digits").str.slice(0, 4))
            .alias("kabupaten"),
            pl.when(pl.col("code_digits").str.len_chars() >= 6)
            .then(pl.col("code_digits").str.slice(0, 6))
            .alias("kecamatan"),
        )
        self._population = {
            normalise_code(row["code"]): Population(
                male=int(row["male"]),
                female=int(row["female"]),
                total=int(row["total"]),
                area_km2=float(row["area_km2"]),
            )
            for row in population.iter_rows(named=True)
        }

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.find(code) is not None

    # Single look-ups

    def find(self, code: str) -> Region | None:
        """The region, or None for an unknown code or a value that is not a region code at all."""
        try:
            return self._regions.get(normalise_code(code))
        except InvalidRegionCodeError:
            return None

    def get(self, code: str) -> Region:
        digits = normalise_code(code)
        try:
            return self._regions[digits]
        except KeyError:
            raise UnknownRegionError(digits) from None

    def level_of(self, code: str) -> Level:
        """The level of a known region; `codes.code_level` gives the level a code's shape implies instead."""
        return self.get(code).level

    def search(self, name: str, level: str | None = None) -> list[Region]:
        """Regions whose name contains `name`, ignoring case and apostrophes, in code order."""
        wanted = _fold(name.strip())
        if level is not None:
            level = check_level(level)
        return [
            region
            for digits, region in self._regions.items()
            if wanted in self._folded_names[digits] and (level is None or region.level == level)
        ]

    # Hierarchy

    def parent(self, code: str) -> Region | None:
        region = self.get(code)
        return None if region.parent is None else self.get(region.parent)

    def ancestors(self, code: str) -> list[Region]:
        """From the parent up to the province, nearest first."""
        found: list[Region] = []
        region = self.parent(code)
        while region is not None:
            found.append(region)
            region = self.parent(region.digits)
        return found

    def children(self, code: str) -> list[Region]:
        return [self._regions[digits] for digits in self._children[self.get(code).digits]]

    def desa_under(self, code: str) -> tuple[str, ...]:
        """10-digit codes of every desa/kelurahan in a region at any level (the desa itself for a desa)."""
        prefix = self.get(code).digits
        start = bisect.bisect_left(self._desa_digits, prefix)
        # ":" sorts right after "9", so it bounds every code that starts with the prefix.
        end = bisect.bisect_left(self._desa_digits, prefix + ":")
        return tuple(self._desa_digits[start:end])

    def kabupaten(self) -> list[Region]:
        return list(self._by_level["kabupaten_kota"])

    def kecamatan(self) -> list[Region]:
        return list(self._by_level["kecamatan"])

    def desa(self) -> list[Region]:
        return list(self._by_level["desa_kelurahan"])

    # Vectorised

    def is_known(self, codes: CodesLike, level: str) -> np.ndarray:
        """True where a code (digits or dotted) is a known region of that level; null and junk give False."""
        known = self._known[check_level(level)]
        return as_code_series(codes).is_in(known).fill_null(False).to_numpy()

    def is_known_desa(self, codes: CodesLike) -> np.ndarray:
        return self.is_known(codes, "desa_kelurahan")

    def kabupaten_of(self, codes: CodesLike) -> pl.Series:
        """The 4-digit kabupaten code of each known desa code; null where the desa is not known."""
        return self._desa_prefix(codes, LEVEL_DIGITS["kabupaten_kota"], "kabupaten")

    def kecamatan_of(self, codes: CodesLike) -> pl.Series:
        """The 6-digit kecamatan code of each known desa code; null where the desa is not known."""
        return self._desa_prefix(codes, LEVEL_DIGITS["kecamatan"], "kecamatan")

    def _desa_prefix(self, codes: CodesLike, length: int, name: str) -> pl.Series:
        code = pl.col("code")
        return (
            pl.DataFrame({"code": as_code_series(codes)})
            .select(
                pl.when(code.is_in(self._known["desa_kelurahan"]))
                .then(code.str.replace_all(".", "", literal=True).str.slice(0, length))
                .alias(name)
            )
            .to_series()
        )

    # Tables

    def population(self, code: str) -> Population:
        """Population and area of the province ('53') or a kabupaten/kota; other levels have no figures."""
        region = self.get(code)
        try:
            return self._population[region.digits]
        except KeyError:
            raise UnknownRegionError(
                region.digits,
                "Tidak ada data penduduk untuk kode wilayah {code} (hanya provinsi dan kabupaten/kota). / "
                "No population figures for region code {code} (only the province and kabupaten/kota).",
            ) from None

    def frame(self) -> pl.DataFrame:
        """All regions: code, digits, name, level, subtype, parent, kabupaten and kecamatan (digits)."""
        return self._frame.clone()


def load_master() -> RegionMaster:
    return RegionMaster(
        shipped.read_csv("ntt_regions.csv"),
        shipped.read_csv("ntt_population_kepmendagri2025.csv"),
    )


@cache
def master() -> RegionMaster:
    """The region master from the shipped files, built on first use and shared afterwards."""
    return load_master()
