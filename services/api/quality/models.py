"""Response bodies of the quality routes. Rates are fractions (0.93 is 93 %), null where nothing was counted."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

GroupBy = Literal["agency", "feed", "kabupaten", "source"]
Rate = Annotated[float | None, Field(ge=0, le=1)]


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
    by: GroupBy
    start: datetime | None = Field(alias="from")
    end: datetime | None = Field(alias="to", description="Eksklusif / Exclusive")
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
    since: datetime
    raised_at: datetime
    value: float
    threshold: float
    example_record_id: str
    message_id: str
    message_en: str


class AlertList(BaseModel):
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
    detected_at: datetime


class ConflictList(BaseModel):
    items: list[Conflict]
    limit: int
    next_cursor: str | None
    next: str | None
