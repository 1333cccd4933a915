"""Routing, as a pure function: a batch of raw messages → the messages to produce and the rows to store.

Every message in ends in exactly one message out, on the clean or the quarantine topic (docs/architecture.md,
"Messages"), and in one record_outcome row under its stored id; a quarantined one also in one quarantine row
under the same id (an event whose id was reused is stored as `<id>#<hash8>`, so no record is in both).
Given a `Memory`, the checks across batches (duplicates, reused ids, cross-agency conflicts) add their reasons.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Protocol

import orjson

from satudata.events import Feed, FieldKind
from satudata.logs import get_logger
from services.quality.envelope import Undecodable, decode
from services.quality.facts import Facts, facts_of, field_kinds
from services.quality.memory import ChangelogRecord, Memory, Remembered, reused_id
from services.quality.reasons import (
    DUPLICATE_EVENT,
    EVENT_ID_REUSED,
    VALIDATION_FAILED,
    Reason,
    Verdict,
    cross_agency_conflict,
    late_arrival,
)
from services.quality.rows import conflict_row, outcome_row

QUARANTINE_COLUMNS: Final = (
    "event_id",
    "feed",
    "source",
    "desa_code",
    "record_id",
    "rules",
    "reasons",
    "event",
    "received_at",
    "version",
)

log = get_logger(__name__)

# What makes a subject-key value usable as a Kafka key: the same shapes the contracts demand.
_KEY_SHAPES: Final[dict[FieldKind, re.Pattern[str]]] = {
    "nik": re.compile(r"[0-9]{16}"),
    "kk": re.compile(r"[0-9]{16}"),
    "desa": re.compile(r"[0-9]{10}"),
}


class Validator(Protocol):
    """A feed's contract: one verdict per item (an event, anything undecodable, or junk), never raising."""

    feed: Feed
    contract: str  # e.g. "child_measurement/v1"

    def validate(self, events: Sequence[Any]) -> list[Verdict]: ...


@dataclass(frozen=True, slots=True)
class Incoming:
    """One consumed raw message."""

    value: bytes | None
    topic: str
    partition: int
    offset: int
    timestamp: float | None = None  # Kafka record time, seconds since the epoch

    @property
    def position(self) -> str:
        """Stands in for the event id of a message that has none: unique, and the same on every replay."""
        return f"kafka:{self.topic}/{self.partition}/{self.offset}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    topic: str
    key: bytes
    value: bytes
    partition: int | None = None  # None: the producer's partitioner decides (by key)


@dataclass(slots=True)
class Routed:
    messages: list[Outgoing] = field(default_factory=list)
    quarantine_rows: list[tuple[Any, ...]] = field(default_factory=list)
    outcome_rows: list[tuple[Any, ...]] = field(default_factory=list)
    conflict_rows: list[tuple[Any, ...]] = field(default_factory=list)
    changelog: list[ChangelogRecord] = field(default_factory=list)  # memory's changed keys, each once
    clean: int = 0
    quarantined: int = 0
    warned: int = 0  # clean records that carry warnings


def route(
    batch: Sequence[Incoming],
    validator: Validator,
    *,
    max_event_bytes: int,
    now: datetime | None = None,
    memory: Memory | None = None,
    late_after_days: int | None = None,
) -> Routed:
    feed = validator.feed
    now = now or datetime.now(UTC)
    decoded = [decode(message.value, max_bytes=max_event_bytes) for message in batch]
    verdicts = _validate(validator, decoded)
    facts = [
        facts_of(feed, event, _event_id(event) or message.position, _received_at(message, now))
        for message, event in zip(batch, decoded, strict=True)
    ]
    datas = [_data(event) for event in decoded]
    routed = Routed()
    remembered = [Remembered() for _ in batch]
    if memory is not None:
        items = [(f, d, m.partition, m.offset, v.ok) for f, d, m, v in zip(facts, datas, batch, verdicts, strict=True)]
        checked = memory.check(feed.name, items)
        remembered, routed.changelog = checked.records, checked.records_to_send()
    trailer = {"contract": validator.contract, "validated_at": _iso(now)}
    version = int(now.timestamp() * 1_000_000)
    for message, event, verdict, fact, data, memo in zip(
        batch, decoded, verdicts, facts, datas, remembered, strict=True
    ):
        verdict = Verdict.of(verdict.reasons + _remembered_reasons(fact, memo, late_after_days))
        stored_id = reused_id(fact.event_id, fact.content_hash or "") if memo.sighting == "reused" else fact.event_id
        received_at = fact.received_at
        if memo.first_received_ms is not None and memo.sighting != "reused":
            # A duplicate stands for the first event: its row replaces that one, not a second hour's count.
            received_at = datetime.fromtimestamp(memo.first_received_ms / 1000, UTC)
        event_text = _event_json(message, event)
        reasons = [reason.to_dict() for reason in verdict.reasons]
        value = _message(event_text, {"reasons": reasons, **trailer})
        # The contract made a clean record's key usable; a quarantined one falls back to whatever is left.
        key = subject_key(feed, data) or _record_key(data) or fact.event_id
        if verdict.ok:
            routed.messages.append(Outgoing(feed.clean_topic, key.encode(), value))
            routed.clean += 1
            routed.warned += bool(reasons)
        else:
            routed.messages.append(Outgoing(feed.quarantine_topic, key.encode(), value))
            routed.quarantine_rows.append(
                (
                    stored_id,
                    feed.name,
                    fact.source,
                    fact.desa_code,
                    fact.record_id,
                    verdict.rules,
                    orjson.dumps(reasons).decode(),
                    event_text.decode(),
                    received_at,
                    version,
                )
            )
            routed.quarantined += 1
        routed.outcome_rows.append(outcome_row(feed, stored_id, fact, verdict, received_at, version))
        routed.conflict_rows += [conflict_row(c, fact, version) for c in memo.conflicts]
    return routed


def _remembered_reasons(fact: Facts, memo: Remembered, late_after_days: int | None) -> list[Reason]:
    found: list[Reason] = []
    lateness = fact.lateness_days
    if lateness is not None and late_after_days is not None and lateness > late_after_days:
        found.append(late_arrival(lateness, late_after_days))
    if memo.sighting == "duplicate":
        found.append(DUPLICATE_EVENT)
    elif memo.sighting == "reused":
        found.append(EVENT_ID_REUSED)
    if memo.conflicts:
        fields = sorted({c.field for c in memo.conflicts})
        others = sorted({c.a.source for c in memo.conflicts})
        found.append(cross_agency_conflict(fields, others))
    return found


def _data(event: Any) -> Mapping[str, Any]:
    data = event.get("data") if isinstance(event, dict) else None
    return data if isinstance(data, dict) else {}


def _validate(validator: Validator, items: Sequence[Any]) -> list[Verdict]:
    """The validator's verdicts; should it raise (a bug meeting odd data), the batch is halved until the
    items it cannot judge are found alone and quarantined, so one bad item never holds back the rest."""
    try:
        verdicts = validator.validate(items)
        if len(verdicts) == len(items):
            return verdicts
        error = "VerdictCountMismatch"
    except Exception as exc:  # a service never crashes on data
        error = type(exc).__name__
    if len(items) == 1:
        log.error("record could not be validated", feed=validator.feed.name, error=error)
        return [Verdict.of([VALIDATION_FAILED])]
    middle = len(items) // 2
    return _validate(validator, items[:middle]) + _validate(validator, items[middle:])


def subject_key(feed: Feed, data: Mapping[str, Any]) -> str | None:
    """The feed's subject key ('|'-joined when it has several fields), or None if any part is unusable."""
    kinds = field_kinds(feed)
    parts = []
    for name in feed.subject_key:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        text = str(value)
        shape = _KEY_SHAPES.get(kinds.get(name, "str"))
        if not text.strip() or (shape is not None and not shape.fullmatch(text)):
            return None
        parts.append(text)
    return "|".join(parts)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _record_key(data: Mapping[str, Any]) -> str | None:
    record_id = _str(data.get("record_id"))
    return f"rec:{record_id}" if record_id.strip() else None


def _event_json(message: Incoming, event: Any) -> bytes:
    """The event as JSON text: the bytes as received when they parsed (so nothing is re-rounded or
    reordered), else the kept text as a JSON string."""
    if isinstance(event, Undecodable):
        return orjson.dumps(event.text)
    assert message.value is not None  # only None decodes to Undecodable
    return message.value.strip()


def _message(event_json: bytes, rest: dict[str, Any]) -> bytes:
    # Splice the event's own bytes in; orjson only accepted them if they are strict JSON.
    return b'{"event":' + event_json + b"," + orjson.dumps(rest)[1:]


def _event_id(event: Any) -> str | None:
    value = event.get("id") if isinstance(event, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _received_at(message: Incoming, now: datetime) -> datetime:
    return datetime.fromtimestamp(message.timestamp, UTC) if message.timestamp else now


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
