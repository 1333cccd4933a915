"""The checks that need memory: duplicate or reused event ids, cross-agency conflicts, and when each reporting
unit last reported. Pure rules over small values, and `Memory`, which applies them to a batch over three
Faust tables (bytes in, bytes out) and collects each changed key once, for its changelog.

Every key goes to the changelog partition of the raw message it comes from (the raw topics are keyed by desa
code): a batch mixes partitions, and a key in the wrong changelog partition would be recovered by the wrong
worker. See docs/architecture.md, "Quality gateway", "Memory", for what that means for the person table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple, Protocol

import orjson

from satudata.nik import pseudonymise
from services.quality.facts import WITA, Facts

Sighting = Literal["new", "replay", "duplicate", "reused"]

#: Per feed, the fields that state who a person is: (NIK, birth date, sex or None).
PERSON_FIELDS: dict[str, tuple[str, str, str | None]] = {
    "child_measurement": ("child_nik", "birth_date", "sex"),
    "bride_screening": ("nik", "birth_date", "sex"),
    "pregnancy_check": ("mother_nik", "birth_date", None),
}


class BytesTable(Protocol):
    """The part of a faust.Table (raw keys and values) that memory uses."""

    data: Any

    @property
    def changelog_topic_name(self) -> str: ...

    def get(self, key: bytes) -> bytes | None: ...


class ChangelogRecord(NamedTuple):
    topic: str
    partition: int
    key: bytes
    value: bytes


# ---- duplicates and reuse -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """The first sighting of an event id: its content, when it entered the pipe, and where it was read."""

    content_hash: str
    received_ms: int
    partition: int
    offset: int

    def encode(self) -> bytes:
        return orjson.dumps([self.content_hash, self.received_ms, self.partition, self.offset])

    @classmethod
    def decode(cls, raw: bytes) -> Seen:
        content_hash, received_ms, partition, offset = orjson.loads(raw)
        return cls(content_hash, received_ms, partition, offset)


def classify(previous: Seen | None, content_hash: str, partition: int, offset: int) -> Sighting:
    """new; replay (the very message read again after a crash: not the sender's doing); duplicate (same id,
    same content, another message); reused (same id, other content)."""
    if previous is None:
        return "new"
    if (previous.partition, previous.offset) == (partition, offset):
        return "replay"
    return "duplicate" if previous.content_hash == content_hash else "reused"


def reused_id(event_id: str, content_hash: str) -> str:
    """The id a reused event is quarantined under, so that it and the first event are never one record."""
    return f"{event_id}#{content_hash[:8]}"


# ---- cross-agency conflicts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Statement:
    """What one feed of one agency said about a person (never the NIK: the table is keyed by its HMAC)."""

    feed: str
    agency: str
    source: str
    record_id: str
    birth_date: str
    sex: str | None

    @property
    def slot(self) -> str:
        # One statement per feed × agency: the same agency restating is a correction, not a conflict.
        return f"{self.feed}|{self.agency}"


@dataclass(frozen=True, slots=True)
class Conflict:
    subject_hash: str
    field: str
    a: Statement  # the earlier statement
    b: Statement  # the record that disagrees with it

    @property
    def conflict_id(self) -> str:
        parts = (self.subject_hash, self.field, self.a.feed, self.a.source, self.a.record_id)
        parts += (self.b.feed, self.b.source, self.b.record_id)
        return hashlib.blake2b("|".join(parts).encode(), digest_size=16).hexdigest()

    def values(self) -> tuple[str, str]:
        if self.field == "sex":
            return self.a.sex or "", self.b.sex or ""
        return self.a.birth_date, self.b.birth_date


def conflicts(subject_hash: str, known: Mapping[str, Statement], new: Statement) -> list[Conflict]:
    """Every disagreement of `new` with a statement of another feed or agency about the same person."""
    found: list[Conflict] = []
    for slot, old in sorted(known.items()):
        if slot == new.slot:
            continue
        if old.birth_date != new.birth_date:
            found.append(Conflict(subject_hash, "birth_date", old, new))
        if old.sex is not None and new.sex is not None and old.sex != new.sex:
            found.append(Conflict(subject_hash, "sex", old, new))
    return found


def statement_of(feed: str, facts: Facts, data: Mapping[str, Any]) -> tuple[str, Statement] | None:
    """(NIK, statement) of a record whose feed states a person, when the NIK and birth date are there."""
    fields = PERSON_FIELDS.get(feed)
    if fields is None:
        return None
    nik_field, birth_field, sex_field = fields
    nik, birth = data.get(nik_field), data.get(birth_field)
    sex = data.get(sex_field) if sex_field else None
    if not (isinstance(nik, str) and len(nik) == 16 and nik.isdigit() and isinstance(birth, str)):
        return None
    statement = Statement(
        feed, facts.agency, facts.source, facts.record_id, birth, sex if isinstance(sex, str) else None
    )
    return nik, statement


def _encode_statements(statements: Mapping[str, Statement]) -> bytes:
    return orjson.dumps(
        {s: [v.feed, v.agency, v.source, v.record_id, v.birth_date, v.sex] for s, v in statements.items()}
    )


def _decode_statements(raw: bytes | None) -> dict[str, Statement]:
    return {slot: Statement(*value) for slot, value in orjson.loads(raw).items()} if raw else {}


# ---- silence --------------------------------------------------------------------------------------------


def month_of(moment_date: date) -> str:
    return f"{moment_date:%Y-%m}"


def previous_month(today: date) -> str:
    return month_of(today.replace(day=1) - timedelta(days=1))


def silent_units(
    last_reported: Mapping[tuple[str, str], str], today: date, *, from_day: int = 10
) -> list[tuple[str, str, str]]:
    """(feed, source, this month) for every unit that reported last month and not yet this month, once the
    WITA date `today` is on or after the `from_day`th; before that, a unit may still be on time."""
    if today.day < from_day:
        return []
    last = previous_month(today)
    return sorted((feed, source, month_of(today)) for (feed, source), month in last_reported.items() if month == last)


def last_reported(table: BytesTable) -> dict[tuple[str, str], str]:
    """The reported table read back: (feed, source) → last month (YYYY-MM)."""
    result: dict[tuple[str, str], str] = {}
    for key, value in list(table.data.items()):
        feed, source = bytes(key).decode().split("|", 1)
        result[(feed, source)] = bytes(value).decode()
    return result


# ---- applying them to a batch ---------------------------------------------------------------------------


@dataclass(slots=True)
class Remembered:
    """What memory says about one record (index in the batch)."""

    sighting: Sighting = "new"
    first_received_ms: int | None = None
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(slots=True)
class Checked:
    records: list[Remembered]
    changelog: dict[tuple[str, bytes], ChangelogRecord] = field(default_factory=dict)

    def records_to_send(self) -> list[ChangelogRecord]:
        return list(self.changelog.values())


class Memory:
    """The three tables of the gateway; `check` reads and updates them in place (one thread runs every
    feed's batches, so a batch sees all earlier ones, even those whose changelog is still being sent)."""

    def __init__(self, *, seen: Mapping[str, BytesTable], persons: BytesTable, reported: BytesTable, secret: str):
        self.seen = seen
        self.persons = persons
        self.reported = reported
        self.secret = secret

    def check(self, feed: str, items: Sequence[tuple[Facts, Mapping[str, Any], int, int, bool]]) -> Checked:
        """items: (facts, data, partition, offset, passed the contract) per record, in batch order."""
        checked = Checked([Remembered() for _ in items])
        for (facts, data, partition, offset, ok), out in zip(items, checked.records, strict=True):
            if facts.content_hash is None or facts.event_id.startswith("kafka:"):
                continue  # not an event we could recognise again
            self._sight(feed, facts, partition, offset, out, checked)
            if out.sighting in ("reused", "replay") or not ok:
                continue  # a quarantined record's statements and reports are not trusted
            self._report(feed, facts, partition, checked)
            self._state(feed, facts, data, partition, out, checked)
        return checked

    def _sight(self, feed: str, facts: Facts, partition: int, offset: int, out: Remembered, c: Checked) -> None:
        table = self.seen[feed]
        key = facts.event_id.encode()
        raw = table.get(key)
        previous = Seen.decode(raw) if raw else None
        assert facts.content_hash is not None
        out.sighting = classify(previous, facts.content_hash, partition, offset)
        if previous is not None:
            out.first_received_ms = previous.received_ms
            return
        received_ms = int(facts.received_at.timestamp() * 1000)
        _put(table, partition, key, Seen(facts.content_hash, received_ms, partition, offset).encode(), c)

    def _report(self, feed: str, facts: Facts, partition: int, c: Checked) -> None:
        if not facts.source:
            return
        month = month_of(facts.received_at.astimezone(WITA).date()).encode()
        key = f"{feed}|{facts.source}".encode()
        known = self.reported.get(key)
        if known is None or bytes(known) < month:
            _put(self.reported, partition, key, month, c)

    def _state(
        self, feed: str, facts: Facts, data: Mapping[str, Any], partition: int, out: Remembered, c: Checked
    ) -> None:
        stated = statement_of(feed, facts, data)
        if stated is None:
            return
        nik, statement = stated
        subject = pseudonymise(nik, self.secret)
        assert subject is not None
        key = subject.encode()
        known = _decode_statements(self.persons.get(key))
        out.conflicts = conflicts(subject, known, statement)
        if known.get(statement.slot) != statement:
            known[statement.slot] = statement
            _put(self.persons, partition, key, _encode_statements(known), c)


def _put(table: BytesTable, partition: int, key: bytes, value: bytes, c: Checked) -> None:
    table.data[key] = value
    # The last write of a key in a batch is the one its changelog gets: each key once per batch.
    c.changelog[(table.changelog_topic_name, key)] = ChangelogRecord(table.changelog_topic_name, partition, key, value)
