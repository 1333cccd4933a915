"""The exact-counting transition on plain dicts: duplicates, corrections, late records, and any order."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from services.indicators.counting import Changes, Counted, Record, State, Sums, apply, commit

MARCH, APRIL = "2025-03-01", "2025-04-01"
DESA_A, DESA_B = "5301042003", "5301042004"
STUNTED = {"stunting_prevalence": (1, 1)}
NOT_STUNTED = {"stunting_prevalence": (0, 1)}


def record(
    event_id: str,
    *,
    subject: str = "child-1",
    measured: str = "2025-03-10",
    time_us: int = 1_000,
    desa: str = DESA_A,
    contributions: dict[str, tuple[int, int]] | None = None,
    partition: int = 0,
    offset: int = 0,
) -> Record:
    period = measured[:8] + "01"
    return Record(
        subject,
        period,
        desa,
        (measured, time_us, event_id),
        STUNTED if contributions is None else contributions,
        partition,
        offset,
    )


class Pipeline:
    """The state kept in plain dicts, as the agent keeps it in tables."""

    def __init__(self) -> None:
        self.counted: dict[tuple[str, str], Counted] = {}
        self.sums: dict[tuple[int, str, str, str], Sums] = {}

    def run(self, *records: Record) -> Changes:
        changes = apply(State(self.counted, self.sums), records)
        commit(self.counted, self.sums, changes)
        return changes

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
    assert changes.sums == {(0, "stunting_prevalence", DESA_A, MARCH): Sums(1, 1, 7)}
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}


def test_a_duplicate_changes_nothing_in_a_later_batch_or_the_same_one() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1"), record("e1", offset=1))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}
    again = pipeline.run(record("e1", offset=2))
    assert again == Changes()
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}


def test_a_later_measurement_of_the_same_child_and_month_replaces_the_earlier() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", contributions=STUNTED, offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", contributions=NOT_STUNTED, offset=2))
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}
    assert changes.sums == {(0, "stunting_prevalence", DESA_A, MARCH): Sums(0, 1, 2)}
    assert pipeline.counted[("child-1", MARCH)].rank[2] == "e2"


def test_a_replacement_that_moved_desa_takes_the_child_out_of_the_old_desa() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", desa=DESA_A, offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", desa=DESA_B, offset=2))
    assert pipeline.totals() == {(DESA_B, MARCH): (1, 1)}
    # The old desa's sum is written too, now zero, so the store forgets the child there.
    assert changes.sums[(0, "stunting_prevalence", DESA_A, MARCH)] == Sums(0, 0, 2)


def test_an_earlier_dated_record_arriving_later_does_not_replace() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e2", measured="2025-03-20", contributions=NOT_STUNTED, offset=1))
    changes = pipeline.run(record("e1", measured="2025-03-05", contributions=STUNTED, offset=2))
    assert changes == Changes()
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}


def test_the_same_day_is_decided_by_event_time_then_by_event_id() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e9", time_us=2_000, contributions=NOT_STUNTED))
    pipeline.run(record("e1", time_us=1_000, contributions=STUNTED))  # same day, sent earlier: loses
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}
    pipeline.run(record("f1", time_us=2_000, contributions=STUNTED))  # same day and time, larger id: wins
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1)}


def test_different_months_are_counted_separately() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-28"), record("e2", measured="2025-04-02", contributions=NOT_STUNTED))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 1), (DESA_A, APRIL): (0, 1)}


def test_different_children_are_counted_separately() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="child-1"), record("e2", subject="child-2", contributions=NOT_STUNTED))
    assert pipeline.totals() == {(DESA_A, MARCH): (1, 2)}


def test_within_one_batch_only_the_latest_record_counts_and_becomes_a_fact() -> None:
    pipeline = Pipeline()
    changes = pipeline.run(
        record("e2", measured="2025-03-20", contributions=NOT_STUNTED, offset=1),
        record("e1", measured="2025-03-05", contributions=STUNTED, offset=2),
    )
    assert [r.rank[2] for r in changes.winners] == ["e2"]
    assert pipeline.totals() == {(DESA_A, MARCH): (0, 1)}


def test_a_replacement_with_the_same_contributions_rewrites_no_sum_but_is_the_new_fact() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", measured="2025-03-05", offset=1))
    changes = pipeline.run(record("e2", measured="2025-03-20", offset=2))
    assert changes.sums == {}
    assert [r.rank[2] for r in changes.winners] == ["e2"]


def test_a_sum_version_is_the_offset_of_the_last_record_that_moved_it() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="a", offset=3), record("e2", subject="b", offset=5))
    assert pipeline.sums[(0, "stunting_prevalence", DESA_A, MARCH)].version == 5
    pipeline.run(record("e3", subject="c", offset=9))
    assert pipeline.sums[(0, "stunting_prevalence", DESA_A, MARCH)].version == 9


def test_partitions_keep_their_own_sums() -> None:
    pipeline = Pipeline()
    pipeline.run(record("e1", subject="a", partition=0), record("e2", subject="b", partition=3))
    assert set(pipeline.sums) == {
        (0, "stunting_prevalence", DESA_A, MARCH),
        (3, "stunting_prevalence", DESA_A, MARCH),
    }
    assert pipeline.totals() == {(DESA_A, MARCH): (2, 2)}


def test_the_state_is_only_read() -> None:
    counted: dict[tuple[str, str], Counted] = {}
    sums: dict[tuple[int, str, str, str], Sums] = {}
    apply(State(counted, sums), [record("e1")])
    assert counted == {} and sums == {}


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


def to_record(m: Measurement, offset: int) -> Record:
    contributions = {}
    if m.stunted is not None:
        contributions["stunting_prevalence"] = (int(m.stunted), 1)
    if m.wasted is not None:
        contributions["wasting_prevalence"] = (int(m.wasted), 1)
    # As Kafka does: one child, one partition.
    partition = sum(map(ord, m.child)) % PARTITIONS
    return Record(
        m.child,
        m.measure_date[:8] + "01",
        m.desa,
        (m.measure_date, m.event_time, m.event_id),
        contributions,
        partition,
        offset,
    )


def oracle(measurements: list[Measurement]) -> dict[tuple[str, str, str], tuple[int, int]]:
    """(indicator, desa, period) → (numerator, denominator), from the latest record per child and month."""
    latest: dict[tuple[str, str], Measurement] = {}
    for m in measurements:
        month = m.measure_date[:7]
        current = latest.get((m.child, month))
        if current is None or (m.measure_date, m.event_time, m.event_id) > (
            current.measure_date,
            current.event_time,
            current.event_id,
        ):
            latest[(m.child, month)] = m
    totals: dict[tuple[str, str, str], list[int]] = {}
    for (_, month), m in latest.items():
        for indicator, value in (("stunting_prevalence", m.stunted), ("wasting_prevalence", m.wasted)):
            if value is None:
                continue
            total = totals.setdefault((indicator, m.desa, month + "-01"), [0, 0])
            total[0] += int(value)
            total[1] += 1
    return {key: (n, d) for key, (n, d) in totals.items()}


@st.composite
def measurements(draw: st.DrawFn) -> list[Measurement]:
    count = draw(st.integers(min_value=1, max_value=25))
    out = []
    for i in range(count):
        out.append(
            Measurement(
                event_id=f"e{i:03d}",
                child=draw(st.sampled_from(["c1", "c2", "c3", "c4"])),
                measure_date=draw(st.sampled_from(["2025-03-02", "2025-03-15", "2025-03-31", "2025-04-01"])),
                # Few distinct times, so that ties on date and time (decided by event id) happen.
                event_time=draw(st.integers(min_value=0, max_value=3)),
                desa=draw(st.sampled_from([DESA_A, DESA_B, "5301042005"])),
                stunted=draw(st.sampled_from([True, False, None])),
                wasted=draw(st.sampled_from([True, False, None])),
            )
        )
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), records=measurements())
def test_any_order_duplication_and_batching_gives_the_oracles_sums(
    data: st.DataObject, records: list[Measurement]
) -> None:
    # Every record at least once, some several times (redelivery, replay), shuffled, cut into batches.
    repeats = data.draw(st.lists(st.sampled_from(records), max_size=15))
    stream = data.draw(st.permutations(records + repeats))
    cuts = sorted(data.draw(st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=6)))
    pipeline = Pipeline()
    # Offsets grow per partition in arrival order, as Kafka's do.
    offsets = dict.fromkeys(range(PARTITIONS), 0)
    start = 0
    for end in [*cuts, len(stream)]:
        batch = []
        for m in stream[start:end]:
            partition = to_record(m, 0).partition
            offsets[partition] += 1
            batch.append(to_record(m, offsets[partition]))
        pipeline.run(*batch)
        start = end

    got = {}
    for indicator in INDICATORS:
        for (desa, period), total in pipeline.totals(indicator).items():
            got[(indicator, desa, period)] = total
    assert got == {key: value for key, value in oracle(records).items() if value != (0, 0)}
    # The counted state names the oracle's winners too.
    assert {key: c.rank[2] for key, c in pipeline.counted.items()} == {
        (child, month): max(
            (m for m in records if m.child == child and m.measure_date[:8] + "01" == month),
            key=lambda m: (m.measure_date, m.event_time, m.event_id),
        ).event_id
        for child, month in pipeline.counted
    }
