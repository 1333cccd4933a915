"""Response bodies of the region routes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from satudata.regions import Level, Region


class RegionRef(BaseModel):
    code: str = Field(description="Kode bertitik / Dotted code")
    digits: str = Field(description="Kode tanpa titik / Digits code")
    name: str
    level: Level

    @classmethod
    def of(cls, region: Region) -> RegionRef:
        return cls(code=region.code, digits=region.digits, name=region.name, level=region.level)


class RegionDetail(RegionRef):
    subtype: str | None = Field(description="kabupaten/kota, desa/kelurahan; null untuk lainnya / else null")
    parent: RegionRef | None
    ancestors: list[RegionRef] = Field(description="Dari induk sampai provinsi / From the parent up to the province")
    children: list[RegionRef]
