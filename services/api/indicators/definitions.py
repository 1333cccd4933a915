"""The registry as the API serves it: every field of `Indicator.to_dict()`, the small-cell threshold resolved.

An indicator whose `small_cell_threshold` is None takes the settings' default (`SATUDATA_SMALL_CELL_THRESHOLD`),
so a client always reads the number that applies rather than having to know the default.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from satudata.indicators import INDICATORS, Indicator
from satudata.settings import Settings

EXAMPLE: dict[str, Any] = {
    "code": "stunting_prevalence",
    "name_id": "Prevalensi stunting (balita pendek dan sangat pendek)",
    "name_en": "Stunting prevalence (height-for-age below -2 SD)",
    "definition_id": "Balita dengan TB/U (zlen) < -2 SD di antara balita dengan zlen sah; …",
    "definition_en": "Children under five with length/height-for-age z (zlen) below -2 among those with a valid zlen…",
    "numerator": "balita dengan zlen < -2 / children with zlen < -2",
    "denominator": "balita dengan zlen sah / children with a valid unflagged zlen",
    "feeds": ["child_measurement"],
    "method": "stream",
    "unit": "percent",
    "higher_is_better": False,
    "target": 0.12,
    "target_source": "RPJMD NTT: 10-12 %",
    "small_cell_threshold": 5,
}


class IndicatorDefinition(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    code: str = Field(description="Kode indikator / Indicator code")
    name_id: str = Field(description="Nama (Bahasa Indonesia)")
    name_en: str = Field(description="Name (English)")
    definition_id: str = Field(description="Definisi (Bahasa Indonesia)")
    definition_en: str = Field(description="Definition (English)")
    numerator: str = Field(description="Pembilang / Numerator")
    denominator: str = Field(description="Penyebut / Denominator")
    feeds: list[str] = Field(
        description="Feed yang rekamannya dihitung (pertama = pembilang) / Feeds whose records count (first: numerator)"
    )
    method: Literal["stream", "joined", "quality"] = Field(
        description=(
            "stream: dihitung per rekaman; joined: gabungan fakta beberapa feed; quality: dari hasil gerbang mutu / "
            "stream: counted per record; joined: from the joined facts of several feeds; quality: from the quality "
            "gateway's outcomes"
        )
    )
    unit: Literal["percent"] = Field(description="Nilai berupa pecahan (0,12 = 12 %) / Values are fractions")
    higher_is_better: bool = Field(description="Makin tinggi makin baik / Higher is better")
    target: float | None = Field(description="Target (pecahan); null bila tidak ada / Target (fraction), or null")
    target_source: str | None = Field(description="Sumber target / Where the target comes from")
    small_cell_threshold: int = Field(
        description=(
            "Agregat dengan penyebut di bawah ini disembunyikan untuk publik (bawaan dari pengaturan bila indikator "
            "tidak menentukan) / Aggregates with a denominator below this are suppressed for the public (the "
            "settings' default unless the indicator sets one)"
        )
    )


class IndicatorList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE]}]})

    items: list[IndicatorDefinition] = Field(description="Urutan registri / Registry order")


def definition(indicator: Indicator, settings: Settings) -> IndicatorDefinition:
    fields = indicator.to_dict()
    fields["small_cell_threshold"] = indicator.small_cell_limit(settings.small_cell_threshold)
    fields["feeds"] = list(fields["feeds"])
    return IndicatorDefinition(**fields)


def registry(settings: Settings) -> IndicatorList:
    return IndicatorList(items=[definition(i, settings) for i in INDICATORS.values()])
