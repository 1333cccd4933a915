"""The entry points: one feed's batch for a month, or every feed's from one shared population.

Random streams are derived from (seed, purpose), so the population and the good records do not change when
only the fault rates change. The population is sized by `count` (and the feeds asked for), not by the whole
province. A live stream can call `generate` chunk by chunk with a seed per chunk (e.g. seed * 1000 + chunk).
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from satudata import events
from satudata.synth import census, children, households, mothers, programmes
from satudata.synth import truth as truth_module
from satudata.synth.draft import Draft, Facts, Month, PopulationTooSmallError
from satudata.synth.inject import Rates, assemble
from satudata.synth.population import Population, build
from satudata.synth.truth import Truth
from satudata.synth.welfare import default_extreme_lines

Builder = Callable[[Population, np.random.Generator, int, Month], Draft]
BUILDERS: dict[str, Builder] = {
    "child_measurement": children.draft,
    "pregnancy_check": mothers.draft_pregnancy,
    "family_risk": households.draft_family_risk,
    "bride_screening": mothers.draft_bride,
    "household_welfare": households.draft_welfare,
    "wash_access": households.draft_wash,
    "program_activity": programmes.draft,
}
# Records per household that a feed can draw on, a little below what the population gives, so one build is
# usually enough (the build grows and retries otherwise).
YIELD_PER_HOUSEHOLD: dict[str, float] = {
    "child_measurement": 0.23,  # 0.31 under-fives per household, ~83% attend
    "pregnancy_check": 0.056,  # 6.1% of households
    "family_risk": 1.0,
    "bride_screening": 0.29,  # 32% of households have a young adult
    "household_welfare": 1.0,
    "wash_access": 1.0,
    "program_activity": 2.0,
    "population": math.inf,
}
MIN_HOUSEHOLDS = 2000


@dataclass
class SynthBatch:
    feed: str  # a feed name, or "all"
    month: str
    seed: int
    events: list[dict[str, Any]]  # in publish order
    labels: list[str]  # parallel to events: good, late, superseded, correction, duplicate, bad:<fault>
    facts: list[Facts]  # parallel to events: the true z-scores of child measurements, else None
    truth: Truth


def _rng(seed: int, purpose: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(purpose.encode())]))


def _households(feeds: list[str], count: int) -> int:
    need = max(count / YIELD_PER_HOUSEHOLD[f] for f in feeds)
    return max(MIN_HOUSEHOLDS, math.ceil(need))


def _drafts(feeds: list[str], month: Month, count: int, seed: int, lines: Mapping[int, int]) -> dict[str, Draft]:
    needs_people = [f for f in feeds if f != "population"]
    size = _households(needs_people or ["population"], count)
    for _ in range(6):
        pop = build(_rng(seed, f"population:{size}"), size, month.year, month.month, lines) if needs_people else None
        try:
            out: dict[str, Draft] = {}
            for name in feeds:
                rng = _rng(seed, f"draft:{name}")
                if name == "population":
                    out[name] = census.draft(rng, count, month)
                else:
                    assert pop is not None  # built whenever a feed about people is asked for
                    out[name] = BUILDERS[name](pop, rng, count, month)
            return out
        except PopulationTooSmallError:
            size = math.ceil(size * 1.5)
    raise RuntimeError(f"could not build a population large enough for {count} records")


def generate(
    feed: str,
    *,
    month: str,
    count: int,
    seed: int,
    bad_rate: float = 0.0,
    dup_rate: float = 0.0,
    correction_rate: float = 0.0,
    late_rate: float = 0.0,
    extreme_poverty_line_rp: Mapping[int, int] | None = None,
) -> SynthBatch:
    """`count` records of one feed for `month` (YYYY-MM), as CloudEvents, with labels and the truth."""
    if feed == "all":
        return generate_all(
            month=month,
            count=count,
            seed=seed,
            bad_rate=bad_rate,
            dup_rate=dup_rate,
            correction_rate=correction_rate,
            late_rate=late_rate,
            extreme_poverty_line_rp=extreme_poverty_line_rp,
        )
    return _generate(
        [events.feed(feed).name],
        feed,
        month,
        count,
        seed,
        Rates(bad_rate, dup_rate, correction_rate, late_rate),
        extreme_poverty_line_rp,
    )


def generate_all(
    *,
    month: str,
    count: int,
    seed: int,
    bad_rate: float = 0.0,
    dup_rate: float = 0.0,
    correction_rate: float = 0.0,
    late_rate: float = 0.0,
    extreme_poverty_line_rp: Mapping[int, int] | None = None,
) -> SynthBatch:
    """`count` records of every feed from one population (so NIKs and KKs join across feeds), interleaved."""
    rates = Rates(bad_rate, dup_rate, correction_rate, late_rate)
    return _generate(list(events.FEEDS), "all", month, count, seed, rates, extreme_poverty_line_rp)


def _generate(
    feeds: list[str],
    name: str,
    month_text: str,
    count: int,
    seed: int,
    rates: Rates,
    lines: Mapping[int, int] | None,
) -> SynthBatch:
    if count < 0:
        raise ValueError("count harus >= 0 / count must be >= 0")
    month = Month.parse(month_text)
    lines = dict(lines or default_extreme_lines())
    drafts = _drafts(feeds, month, count, seed, lines)
    rows: list[tuple[float, int, dict[str, Any], str, Facts]] = []
    all_counts: dict[str, Any] = {}
    indicators: list[dict[str, Any]] = []
    for position, (feed_name, draft) in enumerate(drafts.items()):
        assembled = assemble(draft, _rng(seed, f"inject:{feed_name}"), rates)
        counts, rows_of_feed = truth_module.compute(
            feed_name, assembled.events, assembled.labels, assembled.facts, month=str(month), lines=lines
        )
        all_counts[feed_name] = counts
        indicators += rows_of_feed
        rows += [
            (assembled.published[k], position, assembled.events[k], assembled.labels[k], assembled.facts[k])
            for k in range(len(assembled.events))
        ]
    rows.sort(key=lambda row: (row[0], row[1]))
    truth = Truth(
        feed=name,
        month=str(month),
        seed=seed,
        counts=all_counts.get(name, all_counts),
        indicators=indicators,
        parameters={**truth_module.parameters(lines, month.year), **_rates(rates)},
    )
    return SynthBatch(
        feed=name,
        month=str(month),
        seed=seed,
        events=[row[2] for row in rows],
        labels=[row[3] for row in rows],
        facts=[row[4] for row in rows],
        truth=truth,
    )


def _rates(rates: Rates) -> dict[str, float]:
    return {
        "bad_rate": rates.bad,
        "dup_rate": rates.duplicate,
        "correction_rate": rates.correction,
        "late_rate": rates.late,
    }
