"""The ClickHouse rows routing makes (migration 002): one record_outcome row per event, one conflicts row per
disagreement between two agencies' statements about a person (values and record ids, never a NIK)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from satudata.events import Feed
from services.quality.facts import Facts
from services.quality.memory import Conflict
from services.quality.reasons import Verdict

OUTCOME_COLUMNS: Final = (
    "feed",
    "event_id",
    "source",
    "agency",
    "record_id",
    "desa_code",
    "kabupaten_code",
    "outcome",
    "errors",
    "warnings",
    "event_date",
    "received_at",
    "lateness_days",
    "version",
)
CONFLICT_COLUMNS: Final = (
    "conflict_id",
    "subject_hash",
    "field",
    "feed_a",
    "source_a",
    "record_id_a",
    "value_a",
    "feed_b",
    "source_b",
    "record_id_b",
    "value_b",
    "kabupaten_code",
    "detected_at",
    "version",
)


def outcome_row(
    feed: Feed, stored_id: str, fact: Facts, verdict: Verdict, received_at: datetime, version: int
) -> tuple[Any, ...]:
    errors = [r.rule for r in verdict.reasons if r.severity == "error"]
    warnings = [r.rule for r in verdict.reasons if r.severity == "warning"]
    return (
        feed.name,
        stored_id,
        fact.source,
        fact.agency,
        fact.record_id,
        fact.desa_code,
        fact.kabupaten_code,
        "clean" if verdict.ok else "quarantined",
        errors,
        warnings,
        fact.event_date,
        received_at,
        fact.lateness_days,
        version,
    )


def conflict_row(conflict: Conflict, fact: Facts, version: int) -> tuple[Any, ...]:
    value_a, value_b = conflict.values()
    a, b = conflict.a, conflict.b
    return (
        conflict.conflict_id,
        conflict.subject_hash,
        conflict.field,
        a.feed,
        a.source,
        a.record_id,
        value_a,
        b.feed,
        b.source,
        b.record_id,
        value_b,
        fact.kabupaten_code,
        fact.received_at,
        version,
    )
