"""Response bodies of the indicator routes. Values are fractions (0.12 is 12 %), null when nobody counted."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from satudata.regions import Level

# Fields are listed per model, not inherited, so that JSON keys come in reading order.
Numerator = Annotated[int, Field(description="Jumlah pembilang / Summed numerator")]
Denominator = Annotated[int, Field(description="Jumlah penyebut / Summed denominator")]
Value = Annotated[
    float | None, Field(description="pembilang / penyebut; null bila penyebut 0 / null when denominator is 0")
]
RegionCode = Annotated[str, Field(description="Kode wilayah bertitik / Dotted region code")]
Period = Annotated[str, Field(description="Bulan YYYY-MM (WITA) / Month YYYY-MM (WITA)")]


class IndicatorValue(BaseModel):
    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    period: Period
    numerator: Numerator
    denominator: Denominator
    value: Value


class RegionCount(BaseModel):
    region: RegionCode
    region_name: str
    level: Level
    numerator: Numerator
    denominator: Denominator
    value: Value


class IndicatorBreakdown(BaseModel):
    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    period: Period
    by: Level
    items: list[RegionCount]


class GroupCount(BaseModel):
    key: str = Field(description="Nama feed atau sumber (CloudEvent source) / Feed name or CloudEvent source")
    numerator: Numerator
    denominator: Denominator
    value: Value


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


class IndicatorSeries(BaseModel):
    indicator: str
    region: RegionCode
    region_name: str
    level: Level
    start: str = Field(alias="from", description="Bulan pertama / First month")
    end: str = Field(alias="to", description="Bulan terakhir / Last month")
    items: list[PeriodCount]
