"""Problem details of the upload endpoint (RFC 9457), bilingual like every other answer of ingest."""

from __future__ import annotations

from typing import Any

from satudata.events import FEEDS
from satudata.problems import Problem, bilingual


def unknown_feed(name: str) -> Problem:
    return Problem(
        404,
        "unknown-feed",
        bilingual("Feed tidak dikenal", "Unknown feed"),
        bilingual(f"feed {name!r} tidak ada", f"there is no feed {name!r}"),
        {"feeds": list(FEEDS)},
    )


def missing_source() -> Problem:
    return Problem(
        422,
        "missing-source",
        bilingual("Unit pengirim tidak disebut", "Publishing unit missing"),
        bilingual(
            "sebutkan 'source' (mis. puskesmas/5301010) di query atau form",
            "give 'source' (e.g. puskesmas/5301010) as a query or form field",
        ),
    )


def unreadable_file(detail_id: str, detail_en: str) -> Problem:
    return Problem(
        400,
        "unreadable-file",
        bilingual("Berkas tidak dapat dibaca", "The file cannot be read"),
        bilingual(detail_id, detail_en),
        {"accepted": ["text/csv", "XLSX"]},
    )


def missing_columns(feed: str, missing: dict[str, tuple[str, ...]]) -> Problem:
    names = ", ".join(missing)
    return Problem(
        422,
        "missing-columns",
        bilingual("Kolom wajib tidak ada", "Required columns missing"),
        bilingual(f"kolom untuk {names} tidak ditemukan", f"no column for {names}"),
        {"feed": feed, "missing": [{"field": f, "accepted_headers": list(h)} for f, h in missing.items()]},
    )


def ambiguous_columns(feed: str, field: str, headers: list[str]) -> Problem:
    return Problem(
        422,
        "ambiguous-columns",
        bilingual("Beberapa kolom untuk satu isian", "Several columns for one field"),
        bilingual(
            f"kolom {', '.join(headers)} semuanya berarti {field}; sisakan satu",
            f"columns {', '.join(headers)} all mean {field}; keep one",
        ),
        {"feed": feed, "field": field, "headers": headers},
    )


def ledger_unavailable() -> Problem:
    return Problem(
        503,
        "ledger-unavailable",
        bilingual("Catatan unggahan tidak dapat dibaca", "The upload ledger cannot be read"),
        bilingual(
            "tidak ada yang diterbitkan; kirim ulang nanti",
            "nothing was published; retry later",
        ),
    )


def publish_failed(report: dict[str, Any]) -> Problem:
    return Problem(
        503,
        "broker-unavailable",
        bilingual("Broker Kafka tidak mengonfirmasi", "The Kafka broker did not confirm"),
        bilingual(
            "sebagian mungkin belum terbit; unggah ulang berkas yang sama, baris yang sudah terbit dilewati",
            "part may be unpublished; upload the same file again, rows already published are skipped",
        ),
        {"report": report},
    )
