"""What the gateway reads off one record besides its contract verdict: who sent it, where, when, and its
content's fingerprint. Pure functions, shared by routing (record_outcome rows) and memory (the stateful checks).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import orjson

from satudata.events import Feed, FieldKind

#: Reporting months and "the 10th" are the agencies' own calendar: NTT keeps WITA (UTC+8), no DST.
WITA = timezone(timedelta(hours=8), "WITA")

_DESA = re.compile(r"[0-9]{10}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# What makes two events "the same content": not `time` or `id`, which a resending client may renew.
_CONTENT_FIELDS = ("source", "type", "subject", "data")


_KINDS: dict[int, tuple[Feed, dict[str, FieldKind]]] = {}


@dataclass(frozen=True, slots=True)
class Facts:
    event_id: str
    source: str
    agency: str
    record_id: str
    desa_code: str
    kabupaten_code: str
    event_date: date | None
    received_at: datetime  # the Kafka record time: when the event entered the pipe, the same on every replay
    content_hash: str | None  # None when the message is not a JSON object: nothing to remember about it

    @property
    def lateness_days(self) -> int | None:
        return lateness_days(self.event_date, self.received_at)


def agency_of(source: str) -> str:
    """The agency part of a CloudEvent source such as `dinkes-kupang/posyandu-12` (all of it without a '/')."""
    return source.split("/", 1)[0]


def kabupaten_of(desa_code: str) -> str:
    """The kabupaten/kota code (Kemendagri: province 2 + kabupaten 2 digits) of a 10-digit desa code, else ''."""
    return desa_code[:4] if _DESA.fullmatch(desa_code) else ""


def field_kinds(feed: Feed) -> Mapping[str, FieldKind]:
    """Field name → kind; asked once per record, so built once per feed (keyed by identity: hashing a Feed
    hashes every field, dearer than building the mapping)."""
    known = _KINDS.get(id(feed))
    if known is None or known[0] is not feed:
        known = _KINDS[id(feed)] = (feed, {f.name: f.kind for f in feed.fields})
    return known[1]


def event_date(feed: Feed, data: Mapping[str, Any]) -> date | None:
    """The date that places the record in its period, when the feed has one as a calendar date and it parses."""
    value = data.get(feed.date_field)
    if field_kinds(feed).get(feed.date_field) != "date" or not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def lateness_days(happened: date | None, received_at: datetime) -> int | None:
    """Whole days from the event's date to the WITA date it entered the pipe (negative: dated in the future)."""
    if happened is None:
        return None
    return (received_at.astimezone(WITA).date() - happened).days


def content_hash(event: Mapping[str, Any]) -> str:
    content = {name: event.get(name) for name in _CONTENT_FIELDS}
    return hashlib.blake2b(orjson.dumps(content, option=orjson.OPT_SORT_KEYS), digest_size=16).hexdigest()


def facts_of(feed: Feed, event: Any, event_id: str, received_at: datetime) -> Facts:
    envelope = event if isinstance(event, dict) else {}
    data = envelope.get("data") if isinstance(envelope.get("data"), dict) else {}
    source = _str(envelope.get("source"))
    desa = _str(data.get("desa_code")) or _str(envelope.get("subject"))
    return Facts(
        event_id=event_id,
        source=source,
        agency=agency_of(source),
        record_id=_str(data.get("record_id")),
        desa_code=desa,
        kabupaten_code=kabupaten_of(desa),
        event_date=event_date(feed, data),
        received_at=received_at,
        content_hash=content_hash(envelope) if isinstance(event, dict) else None,
    )


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
