"""The exact-counting transition on plain dicts: duplicates, corrections, late records, any order, and the sums
built again from the counted state (resync: taking a partition, a rebuild after a change of method)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.indicators import Methodology, contributions
from satudata.indicators.rules import empty as rules_empty
from services.indicators import feeds
from services.indicators.counting import (
    Changes,
    Contribute,
    Record,
    Row,
    State,
    Subject,
    SumKey,
    Sums,
    apply,
    commit,
    resync,
)

MARCH, APRIL = "2025-03-01", "2025-04-01"
DESA_A, DESA_B = "5301042003", "5301042004"
STUNTED = {"stunted": True}
NOT_STUNTED = {"stunted": False}
_SCHEMA = dict(rules_empty().schema)  # the long contributions' columns


def flags(rows: Sequence[Row]) -> pl.DataFrame:
    """A test rule, stated by hand: `stunted` and `wasted` (True, False or missing) give 0/1 of 1."""
    out = []
    for partition, _, period, desa, values in rows:
        for indicator, name in (("stunting_prevalence", "stunted"), ("wasting_prevalence", "wasted")):
            if values.get(name) is not None:
                out.append((partition, indicator, date.fromisoformat(period), desa, int(values[name]), 1))
    return pl.DataFrame(out, schema=_SCHEMA, orient="row")


def record(
    event_id: str,
    *,
    subject: str = "child-1",
    measured: str = "2025-03-10",
    time_us: int = 1_000,
    desa: str = DESA_A,
    values: dict[str, Any] | None = None,
    partition: int = 0,
    offset: int = 0,
) -> Record:
    return Record(
        subject,
        measured[:8] + "01",
        desa,
        (measured, time_us, event_id),
        STUNTED if values is None else values,
        partition,
        offset,
    )


class Pipeline:
    """The state kept in plain dicts, as the agent keeps it in tables."""

    def __init__(self, contribute: Contribute = flags) -> None:
        self.contribute = contribute
        self.subjects: dict[str, Subject] = {}
        self.sums: dict[SumKey, Sums] = {}
        self.clock = 0  # the write time of the last batch: each batch writes later than the one before

    def run(self, *records: Record) -> Changes:
        self.clock += 100
        changes = apply(State(self.subjects, self.sums), records, self.contribute, self.clock)
        commit(self.subjects, self.sums, changes)
        return changes

    def values(self) -> dict[SumKey, tuple[int, int]]:
        """The sums without their versions, zeros dropped."""
        return {
            key: (s.numerator, s.denominator) for key, s in self.sums.items() if (s.numerator, s.denominator) != (0, 0)
        }

    def totals(self, indicator: str = "stunting_prevalence") -> dict[tuple[str, str], tuple[int, int]]:
        """(desa, period) → (numerator, denominator) summed over partitions, zero rows dropped."""
        out: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for (_, code, desa, period), sums in self.sums.items():
            if code == indicator:
                out[(desa, period)][0] += sums.numerator
                out[(desa, period)][1] += sums.denominator
        return {key: (n, d) for key, (n, d) in out.items() if (n, d) != (0, 0)}


def test_a_first_record_counts() -> None:
    pipeline = Pipeline()
    changes = pipeline.run(record("e1", offset=7))
    assert [r.rank[2] for r in changes.winners] == ["e1"]
    assert [r.offset for r in changes.winners] == [7]  # the fact's version
    assert changes.sums == {(0, "stunting_prevalence", DESA_A, MARCH): Sums(1, 1, pipeline.clock)}
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}
    assert pipeline.subjects["child-1"].partition == 0
    assert set(pipeline.subjects["child-1"].periods) == {MARCH}


def test_a_duplicate_changes_nothing_in_a_later_batch_or_the_same_one() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1"), record("e1", offset=1))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}
    again = pipeline.run(record("e1", offset=2))
    assert again == Changes()
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}


def test_a_later_measurement_of_the_same_child_and_month_replaces_the_earlier() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", values=STUNTED, offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", values=NOT_STUNTED, offset=2))
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}
    assert changes.sums == {(0, "stunting_prevalence", DESA_A, MARCH): Sums(0, 1, 200)}
    assert pipeline.subjects["child-1"].periods[MARCH].rank[2] == "e2"


def test_a_replacement_that_moved_desa_takes_the_child_out_of_the_old_desa() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", desa=DESA_A, offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", desa=DESA_B, offset=2))
    assert pipeline.totals() == {(DESA_B, MARCH): (1, 1)}
    # The old desa's sum is written too, now zero, so the store forgets the child there.
    assert changes.sums[(0, "stunting_prevalence", DESA_A, MARCH)] == Sums(0, 0, 200)
    assert changes.sums[(0, "stunting_prevalence", DESA_B, MARCH)] == Sums(1, 1, 200)


def test_an_earlier_dated_record_arriving_later_does_not_replace() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e2", measured="2025-03-20", values=NOT_STUNTED, offset=1))
    changes = pipeline.run(record("e1", measured="2025-03-05", values=STUNTED, offset=2))
    assert changes == Changes()
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}


def test_the_same_day_is_decided_by_event_time_then_by_event_id() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e9", time_us=2_000, values=NOT_STUNTED))
    pipeline.run(record("e1", time_us=1_000, values=STUNTED))  # same day, sent earlier: loses
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}
    pipeline.run(record("f1", time_us=2_000, values=STUNTED))  # same day and time, larger id: wins
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}


def test_different_months_are_counted_separately_and_kept_in_one_subject() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-28"), record("e2", measured="2025-04-02", values=NOT_STUNTED))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1), (DESA_A, APRIL): (0, 1)}
    assert set(pipeline.subjects["child-1"].periods) == {MARCH, APRIL}
    # A later April record changes April alone; March's record still counts.
    changes = pipeline.run(record("e3", measured="2025-04-20", values=STUNTED, offset=5))
    assert changes.sums == {(0, "stunting_prevalence", DESA_A, APRIL): Sums(1, 1, 200)}
    assert pipeline.subjects["child-1"].periods[MARCH].rank[2] == "e1"


def test_different_children_are_counted_separately() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="child-1"), record("e2", subject="child-2", values=NOT_STUNTED))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 2)}


def test_within_one_batch_only_the_latest_record_counts_and_becomes_a_fact() -> None:
    pipeline = Pipeline()
    changes = pipeline.run(
        record("e2", measured="2025-03-20", values=NOT_STUNTED, offset=1),
        record("e1", measured="2025-03-05", values=STUNTED, offset=2),
    )
    assert [r.rank[2] for r in changes.winners] == ["e2"]
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}


def test_a_replacement_with_the_same_contributions_rewrites_no_sum_but_is_the_new_fact() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", offset=2))
    assert changes.sums == {}
    assert [r.rank[2] for r in changes.winners] == ["e2"]
    assert pipeline.subjects["child-1"].periods[MARCH].rank[2] == "e2"


def test_a_sum_written_later_has_a_higher_version_and_one_left_alone_keeps_its_own() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="a", offset=3), record("e2", subject="b", measured="2025-04-10", offset=5))
    march, april = (0, "stunting_prevalence", DESA_A, MARCH), (0, "stunting_prevalence", DESA_A, APRIL)
    first = pipeline.sums[march].version
    assert pipeline.sums[april].version == first
    pipeline.run(record("e3", subject="c", offset=4))  # a lower offset, written later
    assert pipeline.sums[march].version > first
    assert pipeline.sums[april].version == first


def test_partitions_keep_their_own_sums() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="a", partition=0), record("e2", subject="b", partition=3))
    assert set(pipeline.sums) == {
        (0, "stunting_prevalence", DESA_A, MARCH),
        (3, "stunting_prevalence", DESA_A, MARCH),
    }
    assert pipeline.totals() == {(DESA_A, MARCH): (2, 2)}


def test_the_state_is_only_read() -> None:
    subjects: dict[str, Subject] = {}
    sums: dict[SumKey, Sums] = {}
    apply(State(subjects, sums), [record("e1")], flags, 1)
    assert subjects == {} and sums == {}


# A rule that looks across periods and into other periods, with the real rules of two feeds.


def real(feed_name: str, methodology: Methodology = Methodology()) -> Callable[[Sequence[Row]], pl.DataFrame]:
    def contribute(rows: Sequence[Row]) -> pl.DataFrame:
        return contributions(feed_name, feeds.rows_frame(feed_name, rows), methodology)

    return contribute


def weighed(event_id: str, measured: str, weight: float, *, subject: str = "child-1", offset: int = 0) -> Record:
    values = {"age_days": 400, "oedema": False, "weight_kg": weight}
    return record(event_id, subject=subject, measured=measured, values=values, offset=offset)


def test_a_correction_of_last_month_moves_this_months_no_weight_gain() -> None:
    pipeline = Pipeline(real("child_measurement"))
    pipeline.run(weighed("e1", "2025-03-10", 10.0), weighed("e2", "2025-04-10", 10.2, offset=1))
    # April gained 0.2 kg: in the denominator, not the numerator
    assert pipeline.totals("no_weight_gain_rate") == {(DESA_A, APRIL): (0, 1)}
    # March corrected later to 10.5 kg: April now did not gain; April's sum moves though no April record came
    changes = pipeline.run(weighed("e3", "2025-03-25", 10.5, offset=2))
    assert pipeline.totals("no_weight_gain_rate") == {(DESA_A, APRIL): (1, 1)}
    assert changes.sums[(0, "no_weight_gain_rate", DESA_A, APRIL)] == Sums(1, 1, pipeline.clock)
    assert pipeline.totals("weighing_coverage") == {(DESA_A, MARCH): (1, 0), (DESA_A, APRIL): (1, 0)}


def test_a_late_middle_month_creates_both_pairs() -> None:
    pipeline = Pipeline(real("child_measurement"))
    pipeline.run(weighed("e1", "2025-03-10", 10.0), weighed("e3", "2025-05-10", 9.8, offset=1))
    assert pipeline.totals("no_weight_gain_rate") == {}  # March and May are not consecutive
    pipeline.run(weighed("e2", "2025-04-10", 9.9, offset=2))
    assert pipeline.totals("no_weight_gain_rate") == {(DESA_A, APRIL): (1, 1), (DESA_A, "2025-05-01"): (1, 1)}


# Any order, any duplication, any batching: the same sums as counting the final records by hand.

INDICATORS = ("stunting_prevalence", "wasting_prevalence")
PARTITIONS = 3


@dataclass(frozen=True)
class Measurement:
    event_id: str
    child: str
    measure_date: str
    event_time: int
    desa: str
    stunted: bool | None  # None: no valid length-for-age, so in no stunting denominator
    wasted: bool | None
    weight: float | None


def partition_of(child: str) -> int:
    return sum(map(ord, child)) % PARTITIONS  # as Kafka does: one child, one partition


def to_record(m: Measurement, offset: int) -> Record:
    values = {"stunted": m.stunted, "wasted": m.wasted, "weight_kg": m.weight, "age_days": 400, "oedema": False}
    return Record(
        m.child,
        m.measure_date[:8] + "01",
        m.desa,
        (m.measure_date, m.event_time, m.event_id),
        values,
        partition_of(m.child),
        offset,
    )


def both(rows: Sequence[Row]) -> pl.DataFrame:
    """The hand-made flags rule and the real child_measurement rule (weighing and no weight gain) together."""
    return pl.concat([flags(rows), real("child_measurement")(rows)])


def latest(measurements: list[Measurement]) -> dict[tuple[str, str], Measurement]:
    out: dict[tuple[str, str], Measurement] = {}
    for m in measurements:
        key = (m.child, m.measure_date[:8] + "01")
        current = out.get(key)
        if current is None or (m.measure_date, m.event_time, m.event_id) > (
            current.measure_date,
            current.event_time,
            current.event_id,
        ):
            out[key] = m
    return out


def month_before(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1}-12-01" if month == 1 else f"{year}-{month - 1:02d}-01"


def oracle(measurements: list[Measurement]) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(indicator, desa, period) → (numerator, denominator), from the latest record per child and month."""
    winners = latest(measurements)
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (child, period), m in winners.items():
        for indicator, value in (("stunting_prevalence", m.stunted), ("wasting_prevalence", m.wasted)):
            if value is not None:
                totals[(indicator, m.desa, period)][0] += int(value)
                totals[(indicator, m.desa, period)][1] += 1
        totals[("weighing_coverage", m.desa, period)][0] += 1
        before = winners.get((child, month_before(period)))
        if before is not None and m.weight is not None and before.weight is not None:
            totals[("no_weight_gain_rate", m.desa, period)][0] += int(m.weight <= before.weight)
            totals[("no_weight_gain_rate", m.desa, period)][1] += 1
    return {key: (n, d) for key, (n, d) in totals.items() if (n, d) != (0, 0)}


@st.composite
def measurements(draw: st.DrawFn) -> list[Measurement]:
    count = draw(st.integers(min_value=1, max_value=25))
    return [
        Measurement(
            event_id=f"e{i:03d}",
            child=draw(st.sampled_from(["c1", "c2", "c3", "c4"])),
            measure_date=draw(
                st.sampled_from(["2025-03-02", "2025-03-15", "2025-03-31", "2025-04-01", "2025-04-20", "2025-06-03"])
            ),
            # Few distinct times, so that ties on date and time (decided by event id) happen.
            event_time=draw(st.integers(min_value=0, max_value=3)),
            desa=draw(st.sampled_from([DESA_A, DESA_B, "5301042005"])),
            stunted=draw(st.sampled_from([True, False, None])),
            wasted=draw(st.sampled_from([True, False, None])),
            weight=draw(st.sampled_from([9.5, 10.0, 10.5, None])),
        )
        for i in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(data=st.data(), records=measurements())
def test_any_order_duplication_and_batching_gives_the_oracles_sums(
    data: st.DataObject, records: list[Measurement]
) -> None:
    # Every record at least once, some several times (redelivery, replay), shuffled, cut into batches.
    repeats = data.draw(st.lists(st.sampled_from(records), max_size=15))
    stream = data.draw(st.permutations(records + repeats))
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=6)))
    pipeline = Pipeline(both)
    # Offsets grow per partition in arrival order, as Kafka's do.
    offsets = dict.fromkeys(range(PARTITIONS), 0)
    start = 0
    for end in [*cuts, len(stream)]:
        batch = []
        for m in stream[start:end]:
            offsets[partition_of(m.child)] += 1
            batch.append(to_record(m, offsets[partition_of(m.child)]))
        pipeline.run(*batch)
        start = end

    got = {}
    for indicator in (*INDICATORS, "weighing_coverage", "no_weight_gain_rate"):
        for (desa, period), total in pipeline.totals(indicator).items():
            got[(indicator, desa, period)] = total
    assert got == oracle(records)
    # The counted state names the oracle's winners too.
    counted = {
        (name, period): c.rank[2]
        for name, subject in pipeline.subjects.items()
        for period, c in subject.periods.items()
    }
    assert counted == {key: m.event_id for key, m in latest(records).items()}
    # Built again from the counted state alone (a worker taking the partitions), the sums are the same.
    built = resync(pipeline.subjects, both, partitions=range(PARTITIONS), stored=set(), version=10**6)
    assert {k: (s.numerator, s.denominator) for k, s in built.items() if (s.numerator, s.denominator) != (0, 0)} == (
        pipeline.values()
    )
    assert {s.version for s in built.values()} <= {10**6}


# resync: the sums built from the counted state (taking a partition; a rebuild after a change of method)


def welfare(
    event_id: str, kk: str, *, members: int, rp: int, desa: str = DESA_A, partition: int = 0, when: str = "2025-03-10"
) -> Record:
    values = {"members": members, "per_capita_expenditure_rp": rp, "year": int(when[:4])}
    return record(event_id, subject=kk, measured=when, desa=desa, values=values, partition=partition, offset=1)


OLD_LINE = Methodology({2025: 300_000})
NEW_LINE = Methodology({2025: 260_000})
JANUARY = "2025-01-01"
HOUSEHOLDS = (
    welfare("e1", "kk1", members=4, rp=250_000),  # poor under both lines
    welfare("e2", "kk2", members=3, rp=280_000),  # poor under the old line only
    welfare("e3", "kk3", members=5, rp=290_000, desa=DESA_B),  # poor under the old line only
    welfare("e4", "kk4", members=2, rp=270_000, when="2025-01-15"),  # poor under the old line only, January
    welfare("e5", "kk5", members=6, rp=280_000, partition=1),  # another partition
)
POVERTY = "extreme_poverty_rate"


def test_a_rebuild_gives_the_sums_of_a_fresh_count_with_the_new_line_for_the_months_asked_only() -> None:
    pipeline = Pipeline(real("household_welfare", OLD_LINE))
    pipeline.run(*HOUSEHOLDS)
    assert pipeline.totals(POVERTY) == {
        (DESA_A, MARCH): (4 + 3 + 6, 4 + 3 + 6),  # partitions 0 and 1 together
        (DESA_B, MARCH): (5, 5),
        (DESA_A, JANUARY): (2, 2),
    }
    # What ClickHouse holds besides: a sum of a rule that no longer exists in March and one in April, and a
    # January one; partition 1's March; the sums the state gives.
    gone, gone_april, gone_january = (
        (0, "old_rate", DESA_A, MARCH),
        (0, "old_rate", DESA_A, APRIL),
        (0, "old_rate", DESA_A, JANUARY),
    )
    stored = {*pipeline.sums, gone, gone_april, gone_january}
    changed = resync(
        pipeline.subjects,
        real("household_welfare", NEW_LINE),
        partitions={0},
        stored=stored,
        version=50,
        periods=(MARCH, MARCH),
    )
    assert changed == {
        (0, POVERTY, DESA_A, MARCH): Sums(4, 7, 50),  # kk1's 4 of kk1 + kk2's 7 people
        (0, POVERTY, DESA_B, MARCH): Sums(0, 5, 50),
        gone: Sums(0, 0, 50),  # the state no longer gives it: written as zeros
    }
    # Neither partition 1 nor January nor April, though the new line would change partition 1's March and
    # January (kk4, 270 000) too.
    assert pipeline.sums[(0, POVERTY, DESA_A, JANUARY)].numerator == 2
    assert {key[0] for key in changed} == {0} and {key[3] for key in changed} == {MARCH}

    # Partition 0's March is what a fresh count with the new line gives.
    fresh = Pipeline(real("household_welfare", NEW_LINE))
    fresh.run(*(r for r in HOUSEHOLDS if r.partition == 0))
    assert {k: v for k, v in fresh.values().items() if k[3] == MARCH} == {
        k: (s.numerator, s.denominator) for k, s in changed.items() if (s.numerator, s.denominator) != (0, 0)
    }


def test_resync_of_months_reaches_no_other_month_even_where_the_rule_looks_across() -> None:
    # March and April of one child: April's no weight gain reads March; resync of March alone writes March alone.
    pipeline = Pipeline(real("child_measurement"))
    pipeline.run(weighed("e1", "2025-03-10", 10.0), weighed("e2", "2025-04-10", 9.9))
    april_stale = (0, "stunting_prevalence", DESA_A, APRIL)
    built = resync(
        pipeline.subjects,
        real("child_measurement"),
        partitions={0},
        stored={*pipeline.sums, april_stale},
        version=7,
        periods=(MARCH, MARCH),
    )
    assert {key[3] for key in built} == {MARCH}
    assert {(key[1], s.numerator, s.denominator) for key, s in built.items()} == {("weighing_coverage", 1, 0)}
    april = resync(
        pipeline.subjects,
        real("child_measurement"),
        partitions={0},
        stored={april_stale},
        version=8,
        periods=(APRIL, APRIL),
    )
    assert april == {
        (0, "weighing_coverage", DESA_A, APRIL): Sums(1, 0, 8),
        (0, "no_weight_gain_rate", DESA_A, APRIL): Sums(1, 1, 8),  # 9.9 kg after 10.0 kg
        april_stale: Sums(0, 0, 8),
    }


def test_resync_with_an_unchanged_method_gives_the_sums_counted_so_far_and_again_the_same() -> None:
    pipeline = Pipeline(real("household_welfare", OLD_LINE))
    pipeline.run(*HOUSEHOLDS[:2])
    pipeline.run(*HOUSEHOLDS[2:])
    built = resync(
        pipeline.subjects, real("household_welfare", OLD_LINE), partitions={0, 1}, stored=set(pipeline.sums), version=9
    )
    assert (
        {k: (s.numerator, s.denominator) for k, s in built.items()}
        == pipeline.values()
        == {
            (0, POVERTY, DESA_A, MARCH): (7, 7),
            (0, POVERTY, DESA_B, MARCH): (5, 5),
            (0, POVERTY, DESA_A, JANUARY): (2, 2),
            (1, POVERTY, DESA_A, MARCH): (6, 6),
        }
    )
    assert all(s.version == 9 for s in built.values())
    commit(pipeline.subjects, pipeline.sums, Changes(sums=built))
    again = resync(
        pipeline.subjects, real("household_welfare", OLD_LINE), partitions={0, 1}, stored=set(pipeline.sums), version=10
    )
    assert {k: (s.numerator, s.denominator) for k, s in again.items()} == pipeline.values()


def test_resync_of_a_partition_ignores_the_subjects_and_stored_keys_of_others() -> None:
    pipeline = Pipeline(real("household_welfare", OLD_LINE))
    pipeline.run(*HOUSEHOLDS)
    other = (1, "old_rate", DESA_B, MARCH)
    built = resync(
        pipeline.subjects,
        real("household_welfare", OLD_LINE),
        partitions={1},
        stored={other, *pipeline.sums},
        version=3,
    )
    assert built == {(1, POVERTY, DESA_A, MARCH): Sums(6, 6, 3), other: Sums(0, 0, 3)}
    assert resync({}, real("household_welfare", OLD_LINE), partitions={2}, stored=set(), version=3) == {}
