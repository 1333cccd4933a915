"""How counting state lives in Faust tables: compact bytes keys and values, read through plain mappings.

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
from services.indicators.counting import Changes, Counted, SubjectKey, SumKey, Sums


class BytesTable(Protocol):
    """The part of a faust.Table this module uses."""

    data: Any

    @property
    def changelog_topic_name(self) -> str: ...

    def get(self, key: bytes) -> bytes | None: ...

    def __iter__(self) -> Iterator[bytes]: ...

    def __len__(self) -> int: ...


def subject_key(key: SubjectKey) -> bytes:
    return f"{key[0]}|{key[1]}".encode()


def parse_subject_key(raw: bytes) -> SubjectKey:
    subject, period = raw.decode().split("|")
    return (subject, period)


def sum_key(key: SumKey) -> bytes:
    return f"{key[0]}|{key[1]}|{key[2]}|{key[3]}".encode()


def parse_sum_key(raw: bytes) -> SumKey:
    partition, indicator, desa, period = raw.decode().split("|")
    return (int(partition), indicator, desa, period)


def encode_counted(counted: Counted) -> bytes:
    measured, time_us, event_id = counted.rank
    contributions = {code: list(pair) for code, pair in counted.contributions.items()}
    return orjson.dumps([measured, time_us, event_id, counted.desa, contributions])


def decode_counted(raw: bytes) -> Counted:
    measured, time_us, event_id, desa, contributions = orjson.loads(raw)
    return Counted(
        (measured, time_us, event_id),
        desa,
        {code: (pair[0], pair[1]) for code, pair in contributions.items()},
    )


def encode_sums(sums: Sums) -> bytes:
    return orjson.dumps([sums.numerator, sums.denominator, sums.version])


def decode_sums(raw: bytes) -> Sums:
    numerator, denominator, version = orjson.loads(raw)
    return Sums(numerator, denominator, version)


class CountedView(Mapping[SubjectKey, Counted]):
    """The per subject × period table, read as counting.State expects."""

    def __init__(self, table: BytesTable) -> None:
        self._table = table

    def __getitem__(self, key: SubjectKey) -> Counted:
        raw = self._table.get(subject_key(key))
        if raw is None:
            raise KeyError(key)
        return decode_counted(raw)

    def __iter__(self) -> Iterator[SubjectKey]:
        return (parse_subject_key(raw) for raw in self._table)

    def __len__(self) -> int:
        return len(self._table)


class SumsView(Mapping[SumKey, Sums]):
    """The per partition × indicator × desa × period table, read as counting.State expects."""

    def __init__(self, table: BytesTable) -> None:
        self._table = table

    def __getitem__(self, key: SumKey) -> Sums:
        raw = self._table.get(sum_key(key))
        if raw is None:
            raise KeyError(key)
        return decode_sums(raw)

    def __iter__(self) -> Iterator[SumKey]:
        return (parse_sum_key(raw) for raw in self._table)

    def __len__(self) -> int:
        return len(self._table)


def changelog_records(counted: BytesTable, sums: BytesTable, changes: Changes) -> list[ChangelogRecord]:
    """Every key a batch changed, once, as the record its table's changelog gets."""
    records = [
        ChangelogRecord(
            counted.changelog_topic_name,
            record.partition,
            subject_key(record.key),
            encode_counted(changes.counted[record.key]),
        )
        for record in changes.winners
    ]
    records += [
        ChangelogRecord(sums.changelog_topic_name, key[0], sum_key(key), encode_sums(value))
        for key, value in changes.sums.items()
    ]
    return records


def store_in_memory(tables: Sequence[BytesTable], records: Sequence[ChangelogRecord]) -> None:
    """What a table's own `table[key] = value` does locally, once its changelog holds the records."""
    by_topic = {table.changelog_topic_name: table for table in tables}
    for record in records:
        by_topic[record.topic].data[record.key] = record.value
