"""Routing, as a pure function: a batch of raw messages → the messages to produce and the rows to store.

Every message in ends in exactly one message out, on the clean or the quarantine topic (docs/architecture.md,
"Messages"), and in one pipeline_counts row; a quarantined one also in one quarantine row.
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
from services.quality.reasons import VALIDATION_FAILED, Verdict

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
COUNT_COLUMNS: Final = ("feed", "source", "outcome", "event_id", "at")

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


@dataclass(slots=True)
class Routed:
    messages: list[Outgoing] = field(default_factory=list)
    quarantine_rows: list[tuple[Any, ...]] = field(default_factory=list)
    count_rows: list[tuple[Any, ...]] = field(default_factory=list)
    clean: int = 0
    quarantined: int = 0
    warned: int = 0  # clean records that carry warnings


def route(
    batch: Sequence[Incoming], validator: Validator, *, max_event_bytes: int, now: datetime | None = None
) -> Routed:
    feed = validator.feed
    now = now or datetime.now(UTC)
    decoded = [decode(message.value, max_bytes=max_event_bytes) for message in batch]
    verdicts = _validate(validator, decoded)
    trailer = {"contract": validator.contract, "validated_at": _iso(now)}
    version = int(now.timestamp() * 1_000_000)
    routed = Routed()
    for message, event, verdict in zip(batch, decoded, verdicts, strict=True):
        event_text = _event_json(message, event)
        event_id = _event_id(event) or message.position
        envelope = event if isinstance(event, dict) else {}
        source, subject = _str(envelope.get("source")), _str(envelope.get("subject"))
        data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
        received_at = _received_at(message, now)
        reasons = [reason.to_dict() for reason in verdict.reasons]
        value = _message(event_text, {"reasons": reasons, **trailer})
        # The contract made a clean record's key usable; a quarantined one falls back to whatever is left.
        key = subject_key(feed, data) or _record_key(data) or event_id
        if verdict.ok:
            routed.messages.append(Outgoing(feed.clean_topic, key.encode(), value))
            routed.clean += 1
            routed.warned += bool(reasons)
        else:
            routed.messages.append(Outgoing(feed.quarantine_topic, key.encode(), value))
            routed.quarantine_rows.append(
                (
                    event_id,
                    feed.name,
                    source,
                    _str(data.get("desa_code")) or subject,
                    _str(data.get("record_id")),
                    verdict.rules,
                    orjson.dumps(reasons).decode(),
                    event_text.decode(),
                    received_at,
                    version,
                )
            )
            routed.quarantined += 1
        outcome = "clean" if verdict.ok else "quarantined"
        routed.count_rows.append((feed.name, source, outcome, event_id, received_at))
    return routed


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
    kinds = {f.name: f.kind for f in feed.fields}
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


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
