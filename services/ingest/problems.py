"""RFC 9457 problem details, the one shape of every error this service answers.

Titles and details carry Bahasa Indonesia first, then English, because the agencies' operators read both.
"""

from __future__ import annotations

from typing import Any

from satudata.problems import Problem, bilingual


def not_json(reason: str, line: int | None = None) -> Problem:
    where = {} if line is None else {"line": line}
    at_id, at_en = ("", "") if line is None else (f" pada baris {line}", f" at line {line}")
    return Problem(
        400,
        "not-json",
        bilingual("Isi permintaan bukan JSON yang sah", "Body is not valid JSON"),
        bilingual(f"tidak dapat dibaca sebagai JSON{at_id}", f"cannot be read as JSON{at_en}") + f" ({reason})",
        where,
    )


def bad_body(detail_id: str, detail_en: str) -> Problem:
    return Problem(
        400,
        "bad-body",
        bilingual("Bentuk isi permintaan salah", "Malformed request body"),
        bilingual(detail_id, detail_en),
    )


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "too-large",
        bilingual("Isi permintaan terlalu besar", "Request body too large"),
        bilingual(
            f"batas {limit} byte; pecah kiriman menjadi beberapa permintaan",
            f"the limit is {limit} bytes; split the batch into several requests",
        ),
        {"max_bytes": limit},
    )


def unsupported_media_type(got: str | None, supported: tuple[str, ...]) -> Problem:
    return Problem(
        415,
        "unsupported-media-type",
        bilingual("Jenis isi tidak didukung", "Unsupported content type"),
        bilingual(f"Content-Type {got!r} tidak didukung", f"Content-Type {got!r} is not supported"),
        {"supported": list(supported)},
    )


def invalid_envelope(errors: list[dict[str, str]]) -> Problem:
    return Problem(
        422,
        "invalid-envelope",
        bilingual("Amplop CloudEvent tidak sah", "Invalid CloudEvent envelope"),
        bilingual(f"{len(errors)} aturan amplop dilanggar", f"{len(errors)} envelope rule(s) failed"),
        {"errors": errors},
    )


def duplicate_id(event_id: str, first_index: int) -> Problem:
    return Problem(
        422,
        "duplicate-id",
        bilingual("id kejadian berulang dalam satu permintaan", "Event id repeated within one request"),
        bilingual(
            f"id {event_id!r} sudah diterima pada butir {first_index}",
            f"id {event_id!r} was already accepted at item {first_index}",
        ),
        {"first_index": first_index},
    )


def nothing_accepted(refused: list[dict[str, Any]]) -> Problem:
    return Problem(
        422,
        "nothing-accepted",
        bilingual("Tidak ada kejadian yang diterima", "No event was accepted"),
        bilingual(
            "setiap butir ditolak; tidak ada yang diterbitkan",
            "every item was refused; nothing was published",
        ),
        {"refused": refused},
    )


def broker_unavailable() -> Problem:
    return Problem(
        503,
        "broker-unavailable",
        bilingual("Broker Kafka tidak mengonfirmasi", "The Kafka broker did not confirm"),
        bilingual(
            "tidak ada kejadian yang dinyatakan diterima; kirim ulang seluruh permintaan nanti",
            "no event is claimed accepted; retry the whole request later",
        ),
    )


def http_error(status: int, phrase: str) -> Problem:
    """Framework errors (unknown path, wrong method) in the same shape as ours."""
    return Problem(status, f"http-{status}", phrase, phrase)


def not_connected() -> Problem:
    return Problem(
        503,
        "not-connected",
        bilingual("Produsen tidak terhubung ke Kafka", "The producer is not connected to Kafka"),
        bilingual("layanan ingest belum dapat menerbitkan", "the ingest service cannot publish yet"),
    )


def internal_error() -> Problem:
    return Problem(
        500,
        "internal-error",
        bilingual("Kesalahan internal", "Internal error"),
        bilingual(
            "tidak ada kejadian yang dinyatakan diterima; kirim ulang nanti",
            "no event is claimed accepted; retry later",
        ),
    )
