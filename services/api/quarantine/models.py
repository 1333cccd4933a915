"""Response bodies of the quarantine routes."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.api.times import UtcDateTime

Status = Literal["open", "replaced", "resolved"]

EXAMPLE_PAGE: Final[dict[str, Any]] = {
    "items": [
        {
            "event_id": "3f1c2a9e-7d1b-4b7e-9a51-2f0c8d6e1a01",
            "feed": "child_measurement",
            "source": "puskesmas-oesapa",
            "record_id": "PKM-OSP-2025-000123",
            "desa_code": "53.71.01.1001",
            "desa_name": "Namosain",
            "kecamatan_code": "53.71.01",
            "kecamatan_name": "Alak",
            "kabupaten_code": "53.71",
            "kabupaten_name": "Kota Kupang",
            "rules": ["nik_birth_date_mismatch"],
            "reasons": [
                {
                    "rule": "nik_birth_date_mismatch",
                    "severity": "error",
                    "message_id": "Tanggal lahir di NIK tidak sama dengan birth_date.",
                    "message_en": "The birth date in the NIK does not match birth_date.",
                }
            ],
            "received_at": "2025-03-14T02:15:00Z",
            "status": "open",
            "resolved_at": None,
            "resolved_by": "",
            "event": {"id": "3f1c2a9e-…", "data": {"child_nik": "5371**********01", "desa_code": "5371011001"}},
        }
    ],
    "limit": 100,
    "next_cursor": "WzE3NDE5MTg1MDAwMDAsImNoaWxkX21lYXN1cmVtZW50IiwiM2YxYyJd",
    "next": "/v1/quarantine?feed=child_measurement&cursor=WzE3NDE5MTg1MDAwMDAsImNoaWxkX21lYXN1cmVtZW50IiwiM2YxYyJd",
}

EXAMPLE_REPLAY: Final[dict[str, Any]] = {
    "feed": "child_measurement",
    "rule": "height_cm_out_of_range",
    "topic": "satudata.raw.child_measurement.v1",
    "republished": 2,
    "event_ids": ["3f1c2a9e-7d1b-4b7e-9a51-2f0c8d6e1a01", "8b0e…"],
    "remaining": 0,
    "skipped": 1,
    "next_cursor": None,
}


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
    received_at: UtcDateTime = Field(description="Waktu masuk pipa (UTC) / When the event entered the pipe (UTC)")
    status: Status
    resolved_at: UtcDateTime | None
    resolved_by: str
    event: Any = Field(
        description=(
            "CloudEvent seperti diterima, NIK/KK disamarkan (4 digit wilayah dan 2 digit terakhir); teks bila bukan "
            "JSON / The CloudEvent as received with NIK/KK masked (4 region digits and the last 2); text if not JSON"
        )
    )


class QuarantinePage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_PAGE]})

    items: list[QuarantinedRecord]
    limit: int
    next_cursor: str | None = Field(description="null di halaman terakhir / null on the last page")
    next: str | None = Field(description="URL halaman berikut / URL of the next page")


class ReplayResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_REPLAY]})

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
