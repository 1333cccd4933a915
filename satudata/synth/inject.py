"""From a feed's good records to the events an agency really publishes: event times, lateness, corrections,
faulty records and re-sent duplicates, in publish order, each with its label.

Labels: 'good', 'late' (valid, sent 30-90 days after the date), 'superseded' (valid, but replaced by a later
'correction' with a new event id and the same record_id), 'correction', 'duplicate' (the same event id and
content sent again) and 'bad:<fault>' (a record the contract must quarantine; see faults.py and
Draft.spoilers). Rates are shares of `count`, the number of records (subjects) asked for: bad, correction and
late records are disjoint subsets of them; duplicates and corrections are extra events.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from satudata import events
from satudata.synth import calibration as cal
from satudata.synth import faults
from satudata.synth.draft import Draft, Facts, Record

LOCAL_UTC_OFFSET = timedelta(hours=8)  # Asia/Makassar (WITA) has no daylight saving time


@dataclass(frozen=True)
class Rates:
    bad: float = 0.0
    duplicate: float = 0.0
    correction: float = 0.0
    late: float = 0.0

    def __post_init__(self) -> None:
        for name in ("bad", "duplicate", "correction", "late"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"rate {name} harus 0..1 / must be within 0..1")
        if self.bad + self.correction + self.late > 1.0:
            raise ValueError(
                "bad + correction + late > 1: satu rekaman hanya satu peran / one record has one role only"
            )


@dataclass
class Assembled:
    events: list[dict[str, Any]]
    labels: list[str]
    facts: list[Facts]
    published: list[float]  # publish instants (seconds), to interleave several feeds


@dataclass
class _Pending:
    published: float
    data: Record
    time: datetime
    source: str
    label: str
    facts: Facts


def event_time(day: Any, delay_days: float, seconds_after_midnight: int) -> datetime:
    """A UTC instant `delay_days` after a local (WITA) date, at the given local time of day."""
    local = datetime(day.year, day.month, day.day) + timedelta(days=int(delay_days), seconds=seconds_after_midnight)
    return (local - LOCAL_UTC_OFFSET).replace(tzinfo=UTC)


def _envelope(feed: str, pending: _Pending, event_id: str) -> dict[str, Any]:
    event = events.make_event(feed, pending.data, source=pending.source, event_id=event_id, time=pending.time)
    # A faulty desa_code must not make the envelope itself invalid: the subject is an optional string.
    if event["subject"] is None:
        del event["subject"]
    elif not isinstance(event["subject"], str):
        event["subject"] = str(event["subject"])
    return event


def _spoil(draft: Draft, record: Record, rng: np.random.Generator) -> str:
    spoilers = {**faults.generic(events.feed(draft.feed)), **draft.spoilers}
    kinds = sorted(spoilers)
    for _ in range(20):
        kind = kinds[int(rng.integers(len(kinds)))]
        if spoilers[kind](record, rng):
            return kind
    raise RuntimeError("no fault applies to this record")


def assemble(draft: Draft, rng: np.random.Generator, rates: Rates) -> Assembled:
    n = len(draft.data)
    order = rng.permutation(n)
    n_bad = round(rates.bad * n)
    n_corrected = round(rates.correction * n)
    n_late = round(rates.late * n) if draft.can_be_late else 0
    bad = set(order[:n_bad].tolist())
    corrected = order[n_bad : n_bad + n_corrected].tolist()
    late = set(order[n_bad + n_corrected : n_bad + n_corrected + n_late].tolist())
    wrong_versions = dict(zip(corrected, draft.miscorrect(corrected, rng), strict=True))
    # Entry into the system takes a day or two, sometimes more.
    delays = np.minimum(rng.exponential(cal.MEAN_ENTRY_DELAY_DAYS, n), 20)
    low, high = cal.LATE_DELAY_DAYS
    late_delays = rng.integers(low, high + 1, n)
    # Entered in working hours, 08:00-17:00 WITA, and sent within five minutes.
    clock = rng.integers(8 * 3600, 17 * 3600, n)
    send_lag = rng.uniform(0, 300, n)

    pending: list[_Pending] = []
    for i in range(n):
        delay = float(late_delays[i]) if i in late else float(delays[i])
        time = event_time(draft.dates[i], delay, int(clock[i]))
        published = time.timestamp() + float(send_lag[i])
        data, facts, label = draft.data[i], draft.facts[i], "late" if i in late else "good"
        if i in bad:
            data, facts = dict(data), None
            label = "bad:" + _spoil(draft, data, rng)
        elif i in wrong_versions:
            wrong, wrong_facts = wrong_versions[i]
            pending.append(_Pending(published, wrong, time, draft.sources[i], "superseded", wrong_facts))
            # The correction follows days later, with the true values and a new event id.
            later = time + timedelta(days=int(rng.integers(1, 21)), seconds=int(rng.integers(0, 3600)))
            published, time, label = later.timestamp() + float(rng.uniform(0, 300)), later, "correction"
        pending.append(_Pending(published, data, time, draft.sources[i], label, facts))

    ids = rng.bytes(16 * len(pending))
    built = [
        _envelope(draft.feed, p, str(uuid.UUID(bytes=ids[16 * k : 16 * k + 16], version=4)))
        for k, p in enumerate(pending)
    ]
    rows: list[tuple[float, int, dict[str, Any], str, Facts]] = [
        (p.published, k, built[k], p.label, p.facts) for k, p in enumerate(pending)
    ]
    n_dup = round(rates.duplicate * n)
    if n_dup and pending:
        originals = rng.choice(len(pending), n_dup, replace=n_dup > len(pending))
        for j, k in enumerate(originals.tolist()):
            # A re-send after a timeout: the very same event, minutes to two days later.
            again = pending[k].published + float(rng.uniform(60, 2 * 86400))
            rows.append((again, len(pending) + j, copy.deepcopy(built[k]), "duplicate", pending[k].facts))
    rows.sort(key=lambda row: (row[0], row[1]))
    return Assembled(
        events=[row[2] for row in rows],
        labels=[row[3] for row in rows],
        facts=[row[4] for row in rows],
        published=[row[0] for row in rows],
    )
