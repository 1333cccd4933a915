"""Response bodies of the indicator routes. Values are fractions (0.12 is 12 %), null when nobody counted."""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from satudata.regions import Level

# Fields are listed per model, not inherited, so that JSON keys come in reading order.
Numerator = Annotated[
    int | None, Field(description="Jumlah pembilang; null bila disembunyikan / Summed numerator; null if suppressed")
]
Denominator = Annotated[
    int | None, Field(description="Jumlah penyebut; null bila disembunyikan / Summed denominator; null if suppressed")
]
Value = Annotated[
    float | None,
    Field(
        description="pembilang / penyebut; null bila penyebut 0 atau disembunyikan / null when the denominator is 0 "
        "or the cell is suppressed"
    ),
]
Suppressed = Annotated[
    bool,
    Field(
        description="Sel kecil disembunyikan untuk publik (penyebut di bawah small_cell_threshold) / Small cell "
        "suppressed for the public (denominator below small_cell_threshold)"
    ),
]
RegionCode = Annotated[str, Field(description="Kode wilayah bertitik / Dotted region code")]
Period = Annotated[str, Field(description="Bulan YYYY-MM (WITA) / Month YYYY-MM (WITA)")]


_KUPANG: Final = {"region": "53.71", "region_name": "Kota Kupang", "level": "kabupaten_kota"}
_COUNTS: Final = {"numerator": 1104, "denominator": 5200, "value": 0.2123, "suppressed": False}
_HIDDEN: Final = {"numerator": None, "denominator": None, "value": None, "suppressed": True}


class IndicatorValue(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"indicator": "stunting_prevalence", **_KUPANG, "period": "2025-03", **_COUNTS}]
        }
    )

    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    period: Period
    numerator: Numerator
    denominator: Denominator
    value: Value
    suppressed: Suppressed = False


class RegionCount(BaseModel):
    region: RegionCode
    region_name: str
    level: Level
    numerator: Numerator
    denominator: Denominator
    value: Value
    suppressed: Suppressed = False


class IndicatorBreakdown(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "indicator": "stunting_prevalence",
                    **_KUPANG,
                    "period": "2025-03",
                    "by": "kecamatan",
                    "items": [
                        {"region": "53.71.01", "region_name": "Alak", "level": "kecamatan", **_COUNTS},
                        {"region": "53.71.02", "region_name": "Maulafa", "level": "kecamatan", **_HIDDEN},
                    ],
                    "limit": 1000,
                    "next_cursor": None,
                    "next": None,
                }
            ]
        }
    )

    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    period: Period
    by: Level
    items: list[RegionCount]
    limit: int = Field(description="Butir per halaman / Items per page")
    next_cursor: str | None = Field(default=None, description="null di halaman terakhir / null on the last page")
    next: str | None = Field(default=None, description="URL halaman berikut / URL of the next page")


class GroupCount(BaseModel):
    key: str = Field(description="Nama feed atau sumber (CloudEvent source) / Feed name or CloudEvent source")
    numerator: Numerator
    denominator: Denominator
    value: Value
    suppressed: Suppressed = False


class IndicatorGroupBreakdown(BaseModel):
    """validity_rate per feed or per source, within the region and month."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "indicator": "validity_rate",
                    "region": "53.71",
                    "region_name": "Kota Kupang",
                    "level": "kabupaten_kota",
                    "period": "2025-03",
                    "by": "feed",
                    "items": [
                        {"key": "child_measurement", "numerator": 1104, "denominator": 1200, "value": 0.92},
                        {"key": "family_risk", "numerator": 0, "denominator": 0, "value": None},
                    ],
                }
            ]
        }
    )

    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    period: Period
    by: Literal["feed", "source"]
    items: list[GroupCount]


class PeriodCount(BaseModel):
    period: Period
    numerator: Numerator
    denominator: Denominator
    value: Value
    suppressed: Suppressed = False


class IndicatorSeries(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "indicator": "stunting_prevalence",
                    **_KUPANG,
                    "from": "2025-02",
                    "to": "2025-03",
                    "items": [
                        {"period": "2025-02", "numerator": 0, "denominator": 0, "value": None, "suppressed": False},
                        {"period": "2025-03", **_COUNTS},
                    ],
                }
            ]
        }
    )

    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    start: str = Field(alias="from", description="Bulan pertama / First month")
    end: str = Field(alias="to", description="Bulan terakhir / Last month")
    items: list[PeriodCount]
