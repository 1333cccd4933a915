"""RFC 9457 problem details: the one shape of every error the API answers.

Titles and details carry Bahasa Indonesia first, then English; officials and operators read both.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from satudata.problems import PROBLEM_JSON, Problem, bilingual


class ProblemDoc(BaseModel):
    """The problem+json body, for the OpenAPI document only."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/unknown-indicator",
                    "title": "Indikator tidak dikenal / Unknown indicator",
                    "status": 404,
                    "detail": "indikator 'stunting' tidak ada; yang dikenal: … / indicator 'stunting' does not "
                    "exist; known: …",
                    "known": ["stunting_prevalence", "wasting_prevalence"],
                }
            ]
        },
    )
    type: str
    title: str
    status: int
    detail: str


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for routes that may answer these statuses with problem+json."""
    schema = ProblemDoc.model_json_schema()
    return {
        status: {
            "description": bilingual("Masalah (RFC 9457)", "Problem (RFC 9457)"),
            "content": {PROBLEM_JSON: {"schema": schema}},
        }
        for status in statuses
    }


def unknown_name(status: int, what_id: str, what_en: str, name: str, known: list[str]) -> Problem:
    """A name the caller gave that is not one of `known` (an indicator, a feed, a board), with the known ones."""
    return Problem(
        status,
        f"unknown-{what_en}",
        bilingual(f"{what_id.capitalize()} tidak dikenal", f"Unknown {what_en}"),
        bilingual(
            f"{what_id} {name!r} tidak ada; yang dikenal: {', '.join(known)}",
            f"{what_en} {name!r} does not exist; known: {', '.join(known)}",
        ),
        {"known": known},
    )


def unknown_indicator(code: str, known: list[str]) -> Problem:
    return unknown_name(404, "indikator", "indicator", code, known)


def unknown_region(message: str) -> Problem:
    return Problem(404, "unknown-region", bilingual("Wilayah tidak dikenal", "Unknown region"), message)


def invalid_region(message: str) -> Problem:
    return Problem(422, "invalid-region", bilingual("Kode wilayah tidak sah", "Invalid region code"), message)


def invalid_query(detail_id: str, detail_en: str) -> Problem:
    return Problem(
        422,
        "invalid-request",
        bilingual("Permintaan tidak sah", "Invalid request"),
        bilingual(detail_id, detail_en),
    )


def validation_failed(errors: list[dict[str, str]]) -> Problem:
    fields = ", ".join(f"{e['in']}.{e['name']}" for e in errors)
    return Problem(
        422,
        "invalid-request",
        bilingual("Permintaan tidak sah", "Invalid request"),
        bilingual(f"parameter tidak sah: {fields}", f"invalid parameter(s): {fields}"),
        {"errors": errors},
    )


def store_unavailable() -> Problem:
    return Problem(
        503,
        "store-unavailable",
        bilingual("ClickHouse tidak tersedia", "ClickHouse is unavailable"),
        bilingual(
            "penyimpanan data tidak menjawab; coba lagi sebentar lagi",
            "the data store did not answer; try again shortly",
        ),
        {"clickhouse": "unavailable"},
    )


def internal_error() -> Problem:
    return Problem(
        500,
        "internal-error",
        bilingual("Kesalahan internal", "Internal error"),
        bilingual("kesalahan ini sudah dicatat", "the error was logged"),
    )


def http_error(status: int, phrase: str) -> Problem:
    """Framework errors (unknown path, wrong method) in the same shape as ours."""
    return Problem(status, f"http-{status}", phrase, phrase)


def unknown_feed(name: str, known: list[str]) -> Problem:
    return unknown_name(422, "feed", "feed", name, known)


def publisher_unavailable() -> Problem:
    return Problem(
        503,
        "publisher-unavailable",
        bilingual("Kafka tidak tersedia untuk API ini", "Kafka is not available to this API"),
        bilingual(
            "API ini berjalan tanpa penerbit Kafka, jadi tidak bisa memutar ulang karantina",
            "this API runs without a Kafka publisher, so it cannot replay the quarantine",
        ),
    )


def publish_failed(republished: int) -> Problem:
    return Problem(
        503,
        "publish-failed",
        bilingual("Kafka tidak mengonfirmasi", "Kafka did not confirm"),
        bilingual(
            f"{republished} peristiwa sudah dikonfirmasi sebelum gagal; ulangi permintaan ini dengan aman",
            f"{republished} events were confirmed before the failure; repeating this request is safe",
        ),
        {"republished": republished},
    )


def level_not_available(indicator: str, detail_id: str, detail_en: str) -> Problem:
    """A region level (or breakdown) the indicator's source cannot answer, e.g. validity_rate below kabupaten."""
    return Problem(
        400,
        "level-not-available",
        bilingual("Tingkat wilayah tidak tersedia", "Region level not available"),
        bilingual(detail_id, detail_en),
        {"indicator": indicator},
    )
