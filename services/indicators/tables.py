"""How counting state lives in a Faust table: per subject, compact bytes, read through a plain mapping.

Only the counted records are kept (one changelog record per subject, so a crash can never leave half a
change behind); the partial sums are derived from them (counting.resync) when a worker takes a partition.

Tables hold raw bytes (orjson) so that a key is decoded only when a batch needs it, and a changelog record
costs no codec. Each changed key goes to the changelog partition of the clean-topic records it comes from:
a batch mixes partitions, Faust's own choice (the "current event") does not exist for a batch, and a key in
the wrong changelog partition would be recovered by the wrong worker.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

import orjson

from services.indicators.changelog import ChangelogRecord
from services.indicators.counting import Changes, Counted, Subject


class BytesTable(Protocol):
    """The part of a faust.Table this module uses."""

    data: Any

    @property
    def changelog_topic_name(self) -> str: ...

    def get(self, key: bytes) -> bytes | None: ...

    def __iter__(self) -> Iterator[bytes]: ...

    def __len__(self) -> int: ...


def subject_key(name: str) -> bytes:
    return name.encode()


def encode_subject(subject: Subject) -> bytes:
    periods = {
        period: [counted.rank[0], counted.rank[1], counted.rank[2], counted.desa, counted.values]
        for period, counted in subject.periods.items()
    }
    return orjson.dumps([subject.partition, periods])


def decode_subject(raw: bytes) -> Subject:
    partition, periods = orjson.loads(raw)
    return Subject(
        partition,
        {
            period: Counted((date, time_us, event_id), desa, values)
            for period, (date, time_us, event_id, desa, values) in periods.items()
        },
    )


class SubjectsView(Mapping[str, Subject]):
    """The per-subject table, read as counting.State expects."""

    def __init__(self, table: BytesTable) -> None:
        self._table = table

    def __getitem__(self, key: str) -> Subject:
        raw = self._table.get(subject_key(key))
        if raw is None:
            raise KeyError(key)
        return decode_subject(raw)

    def __iter__(self) -> Iterator[str]:
        return (raw.decode() for raw in self._table)

    def __len__(self) -> int:
        return len(self._table)


def changelog_records(subjects: BytesTable, changes: Changes) -> list[ChangelogRecord]:
    """Every subject a batch changed, once, as the record the table's changelog gets."""
    return [
        ChangelogRecord(subjects.changelog_topic_name, subject.partition, subject_key(name), encode_subject(subject))
        for name, subject in changes.subjects.items()
    ]


def store_in_memory(table: BytesTable, records: Sequence[ChangelogRecord]) -> None:
    """What a table's own `table[key] = value` does locally, once its changelog holds the records."""
    for record in records:
        table.data[record.key] = record.value
