"""Response bodies of the region routes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from satudata.regions import Level, Region


class RegionRef(BaseModel):
    code: str = Field(description="Kode bertitik / Dotted code")
    digits: str = Field(description="Kode tanpa titik / Digits code")
    name: str
    level: Level

    @classmethod
    def of(cls, region: Region) -> RegionRef:
        return cls(code=region.code, digits=region.digits, name=region.name, level=region.level)


def _ref(code: str, name: str, level: Level) -> dict[str, str]:
    return {"code": code, "digits": code.replace(".", ""), "name": name, "level": level}


class RegionDetail(RegionRef):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_ref("53.71.01", "Alak", "kecamatan"),
                    "subtype": None,
                    "parent": _ref("53.71", "Kota Kupang", "kabupaten_kota"),
                    "ancestors": [
                        _ref("53.71", "Kota Kupang", "kabupaten_kota"),
                        _ref("53", "Nusa Tenggara Timur", "provinsi"),
                    ],
                    "children": [
                        _ref("53.71.01.1001", "Namosain", "desa_kelurahan"),
                        _ref("53.71.01.1002", "Nunbaun Sabu", "desa_kelurahan"),
                    ],
                }
            ]
        }
    )

    subtype: str | None = Field(description="kabupaten/kota, desa/kelurahan; null untuk lainnya / else null")
    parent: RegionRef | None
    ancestors: list[RegionRef] = Field(description="Dari induk sampai provinsi / From the parent up to the province")
    children: list[RegionRef]
