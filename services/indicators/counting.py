"""Exact counting: which record counts for a subject and period, and what that does to the partial sums.

The rule (docs/indicators.md): per subject × period the record that counts is the latest by (date of the thing,
event time, event id). State is kept per subject: every period's record that counts, with the values its feed's
rule reads. When a batch changes a subject, the subject's contributions are computed again from its whole state,
before and after, and the difference moves the sums. So a rule may look across a subject's periods (no weight
gain) and contribute to other periods (a population count to every month of its year), and the final sums depend
only on the set of records seen, never on their order or repetition.

Pure: plain mappings in, plain dicts out, no Kafka or storage. `contribute` is the feed's rule over a frame
(satudata.indicators.contributions); the agent reads the Faust tables through these mappings and writes back
what `apply` returns, once per key per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

# (date of the thing as ISO text, event time in µs since the epoch UTC, event id): compared as a tuple.
Rank = tuple[str, int, str]
Values = Mapping[str, Any]
SumKey = tuple[int, str, str, str]  # (partition, indicator, desa, period as ISO date)


@dataclass(frozen=True, slots=True)
class Record:
    """One clean record as counting sees it.

    All records about one subject arrive on one partition (the clean topic is keyed by subject), so the
    partition that holds a subject's state also holds every sum its records touch.
    """

    subject: str
    period: str  # ISO date, first of the month
    desa: str
    rank: Rank
    values: Values
    partition: int
    offset: int  # the Kafka offset: a fact's version, so a later record always wins in ClickHouse
    row: int = -1  # where the caller keeps the rest of the record (its fact)


@dataclass(frozen=True, slots=True)
class Counted:
    """The record that counts for a subject in one period: its rank, desa and the values the rule reads."""

    rank: Rank
    desa: str
    values: Values


@dataclass(frozen=True, slots=True)
class Subject:
    """Everything counted about one subject: its partition and, per period, the record that counts."""

    partition: int
    periods: Mapping[str, Counted]


@dataclass(frozen=True, slots=True)
class Sums:
    numerator: int
    denominator: int
    version: int


@dataclass(frozen=True, slots=True)
class State:
    subjects: Mapping[str, Subject]
    sums: Mapping[SumKey, Sums]


@dataclass(slots=True)
class Changes:
    """What a batch changed: the keys to write back, and the records that now count (the facts to store)."""

    subjects: dict[str, Subject] = field(default_factory=dict)
    sums: dict[SumKey, Sums] = field(default_factory=dict)
    winners: list[Record] = field(default_factory=list)


# A subject's counted periods as rows for a rule: (partition, subject, period, desa, values).
Row = tuple[int, str, str, str, Values]
Contribute = Callable[[Sequence[Row]], pl.DataFrame]
_EMPTY = Sums(0, 0, 0)


def rows(subjects: Mapping[str, Subject]) -> list[Row]:
    return [
        (subject.partition, name, period, counted.desa, counted.values)
        for name, subject in subjects.items()
        for period, counted in subject.periods.items()
    ]


def totals(contributions: pl.DataFrame) -> dict[tuple[int, str, str, str], tuple[int, int]]:
    """Long contributions summed per (partition, indicator, desa, period ISO)."""
    summed = contributions.group_by("partition", "indicator", "desa_code", "period").agg(
        pl.col("numerator").sum(), pl.col("denominator").sum()
    )
    return {
        (partition, indicator, desa, period.isoformat()): (numerator, denominator)
        for partition, indicator, desa, period, numerator, denominator in summed.iter_rows()
    }


def apply(state: State, batch: Iterable[Record], contribute: Contribute, version: int) -> Changes:
    """The changes a batch makes to the state; the state itself is only read. `version` marks the sums it
    moves (the write time: later writes win in ClickHouse)."""
    best: dict[tuple[str, str], Record] = {}
    for record in batch:
        seen = best.get((record.subject, record.period))
        if seen is None or record.rank > seen.rank:
            best[(record.subject, record.period)] = record

    changes = Changes()
    before: dict[str, Subject] = {}
    for (name, period), record in best.items():
        old = changes.subjects.get(name) or state.subjects.get(name)
        counted = old.periods.get(period) if old is not None else None
        if counted is not None and counted.rank >= record.rank:
            continue  # an older record, or the same event again
        if name not in changes.subjects and old is not None:
            before[name] = old
        periods = dict(old.periods) if old is not None else {}
        periods[period] = Counted(record.rank, record.desa, record.values)
        changes.subjects[name] = Subject(record.partition, periods)
        changes.winners.append(record)

    if changes.subjects:
        old_totals = totals(contribute(rows(before)))
        new_totals = totals(contribute(rows(changes.subjects)))
        for key in old_totals.keys() | new_totals.keys():
            old_n, old_d = old_totals.get(key, (0, 0))
            new_n, new_d = new_totals.get(key, (0, 0))
            if (new_n - old_n, new_d - old_d) == (0, 0):
                continue  # a replacement that left this sum as it was: nothing to write
            prior = state.sums.get(key, _EMPTY)
            changes.sums[key] = Sums(prior.numerator + new_n - old_n, prior.denominator + new_d - old_d, version)
    return changes


def resync(
    subjects: Mapping[str, Subject],
    contribute: Contribute,
    *,
    partitions: Collection[int],
    stored: Collection[SumKey],
    version: int,
    periods: tuple[str, str] | None = None,
) -> dict[SumKey, Sums]:
    """The sums of `partitions` as the counted state gives them with today's rules, for every key either side
    knows: `stored` are the keys ClickHouse holds (nonzero) for those partitions, which the state no longer
    gives are zeros. Limited to periods first..last (ISO, inclusive) when given.

    This is how a worker builds its sums when it takes a partition (they are never kept apart from the counted
    state, so no crash can leave the two disagreeing) and how a rebuild recounts after a change of method.
    """
    mine = {name: subject for name, subject in subjects.items() if subject.partition in partitions}
    first, last = periods if periods is not None else ("", "9999")

    def wanted(period: str) -> bool:
        return first <= period <= last

    fresh = {key: value for key, value in totals(contribute(rows(mine))).items() if wanted(key[3])}
    gone = {key: (0, 0) for key in stored if key[0] in partitions and wanted(key[3]) and key not in fresh}
    return {key: Sums(n, d, version) for key, (n, d) in {**gone, **fresh}.items()}


def commit(subjects: MutableMapping[str, Subject], sums: MutableMapping[SumKey, Sums], changes: Changes) -> None:
    """Write changes into plain dicts: what the agent does with its tables, for tests and in-memory use."""
    subjects.update(changes.subjects)
    sums.update(changes.sums)
