"""What a feed builder hands the injector: the good records of one feed for one month, before any fault."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

Record = dict[str, Any]
Facts = dict[str, Any] | None
# Earlier, wrong versions of some records (same record_id), each with its facts: what a correction replaces.
Miscorrect = Callable[[list[int], np.random.Generator], list[tuple[Record, Facts]]]
# A feed-specific fault: change the record in place, or return False when it cannot apply to this record.
Spoiler = Callable[[Record, np.random.Generator], bool]


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValueError(f"bulan harus YYYY-MM / month must be YYYY-MM, got {text!r}") from None
        return cls(year, month)

    @property
    def days(self) -> int:
        return calendar.monthrange(self.year, self.month)[1]

    def day(self, day: int) -> date:
        return date(self.year, self.month, day)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass
class Draft:
    feed: str
    data: list[Record]
    dates: list[date]  # the local date that places each record in its period (for event times)
    sources: list[str]  # the reporting unit (CloudEvents source), e.g. "posyandu/5301042003-01"
    facts: list[Facts]  # true values the truth needs that the data alone do not give (child z-scores)
    miscorrect: Miscorrect
    spoilers: dict[str, Spoiler] = field(default_factory=dict)
    can_be_late: bool = True


def iso(ordinal: int) -> str:
    return date.fromordinal(int(ordinal)).isoformat()


def record_id(prefix: str, kabupaten: str, month: Month, serial: int) -> str:
    """An agency-style record number: unique per feed, kabupaten and month."""
    return f"{prefix}-{kabupaten}-{month.year:04d}{month.month:02d}-{serial:07d}"


class PopulationTooSmallError(RuntimeError):
    """The population has fewer eligible people than records asked for: build a larger one."""


def pick(rng: np.random.Generator, eligible: np.ndarray, count: int, what: str) -> np.ndarray:
    """`count` of the eligible indices at random, in random order."""
    if eligible.size < count:
        raise PopulationTooSmallError(f"population too small: {eligible.size} {what} for {count} records")
    return rng.choice(eligible, count, replace=False)
