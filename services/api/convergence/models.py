"""Response bodies of the convergence routes: pseudonyms only, never a NIK or KK number."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from satudata.regions import Level

ReasonCode = Literal["stunted", "family_at_risk", "extreme_poor"]

EXAMPLE_PAGE: dict[str, Any] = {
    "period": "2025-03",
    "region": "53.71.01",
    "region_name": "Alak",
    "level": "kecamatan",
    "items": [
        {
            "desa_code": "53.71.01.1001",
            "desa_name": "Namosain",
            "child_hash": "9f2c4e0b1a7d…",
            "reasons": [
                {
                    "code": "stunted",
                    "label_id": "Balita pendek (TB/U < -2 SD) dalam 3 bulan terakhir",
                    "label_en": "Stunted (height-for-age below -2 SD) in the last 3 months",
                }
            ],
            "kk_hash": "41d07a6c3be2…",
            "posyandu_id": "PSY-5371011001-03",
            "last_measure_date": "2025-03-11",
            "last_intervention_date": None,
        }
    ],
    "limit": 100,
    "next_cursor": None,
    "next": None,
}


class TargetReason(BaseModel):
    code: ReasonCode
    label_id: str
    label_en: str


class NotReachedChild(BaseModel):
    desa_code: str = Field(description="Kode desa bertitik / Dotted desa code")
    desa_name: str | None = Field(description="null bila kode desa tidak dikenal / null for an unknown desa code")
    child_hash: str = Field(description="Pseudonim anak (HMAC NIK) / The child's pseudonym (HMAC of the NIK)")
    reasons: list[TargetReason] = Field(description="Mengapa anak ini sasaran / Why the child is a target")
    kk_hash: str | None = Field(description="Pseudonim KK (HMAC), null bila tidak ada / KK pseudonym (HMAC), or null")
    posyandu_id: str | None = Field(
        description="Posyandu pengukuran terakhir / Posyandu of the last measurement, or null"
    )
    last_measure_date: date | None = Field(description="Pengukuran terakhir / Last measurement")
    last_intervention_date: date | None = Field(description="Intervensi terakhir / Last intervention")


class NotReachedPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PAGE]})

    period: str = Field(description="Bulan YYYY-MM (WITA) / Month YYYY-MM (WITA)")
    region: str = Field(description="Kode wilayah bertitik / Dotted region code")
    region_name: str
    level: Level
    items: list[NotReachedChild]
    limit: int
    next_cursor: str | None = Field(description="null di halaman terakhir / null on the last page")
    next: str | None = Field(description="URL halaman berikut / URL of the next page")
