"""The agent's batch logic over in-memory fakes of the tables and the store (Faust and ClickHouse themselves
are exercised in tests/integration/indicators)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest

from satudata import events, retry
from satudata.indicators import Methodology
from services.indicators import feeds, rebuild, tables
from services.indicators.agent import Counter
from services.indicators.changelog import ChangelogRecord
from services.indicators.counting import Counted, Subject, SumKey, Sums
from services.indicators.decode import Message
from tests.unit.indicators.builders import (
    ANTHRO,
    DESA,
    SECRET,
    MemoryChangelog,
    MemoryStore,
    MemoryTable,
    clean_message,
    feed_message,
    messages,
)

OTHER_DESA = "5301042004"
OLD_LINE = Methodology({2025: 300_000})


def counter(
    store: MemoryStore,
    changelog: MemoryChangelog | None = None,
    *,
    feed: str = "child_measurement",
    methodology: Methodology = OLD_LINE,
    subjects: MemoryTable | None = None,
) -> Counter:
    return Counter(
        feed=feed,
        writer=store,
        stored=store.stored,
        secret=SECRET,
        methodology=methodology,
        subjects=subjects if subjects is not None else MemoryTable("subjects"),
        changelog=changelog or MemoryChangelog(),
    )


def changelog_of(c: Counter) -> list[tuple[str, int, bytes, bytes]]:
    assert isinstance(c.changelog, MemoryChangelog)
    return [tuple(r) for r in c.changelog.records]  # type: ignore[misc]


def recovered(records: list[ChangelogRecord], name: str = "subjects") -> MemoryTable:
    """The subjects table a new worker recovers from the changelog: the last record of each key."""
    table = MemoryTable(name)
    for record in records:
        if record.topic == table.changelog_topic_name:
            table.data[record.key] = record.value
    return table


def latest_sums(store: MemoryStore, indicator: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(desa, period) → (numerator, denominator) from the latest version of each written row, summed over feeds
    and partitions as the API does, zeros dropped."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for (_, (_, code, desa, period)), row in store.latest_sums().items():
        if code == indicator and (row["numerator"], row["denominator"]) != (0, 0):
            n, d = out.get((desa, period), (0, 0))
            out[(desa, period)] = (n + row["numerator"], d + row["denominator"])
    return out


def nonzero(store: MemoryStore) -> dict[SumKey, tuple[int, int]]:
    """Every latest nonzero row of the store as (numerator, denominator): what a query over FINAL sees."""
    return {
        key: (row["numerator"], row["denominator"])
        for (_, key), row in store.latest_sums().items()
        if (row["numerator"], row["denominator"]) != (0, 0)
    }


def in_memory(c: Counter) -> dict[SumKey, tuple[int, int]]:
    return {key: (s.numerator, s.denominator) for key, s in c.sums.items()}


def stunting(store: MemoryStore) -> dict[str, tuple[int, int]]:
    return {desa: nd for (desa, _), nd in latest_sums(store, "stunting_prevalence").items()}


def test_codecs_round_trip() -> None:
    subject = Subject(
        4, {"2025-03-01": Counted(("2025-03-10", 123, "e1"), DESA, {"weight_kg": 9.5, "oedema": False, "zlen": None})}
    )
    assert tables.decode_subject(tables.encode_subject(subject)) == subject


def test_a_batch_is_written_to_the_store_then_to_the_table_with_its_partition(memory_store: MemoryStore) -> None:
    c = counter(memory_store)
    asyncio.run(c.process(messages(clean_message("e1"), partition=3, first_offset=10)))
    assert stunting(memory_store) == {DESA: (1, 1)}
    assert latest_sums(memory_store, "weighing_coverage") == {(DESA, "2025-03-01"): (1, 0)}
    [fact] = memory_store.written["fact_child_measurement"]
    assert (fact["event_id"], fact["version"]) == ("e1", 10)  # a fact keeps its offset as version
    # The sums live in memory only: the changelog gets the one subject, in its record's partition.
    [(topic, partition, key, value)] = changelog_of(c)
    assert (topic, partition) == ("subjects-changelog", 3)
    assert c.subjects.data == {key: value}
    # five anthropometric indicators and weighing coverage, all on partition 3, kept as written
    assert set(c.sums) == {(3, code, DESA, "2025-03-01") for code in (*ANTHRO, "weighing_coverage")}
    assert in_memory(c) == {key: nd for key, nd in nonzero(memory_store).items() if key[0] == 3}
    assert c.ready == {3}


def test_duplicates_change_nothing_and_corrections_replace(memory_store: MemoryStore) -> None:
    c = counter(memory_store)
    stunted = clean_message("e1", measure_date="2025-03-05", height_cm=80.0)
    asyncio.run(c.process(messages(stunted)))
    first = memory_store.latest_sums()[("child_measurement", (0, "stunting_prevalence", DESA, "2025-03-01"))]
    asyncio.run(c.process(messages(stunted, stunted, first_offset=1)))
    assert stunting(memory_store) == {DESA: (1, 1)}
    assert len(memory_store.written["fact_child_measurement"]) == 1

    # Measured again later in March, taller, in another desa: the earlier record no longer counts.
    tall = clean_message("e2", measure_date="2025-03-25", height_cm=92.0, desa=OTHER_DESA)
    asyncio.run(c.process(messages(tall, first_offset=3)))
    assert stunting(memory_store) == {OTHER_DESA: (0, 1)}
    assert latest_sums(memory_store, "weighing_coverage") == {(OTHER_DESA, "2025-03-01"): (1, 0)}
    assert [(f["event_id"], f["version"]) for f in memory_store.written["fact_child_measurement"]] == [
        ("e1", 0),
        ("e2", 3),
    ]
    # The old desa's sum is written again as zeros, later, so with a higher version.
    again = memory_store.latest_sums()[("child_measurement", (0, "stunting_prevalence", DESA, "2025-03-01"))]
    assert (again["numerator"], again["denominator"]) == (0, 0)
    assert again["version"] > first["version"]
    assert (0, "stunting_prevalence", DESA, "2025-03-01") not in c.sums  # a zero is not kept

    # The earlier measurement again, or an even earlier one sent late: nothing changes.
    late = clean_message("e0", measure_date="2025-03-01", height_cm=80.0)
    rows = len(memory_store.written["indicator_value"])
    changes = asyncio.run(c.process(messages(stunted, late, first_offset=4)))
    assert changes.winners == [] and changes.sums == {}
    assert stunting(memory_store) == {OTHER_DESA: (0, 1)}
    assert len(memory_store.written["fact_child_measurement"]) == 2
    assert len(memory_store.written["indicator_value"]) == rows


def test_when_the_broker_refuses_the_changelog_the_batch_waits_and_memory_follows_it(
    memory_store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.001)
    changelog = MemoryChangelog(fail=2)
    c = counter(memory_store, changelog)
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert changelog.sends == 3
    assert len(c.subjects) == 1
    assert len(c.sums) == 6


def test_when_clickhouse_refuses_the_batch_waits_and_the_tables_are_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.001)
    store = MemoryStore(fail=3)
    c = counter(store)
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert store.flushes == 4  # taking partition 0 of an empty table writes nothing, so flushes nothing
    assert stunting(store) == {DESA: (1, 1)}
    assert len(c.subjects) == 1


def test_tables_are_written_only_after_the_store_flushed(memory_store: MemoryStore) -> None:
    c = counter(memory_store)
    seen_at_flush: list[tuple[int, int]] = []
    flush = memory_store.flush

    def watching_flush() -> dict[str, int]:
        seen_at_flush.append((len(c.subjects), len(c.sums)))
        return flush()

    memory_store.flush = watching_flush  # type: ignore[method-assign]
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert seen_at_flush == [(0, 0)]
    assert len(c.subjects) == 1 and len(c.sums) == 6


# A crash between the ClickHouse flush and the changelog


def child(event_id: str, record_id: str, *, height: float, desa: str = DESA, measured: str = "2025-03-10") -> bytes:
    """A child known by its record (no NIK): 80 cm at 25 months is stunted, 92 cm is not."""
    return clean_message(event_id, nik=None, record_id=record_id, height_cm=height, desa=desa, measure_date=measured)


BATCH_1 = messages(
    child("a1", "A", height=80.0, measured="2025-03-05"),  # A: stunted in DESA
    child("b1", "B", height=80.0),  # B: stunted in DESA
)
BATCH_2 = messages(
    child("a2", "A", height=92.0, desa=OTHER_DESA, measured="2025-03-25"),  # A again: not stunted, moved
    child("c1", "C", height=92.0),  # C: not stunted in DESA
    first_offset=2,
)


@pytest.mark.parametrize("taken", [0, 1], ids=["changelog-took-nothing", "changelog-took-one-subject"])
def test_a_crash_after_the_flush_and_a_replay_by_a_new_worker_ends_at_the_count_of_the_records(
    monkeypatch: pytest.MonkeyPatch, taken: int
) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.001)
    store = MemoryStore()
    log = MemoryChangelog()
    first = counter(store, log)
    asyncio.run(first.process(BATCH_1))
    assert stunting(store) == {DESA: (2, 2)}

    # Batch 2 reaches ClickHouse; the changelog takes `taken` of its subjects, then refuses until the worker is
    # stopped (finish() cancels the batch), so the batch is never acknowledged.
    send = log.send
    tries: list[int] = []

    async def refusing(records: Any) -> None:
        if not tries:
            await send(list(records)[:taken])
        tries.append(1)
        raise ConnectionError("broker is down")

    log.send = refusing  # type: ignore[method-assign]

    async def stopped() -> None:
        await asyncio.wait_for(first.process(BATCH_2), timeout=0.3)

    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(stopped())
    assert stunting(store) == {DESA: (1, 2), OTHER_DESA: (0, 1)}  # ClickHouse is after batch 2 already
    assert len(tries) > 1 and len(log.records) == 2 + taken

    # A new worker recovers the subjects from the changelog and reads batch 2 again, cut otherwise and with a
    # redelivered record of batch 1.
    second = counter(store, subjects=recovered(log.records))
    assert len(second.subjects) == 2  # A (before or after batch 2) and B; C is not there yet
    asyncio.run(second.process(BATCH_2[1:]))
    asyncio.run(second.process([BATCH_1[0], BATCH_2[0]]))

    # Counted by hand from the records that count: A (92 cm, OTHER_DESA), B (80 cm, DESA), C (92 cm, DESA).
    assert stunting(store) == {DESA: (1, 2), OTHER_DESA: (0, 1)}
    assert latest_sums(store, "weighing_coverage") == {(DESA, "2025-03-01"): (2, 0), (OTHER_DESA, "2025-03-01"): (1, 0)}
    # Every indicator: what a worker that saw each record that counts once, in one batch, writes.
    once = MemoryStore()
    asyncio.run(counter(once).process([BATCH_1[1], *BATCH_2]))
    assert nonzero(store) == nonzero(once)
    assert in_memory(second) == nonzero(once)
    assert len(nonzero(once)) == 12  # six indicators in each of the two desa


# Taking and forgetting partitions


def seeded(store: MemoryStore, sums: dict[SumKey, tuple[int, int]], version: int = 1) -> None:
    """Rows a store holds already, as some worker wrote them."""
    rows = {key: Sums(n, d, version) for key, (n, d) in sums.items()}
    store.add(feeds.SUM_TABLE, feeds.sum_rows("child_measurement", rows, datetime.now(UTC)))
    store.flush()


def test_taking_a_partition_writes_its_sums_whole_and_zeroes_what_the_state_no_longer_gives() -> None:
    # Subjects on partitions 0 (A stunted, B not, in DESA) and 1 (C stunted, in OTHER_DESA), counted elsewhere.
    elsewhere = counter(MemoryStore())
    asyncio.run(elsewhere.process(messages(child("a", "A", height=80.0), child("b", "B", height=92.0))))
    asyncio.run(elsewhere.process(messages(child("c", "C", height=80.0, desa=OTHER_DESA), partition=1)))
    store = MemoryStore()
    stale = (0, "stunting_prevalence", OTHER_DESA, "2025-03-01")  # nothing in partition 0's state gives it
    wrong = (0, "stunting_prevalence", DESA, "2025-03-01")  # given, as (2, 2): a crashed worker's count
    theirs = (1, "stunting_prevalence", OTHER_DESA, "2025-03-01")  # partition 1: not ours to touch
    seeded(store, {stale: (3, 5), wrong: (2, 2), theirs: (7, 9)})
    seeded_rows = len(store.written["indicator_value"])

    assert isinstance(elsewhere.changelog, MemoryChangelog)
    c = counter(store, subjects=recovered(elsewhere.changelog.records))
    asyncio.run(c.take({0}))

    assert store.stored_calls == [("child_measurement", {0}, None)]
    written = store.written["indicator_value"][seeded_rows:]
    assert {r["partition"] for r in written} == {0}
    # Partition 0's state: A and B in DESA, March: stunting 1 of 2, weighing 2, and the four other anthropometric
    # indicators (0 or 1 of 2 each), plus the stale key written as zeros: 7 rows.
    assert len(written) == 7
    got = nonzero(store)
    assert got[wrong] == (1, 2)
    assert got[(0, "weighing_coverage", DESA, "2025-03-01")] == (2, 0)
    assert stale not in got
    assert got[theirs] == (7, 9)  # partition 1 left alone
    assert all(key[0] == 0 and key[2] == DESA for key in c.sums)
    assert in_memory(c) == {key: nd for key, nd in got.items() if key[0] == 0}
    assert c.ready == {0}
    # A later write wins: the rows take write it after the seeded ones (version 1).
    assert min(r["version"] for r in written) > 1

    # A batch of partition 0 does not take it again; one of partition 1 does.
    asyncio.run(c.process(messages(child("a", "A", height=80.0), first_offset=9)))  # a duplicate
    assert store.stored_calls == [("child_measurement", {0}, None)]
    asyncio.run(c.process(messages(child("c", "C", height=80.0, desa=OTHER_DESA), partition=1, first_offset=9)))
    assert store.stored_calls[1:] == [("child_measurement", {1}, None)]
    assert nonzero(store)[theirs] == (1, 1)  # C alone; the 7 of 9 was wrong


def test_a_forgotten_partition_is_dropped_and_built_again_from_the_table_on_its_next_batch(
    memory_store: MemoryStore,
) -> None:
    c = counter(memory_store)
    asyncio.run(c.process(messages(child("a", "A", height=80.0), partition=0)))
    asyncio.run(c.process(messages(child("b", "B", height=80.0), partition=1)))
    assert {key[0] for key in c.sums} == {0, 1}

    c.forget({1})
    assert c.ready == {0}
    assert {key[0] for key in c.sums} == {0}
    mine = in_memory(c)

    # Meanwhile partition 1's new owner counts C (stunted), and its changelog reaches our table.
    assert isinstance(c.subjects, MemoryTable)
    other = counter(memory_store, subjects=c.subjects)
    asyncio.run(other.process(messages(child("c", "C", height=80.0), partition=1, first_offset=1)))
    # Partition 1 is ours again: its next batch (D, not stunted) builds its sums from the table first.
    asyncio.run(c.process(messages(child("d", "D", height=92.0), partition=1, first_offset=2)))
    assert c.ready == {0, 1}
    assert in_memory(c)[(1, "stunting_prevalence", DESA, "2025-03-01")] == (2, 3)  # B and C stunted of B, C, D
    assert in_memory(c)[(1, "weighing_coverage", DESA, "2025-03-01")] == (3, 0)
    assert {k: v for k, v in in_memory(c).items() if k[0] == 0} == mine  # partition 0 untouched
    assert stunting(memory_store) == {DESA: (1 + 2, 1 + 3)}


def test_the_nik_reaches_neither_the_store_nor_the_changelog(memory_store: MemoryStore) -> None:
    nik = "5301041501230001"
    c = counter(memory_store)
    asyncio.run(c.process(messages(clean_message("e1", nik=nik))))
    assert nik not in str(memory_store.written)
    assert all(nik.encode() not in key and nik.encode() not in value for _, _, key, value in changelog_of(c))


def test_a_message_that_breaks_the_batch_is_left_out_alone(
    memory_store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_enrich = feeds.enrich

    def enrich_that_trips_on_e2(feed_name, frame, secret):  # type: ignore[no-untyped-def]
        if "e2" in frame["event_id"].to_list():
            raise ValueError("a bug meets odd data")
        return real_enrich(feed_name, frame, secret)

    monkeypatch.setattr(feeds, "enrich", enrich_that_trips_on_e2)
    c = counter(memory_store)
    asyncio.run(
        c.process(
            messages(
                clean_message("e1", record_id="A", nik=None),
                clean_message("e2", record_id="B", nik=None),
                clean_message("e3", record_id="C", nik=None),
            )
        )
    )
    assert sorted(f["event_id"] for f in memory_store.written["fact_child_measurement"]) == ["e1", "e3"]
    assert stunting(memory_store) == {DESA: (2, 2)}


# Rebuilds: a control message among the records


def welfare(event_id: str, kk: str, members: int, rp: int, desa: str = DESA, when: str = "2025-03-10") -> bytes:
    data = {
        "record_id": f"H-{kk}",
        "kk_number": kk,
        "head_nik": None,
        "members": members,
        "per_capita_expenditure_rp": rp,
        "welfare_decile": 1,
        "receives_pkh": False,
        "receives_bpnt": False,
        "receives_pbi": False,
        "child_niks": [],
        "reference_date": when,
        "desa_code": desa,
    }
    return feed_message("household_welfare", data, event_id=event_id)


HOUSEHOLDS = (
    welfare("e1", "5301040101250001", 4, 250_000),  # poor under 300 000 and 260 000
    welfare("e2", "5301040101250002", 3, 280_000),  # poor under 300 000 only
    welfare("e3", "5301040101250003", 5, 290_000, OTHER_DESA),  # poor under 300 000 only
)
REQUEST = rebuild.RebuildRequest("req-1", date(2025, 1, 1), date(2025, 12, 1))


def answers(c: Counter) -> list[rebuild.RebuildDone]:
    return [rebuild.RebuildDone.from_bytes(v) for t, _, _, v in changelog_of(c) if t == events.INDICATOR_REBUILDS_TOPIC]


def test_a_rebuild_request_recounts_with_todays_line_and_answers(memory_store: MemoryStore) -> None:
    c = counter(memory_store, feed="household_welfare")
    asyncio.run(c.process(messages(*HOUSEHOLDS, partition=2)))
    assert latest_sums(memory_store, "extreme_poverty_rate") == {
        (DESA, "2025-03-01"): (7, 7),
        (OTHER_DESA, "2025-03-01"): (5, 5),
    }
    before = max(r["version"] for r in memory_store.written["indicator_value"])
    asked: list[rebuild.RebuildRequest] = []
    c.on_rebuild = asked.append
    c.methodology = Methodology({2025: 260_000})
    asyncio.run(c.process([Message(2, 9, REQUEST.to_bytes())]))
    assert latest_sums(memory_store, "extreme_poverty_rate") == {
        (DESA, "2025-03-01"): (4, 7),
        (OTHER_DESA, "2025-03-01"): (0, 5),
    }
    rewritten = [r for r in memory_store.written["indicator_value"] if r["version"] > before]
    assert len(rewritten) == 2 and {r["partition"] for r in rewritten} == {2}
    assert memory_store.stored_calls[-1] == ("household_welfare", {2}, ("2025-01-01", "2025-12-01"))
    assert asked == [REQUEST]
    [answer] = [r for r in changelog_of(c) if r[0] == events.INDICATOR_REBUILDS_TOPIC]
    assert answer[2] == b"req-1"
    assert answers(c) == [rebuild.RebuildDone("req-1", "household_welfare", 2, 2)]
    # memory holds the recounted sums
    assert in_memory(c)[(2, "extreme_poverty_rate", DESA, "2025-03-01")] == (4, 7)
    assert in_memory(c)[(2, "extreme_poverty_rate", OTHER_DESA, "2025-03-01")] == (0, 5)


def test_a_rebuild_in_a_batch_comes_after_its_records_and_a_replay_writes_the_same(memory_store: MemoryStore) -> None:
    c = counter(memory_store, feed="household_welfare", methodology=Methodology({2025: 260_000}))
    batch = [*messages(*HOUSEHOLDS), Message(0, 3, REQUEST.to_bytes())]
    changes = asyncio.run(c.process(batch))
    assert len(changes.winners) == 3  # the control message is no record
    expected = {(DESA, "2025-03-01"): (4, 7), (OTHER_DESA, "2025-03-01"): (0, 5)}
    assert latest_sums(memory_store, "extreme_poverty_rate") == expected
    # the resync writes every sum of the months asked: two desa in March
    assert [a.sums for a in answers(c)] == [2]
    asyncio.run(c.process([Message(0, 3, REQUEST.to_bytes())]))  # replayed
    assert [a.sums for a in answers(c)] == [2, 2]
    assert latest_sums(memory_store, "extreme_poverty_rate") == expected


def test_a_rebuild_touches_only_its_partition_and_months(memory_store: MemoryStore) -> None:
    c = counter(memory_store, feed="household_welfare")
    asyncio.run(c.process(messages(*HOUSEHOLDS, partition=0)))
    asyncio.run(c.process(messages(welfare("e9", "5301040101250009", 6, 280_000), partition=1)))
    asyncio.run(c.process(messages(welfare("e8", "5301040101250008", 2, 270_000, when="2025-05-02"), partition=1)))
    rows = len(memory_store.written["indicator_value"])
    c.methodology = Methodology({2025: 260_000})
    from_april = rebuild.RebuildRequest("req-2", date(2025, 4, 1), date(2025, 12, 1))
    asyncio.run(c.process([Message(1, 5, from_april.to_bytes())]))  # partition 1 from April: only kk 8's May
    assert answers(c) == [rebuild.RebuildDone("req-2", "household_welfare", 1, 1)]
    new = memory_store.written["indicator_value"][rows:]
    assert [(r["partition"], r["period"].isoformat(), r["numerator"], r["denominator"]) for r in new] == [
        (1, "2025-05-01", 0, 2)
    ]
    assert latest_sums(memory_store, "extreme_poverty_rate") == {
        (DESA, "2025-03-01"): (7 + 6, 7 + 6),  # March: neither partition 0 nor partition 1's kk 9 recounted
        (OTHER_DESA, "2025-03-01"): (5, 5),
        (DESA, "2025-05-01"): (0, 2),
    }
    asyncio.run(c.process([Message(1, 6, REQUEST.to_bytes())]))  # partition 1, the whole year: kk 9 too
    assert latest_sums(memory_store, "extreme_poverty_rate") == {
        (DESA, "2025-03-01"): (7 + 0, 7 + 6),
        (OTHER_DESA, "2025-03-01"): (5, 5),
        (DESA, "2025-05-01"): (0, 2),
    }


def test_an_unknown_control_message_is_left_alone(memory_store: MemoryStore) -> None:
    c = counter(memory_store, feed="household_welfare")
    unknown = orjson.dumps({"control": "compact", "id": "x"})
    changes = asyncio.run(c.process([*messages(HOUSEHOLDS[0]), Message(0, 1, unknown)]))
    assert len(changes.winners) == 1
    assert answers(c) == []
