"""Response bodies of the quarantine routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["open", "replaced", "resolved"]


class Reason(BaseModel):
    rule: str
    severity: str = Field(description="error (dikarantina / quarantined) atau / or warning")
    message_id: str
    message_en: str


class QuarantinedRecord(BaseModel):
    event_id: str
    feed: str
    source: str
    record_id: str
    desa_code: str = Field(description="Bertitik bila dikenal, selain itu apa adanya / Dotted when known, else as sent")
    desa_name: str | None = Field(description="null bila kode desa tidak dikenal / null for an unknown desa code")
    kecamatan_code: str | None
    kecamatan_name: str | None
    kabupaten_code: str | None
    kabupaten_name: str | None
    rules: list[str]
    reasons: list[Reason]
    received_at: datetime = Field(description="Waktu masuk pipa (UTC) / When the event entered the pipe (UTC)")
    status: Status
    resolved_at: datetime | None
    resolved_by: str
    event: Any = Field(
        description=(
            "CloudEvent seperti diterima, NIK/KK disamarkan (4 digit wilayah dan 2 digit terakhir); teks bila bukan "
            "JSON / The CloudEvent as received with NIK/KK masked (4 region digits and the last 2); text if not JSON"
        )
    )


class QuarantinePage(BaseModel):
    items: list[QuarantinedRecord]
    limit: int
    next_cursor: str | None = Field(description="null di halaman terakhir / null on the last page")
    next: str | None = Field(description="URL halaman berikut / URL of the next page")


class ReplayResult(BaseModel):
    feed: str
    rule: str | None
    topic: str
    republished: int = Field(description="Peristiwa yang dikonfirmasi broker / Events the broker confirmed")
    event_ids: list[str]
    remaining: int = Field(
        description="Baris terbuka yang cocok setelah ini, saat panggilan / Matching open rows left, at the call"
    )
    skipped: int = Field(
        description=(
            "Baris terbuka yang cocok tetapi tidak bisa diputar ulang (bukan JSON, terpotong, tanpa id) / Matching "
            "open rows that cannot be replayed (not JSON, truncated, no event id)"
        )
    )
    next_cursor: str | None = Field(description="Untuk melanjutkan bila remaining > 0 / To continue when remaining > 0")
