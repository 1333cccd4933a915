"""Response bodies of the quality routes. Rates are fractions (0.93 is 93 %), null where nothing was counted."""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.api.times import UtcDateTime

GroupBy = Literal["agency", "feed", "kabupaten", "source"]
Rate = Annotated[float | None, Field(ge=0, le=1)]

_SCORE: Final[dict[str, Any]] = {
    "received": 1200,
    "clean": 1104,
    "quarantined": 96,
    "warnings": 40,
    "validity": 0.92,
    "timeliness": 0.875,
    "completeness": 0.97,
}
_ALERT: Final[dict[str, Any]] = {
    "alert_id": "validity_low:puskesmas-oesapa:2025-03-14T02",
    "kind": "validity_low",
    "feed": "child_measurement",
    "source": "puskesmas-oesapa",
    "kabupaten_code": "53.71",
    "kabupaten_name": "Kota Kupang",
    "rule": "",
    "since": "2025-03-14T01:00:00Z",
    "raised_at": "2025-03-14T02:00:00Z",
    "value": 0.62,
    "threshold": 0.8,
    "example_record_id": "PKM-OSP-2025-000123",
    "message_id": "Validitas puskesmas-oesapa 62 % (ambang 80 %) sejak 14 Mar 09.00 WITA",
    "message_en": "puskesmas-oesapa validity 62 % (threshold 80 %) since 14 Mar 09:00 WITA",
}
_CONFLICT: Final[dict[str, Any]] = {
    "conflict_id": "c-5f2a9e",
    "field": "birth_date",
    "feed_a": "child_measurement",
    "source_a": "puskesmas-oesapa",
    "record_id_a": "PKM-OSP-2025-000123",
    "value_a": "2023-01-14",
    "feed_b": "family_risk",
    "source_b": "tpk-alak",
    "record_id_b": "TPK-2025-88",
    "value_b": "2023-01-04",
    "kabupaten_code": "53.71",
    "kabupaten_name": "Kota Kupang",
    "detected_at": "2025-03-14T02:15:00Z",
}
_LAST_PAGE: Final = {"limit": 100, "next_cursor": None, "next": None}


class ScoreCounts(BaseModel):
    received: int = Field(description="Rekaman diterima / Records received")
    clean: int = Field(description="Lolos kontrak / Passed the contract")
    quarantined: int = Field(description="Dikarantina / Quarantined")
    warnings: int = Field(description="Rekaman dengan ≥1 peringatan / Records with at least one warning")
    validity: Rate = Field(description="clean / received")
    timeliness: Rate = Field(
        description=(
            "Bagian rekaman dengan keterlambatan ≤ 7 hari di antara yang keterlambatannya diketahui; null bila "
            "tidak ada / Share with lateness ≤ 7 days among records whose lateness is known; null if none"
        )
    )
    completeness: Rate = Field(
        description=(
            "Bagian rekaman tanpa aturan kelengkapan yang gagal (missing_field, *_missing, *_empty) / Share of "
            "records failing no completeness rule (missing_field, *_missing, *_empty)"
        )
    )


class ScoreGroup(ScoreCounts):
    key: str = Field(description="Nilai pengelompokan; kabupaten bertitik / The group's value; kabupaten dotted")
    name: str | None = Field(description="Nama kabupaten bila by=kabupaten / Kabupaten name when by=kabupaten")


class Scorecard(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "by": "kabupaten",
                    "from": "2025-02-28T16:00:00Z",
                    "to": "2025-03-31T16:00:00Z",
                    "total": _SCORE,
                    "items": [{"key": "53.71", "name": "Kota Kupang", **_SCORE}],
                }
            ]
        }
    )

    by: GroupBy
    start: UtcDateTime | None = Field(alias="from")
    end: UtcDateTime | None = Field(alias="to", description="Eksklusif / Exclusive")
    total: ScoreCounts
    items: list[ScoreGroup]


class Alert(BaseModel):
    alert_id: str
    kind: str
    feed: str
    source: str
    kabupaten_code: str | None
    kabupaten_name: str | None
    rule: str
    since: UtcDateTime
    raised_at: UtcDateTime
    value: float
    threshold: float
    example_record_id: str
    message_id: str
    message_en: str


class AlertList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_ALERT], **_LAST_PAGE}]})

    items: list[Alert]
    limit: int
    next_cursor: str | None
    next: str | None


class Conflict(BaseModel):
    conflict_id: str
    field: str = Field(description="birth_date atau / or sex")
    feed_a: str
    source_a: str
    record_id_a: str
    value_a: str
    feed_b: str
    source_b: str
    record_id_b: str
    value_b: str
    kabupaten_code: str | None
    kabupaten_name: str | None
    detected_at: UtcDateTime


class ConflictList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_CONFLICT], **_LAST_PAGE}]})

    items: list[Conflict]
    limit: int
    next_cursor: str | None
    next: str | None
