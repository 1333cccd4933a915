"""Value objects of the region master."""

from __future__ import annotations

from dataclasses import dataclass

from satudata.regions.codes import Level


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # dotted, e.g. '53.01.04.2003'
    digits: str  # '5301042003'
    name: str
    level: Level
    subtype: str | None  # 'kabupaten' / 'kota', 'desa' / 'kelurahan'; None for the province and kecamatan
    parent: str | None  # dotted code of the parent; None for the province


@dataclass(frozen=True, slots=True)
class Population:
    """Kepmendagri 2025 population and BIG area of the province or a kabupaten/kota; no age breakdown."""

    male: int
    female: int
    total: int
    area_km2: float
