"""The gateway's own checks, before any contract: bytes → a CloudEvent of this feed, or a reason why not.

Agencies may publish to the raw topics directly, past ingest's door, so nothing on a raw topic is trusted:
not its encoding, its size, its JSON, nor its envelope. Whatever fails here is quarantined, never raised.
Only what routing and the contract need is checked (ingest judges the full CloudEvents envelope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from satudata.events import Feed
from services.quality.reasons import MESSAGE_TOO_LARGE, NOT_JSON, Reason, envelope_invalid

#: How much of a message that is too large, or not JSON at all, is kept for the operator.
KEPT_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Undecodable:
    """A message that is not a JSON value we may parse: its text (safe to store, never to log) and why."""

    text: str
    reason: Reason


def decode(value: bytes | None, *, max_bytes: int) -> Any:
    """The JSON value of a message, or Undecodable. Never raises."""
    if value is None:
        return Undecodable("", NOT_JSON)
    if len(value) > max_bytes:
        return Undecodable(_text(value[: KEPT_CHARS * 4])[:KEPT_CHARS], MESSAGE_TOO_LARGE)
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return Undecodable(_text(value), NOT_JSON)


def _text(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def check_envelope(event: Any, feed: Feed) -> Reason | None:
    """None when the event is an object of this feed's type with an id, a source and a data object."""
    if not isinstance(event, dict):
        return envelope_invalid(["pesan harus objek JSON"], ["the message must be a JSON object"])
    problems_id: list[str] = []
    problems_en: list[str] = []
    for name in ("id", "source"):
        if not _nonempty_str(event.get(name)):
            problems_id.append(f"{name} harus teks yang tidak kosong")
            problems_en.append(f"{name} must be a non-empty string")
    if event.get("type") != feed.event_type:
        problems_id.append(f"type harus {feed.event_type!r} pada topik ini")
        problems_en.append(f"type must be {feed.event_type!r} on this topic")
    if not isinstance(event.get("data"), dict):
        problems_id.append("data harus objek JSON")
        problems_en.append("data must be a JSON object")
    return envelope_invalid(problems_id, problems_en) if problems_id else None


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""
