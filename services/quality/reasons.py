"""Verdicts and reasons: what the quality service says about one record, in the words operators read.

Severity follows the domain ("error": quarantine, "warning": accept and report); the GX suites spell the
same two levels "critical" and "warning". The rules that guard the gateway itself (a message that is not JSON,
too large, or not a CloudEvent of the feed) live here, not in a suite: GX never sees such a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: GX's severity names → ours.
SEVERITY_FROM_GX: dict[str, Severity] = {"critical": "error", "warning": "warning"}


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    severity: Severity
    message_id: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message_id": self.message_id,
            "message_en": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """ok: the record goes to the clean topic (reasons then hold warnings only); else to quarantine."""

    ok: bool
    reasons: list[Reason] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        return [reason.rule for reason in self.reasons]

    @classmethod
    def of(cls, reasons: list[Reason]) -> Verdict:
        return cls(ok=all(r.severity == "warning" for r in reasons), reasons=reasons)


NOT_JSON = Reason(
    "not_json",
    "error",
    "Pesan bukan JSON UTF-8 yang sah; teksnya disimpan apa adanya (karakter rusak diganti).",
    "The message is not valid UTF-8 JSON; its text is kept as received (broken characters replaced).",
)
MESSAGE_TOO_LARGE = Reason(
    "message_too_large",
    "error",
    "Pesan terlalu besar untuk satu rekaman; hanya bagian awalnya yang disimpan.",
    "The message is too large for one record; only its beginning is kept.",
)
VALIDATION_FAILED = Reason(
    "validation_failed",
    "error",
    "Rekaman ini tidak dapat diperiksa karena galat pada layanan mutu; rekaman ditahan untuk diperiksa ulang.",
    "This record could not be checked because of a fault in the quality service; it is held for re-checking.",
)
CONTRACT_ERROR = Reason(
    "contract_error",
    "error",
    "Aturan kontrak gagal dijalankan pada kelompok rekaman ini; rekaman ditahan sampai kontrak diperbaiki "
    "dan diperiksa ulang.",
    "A contract rule could not be evaluated on this batch; the record is held until the contract is fixed "
    "and the record re-checked.",
)


def envelope_invalid(problems_id: list[str], problems_en: list[str]) -> Reason:
    """One reason naming every envelope problem, so the sender fixes them all at once."""
    return Reason(
        "envelope_invalid",
        "error",
        "Amplop CloudEvent tidak sah: " + "; ".join(problems_id) + ".",
        "Invalid CloudEvent envelope: " + "; ".join(problems_en) + ".",
    )


# The checks that need memory (services/quality/memory.py): no suite can see across batches or feeds.
DUPLICATE_EVENT = Reason(
    "duplicate_event",
    "warning",
    "Peristiwa yang sama (id dan isi sama) sudah pernah diterima; dihitung sekali saja.",
    "The same event (same id and content) was received before; it is counted once.",
)
EVENT_ID_REUSED = Reason(
    "event_id_reused",
    "error",
    "Id peristiwa ini sudah dipakai untuk rekaman lain dengan isi berbeda; kirim ulang dengan id baru.",
    "This event id was already used for a record with different content; send it again with a new id.",
)


def late_arrival(days: int, limit: int) -> Reason:
    return Reason(
        "late_arrival",
        "warning",
        f"Rekaman tiba {days} hari setelah tanggal kejadiannya (batas {limit} hari).",
        f"The record arrived {days} days after its event date (limit {limit} days).",
    )


def cross_agency_conflict(fields: list[str], others: list[str]) -> Reason:
    """Names the differing fields and the other sources, never the person's NIK."""
    field_text = ", ".join(fields)
    other_text = ", ".join(others)
    return Reason(
        "cross_agency_conflict",
        "warning",
        f"Data orang ini ({field_text}) berbeda dengan yang dilaporkan {other_text}; lihat daftar konflik.",
        f"This person's {field_text} differs from what {other_text} reported; see the conflicts list.",
    )
