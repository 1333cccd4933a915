"""Exact counting: which record counts for a subject and period, and what that does to the partial sums.

The rule (docs/architecture.md, "Exact counting"): per subject × period the record that counts is the latest
by (date of the thing, event time, event id). A record that beats it replaces its contributions (subtract the
old, add the new, in whichever desa each sits); an older record, or the same event again, changes nothing.
The final sums therefore depend only on the set of records seen, never on their order or repetition.

Pure: plain mappings in, plain dicts out, no Kafka or storage. The agent reads the Faust tables through
these mappings and writes back what `apply` returns, once per key per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field

# (date of the thing as ISO text, event time in µs since the epoch UTC, event id): compared as a tuple.
Rank = tuple[str, int, str]
# indicator → (numerator, denominator); indicators a record adds nothing to are left out.
Contributions = Mapping[str, tuple[int, int]]
SubjectKey = tuple[str, str]  # (pseudonymous subject, period as ISO date)
SumKey = tuple[int, str, str, str]  # (partition, indicator, desa, period)


@dataclass(frozen=True, slots=True)
class Record:
    """One clean record as counting sees it.

    All records about one subject arrive on one partition (the clean topic is keyed by subject), so the
    partition that holds a subject's state also holds every sum its records touch.
    """

    subject: str
    period: str
    desa: str
    rank: Rank
    contributions: Contributions
    partition: int
    offset: int  # the Kafka offset: a sum's version, so a later write always wins in ClickHouse
    row: int = -1  # where the caller keeps the rest of the record (its fact)

    @property
    def key(self) -> SubjectKey:
        return (self.subject, self.period)


@dataclass(frozen=True, slots=True)
class Counted:
    """The record that counts for a subject and period, and what it contributed where."""

    rank: Rank
    desa: str
    contributions: Contributions


@dataclass(frozen=True, slots=True)
class Sums:
    numerator: int
    denominator: int
    version: int


@dataclass(frozen=True, slots=True)
class State:
    counted: Mapping[SubjectKey, Counted]
    sums: Mapping[SumKey, Sums]


@dataclass(slots=True)
class Changes:
    """What a batch changed: the keys to write back, and the records that now count (the facts to store)."""

    counted: dict[SubjectKey, Counted] = field(default_factory=dict)
    sums: dict[SumKey, Sums] = field(default_factory=dict)
    winners: list[Record] = field(default_factory=list)


_EMPTY = Sums(0, 0, 0)


def apply(state: State, batch: Iterable[Record]) -> Changes:
    """The changes a batch makes to the state; the state itself is only read."""
    best: dict[SubjectKey, Record] = {}
    for record in batch:
        seen = best.get(record.key)
        if seen is None or record.rank > seen.rank:
            best[record.key] = record

    changes = Changes()
    # sum key → [numerator delta, denominator delta, offset of the last record that moved it]
    deltas: dict[SumKey, list[int]] = {}

    def move(record: Record, contributions: Contributions, desa: str, sign: int) -> None:
        for indicator, (numerator, denominator) in contributions.items():
            delta = deltas.setdefault((record.partition, indicator, desa, record.period), [0, 0, 0])
            delta[0] += sign * numerator
            delta[1] += sign * denominator
            delta[2] = max(delta[2], record.offset)

    for key, record in best.items():
        old = state.counted.get(key)
        if old is not None and old.rank >= record.rank:
            continue  # an older record, or the same event again
        if old is not None:
            move(record, old.contributions, old.desa, -1)
        move(record, record.contributions, record.desa, +1)
        changes.counted[key] = Counted(record.rank, record.desa, record.contributions)
        changes.winners.append(record)

    for key, (numerator, denominator, offset) in deltas.items():
        if numerator == 0 and denominator == 0:
            continue  # a replacement that left this sum as it was: nothing to write
        before = state.sums.get(key, _EMPTY)
        changes.sums[key] = Sums(
            before.numerator + numerator, before.denominator + denominator, max(before.version, offset)
        )
    return changes


def commit(counted: MutableMapping[SubjectKey, Counted], sums: MutableMapping[SumKey, Sums], changes: Changes) -> None:
    """Write changes into plain dicts: what the agent does with its tables, for tests and in-memory use."""
    counted.update(changes.counted)
    sums.update(changes.sums)
