"""The agent's batch logic over in-memory fakes of the tables and the store (Faust and ClickHouse themselves
are exercised in tests/integration/indicators)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from satudata import retry
from services.indicators import child_measurement, tables
from services.indicators.agent import Counter
from services.indicators.counting import Counted, Sums
from tests.unit.indicators.builders import (
    DESA,
    SECRET,
    MemoryChangelog,
    MemoryStore,
    MemoryTable,
    clean_message,
    messages,
)

OTHER_DESA = "5301042004"


def counter(store: MemoryStore, changelog: MemoryChangelog | None = None) -> Counter:
    return Counter(
        feed=child_measurement.COUNTING,
        writer=store,
        secret=SECRET,
        counted=MemoryTable("counted"),
        sums=MemoryTable("sums"),
        changelog=changelog or MemoryChangelog(),
    )


def changelog_of(c: Counter) -> list[tuple[str, int, bytes, bytes]]:
    assert isinstance(c.changelog, MemoryChangelog)
    return [tuple(r) for r in c.changelog.records]  # type: ignore[misc]


def stunting(store: MemoryStore) -> dict[str, tuple[int, int]]:
    """desa → (numerator, denominator) of stunting, from the latest version of each written row."""
    latest: dict[tuple[str, str, int], dict] = {}
    for row in store.written.get("indicator_value", []):
        key = (row["indicator"], row["desa_code"], row["partition"])
        if key not in latest or row["version"] >= latest[key]["version"]:
            latest[key] = row
    out: dict[str, tuple[int, int]] = {}
    for (indicator, desa, _), row in latest.items():
        if indicator == "stunting_prevalence" and (row["numerator"], row["denominator"]) != (0, 0):
            n, d = out.get(desa, (0, 0))
            out[desa] = (n + row["numerator"], d + row["denominator"])
    return out


def test_codecs_round_trip() -> None:
    counted = Counted(("2025-03-10", 123, "e1"), DESA, {"stunting_prevalence": (1, 1)})
    assert tables.decode_counted(tables.encode_counted(counted)) == counted
    assert tables.decode_sums(tables.encode_sums(Sums(1, 2, 3))) == Sums(1, 2, 3)
    key = (4, "stunting_prevalence", DESA, "2025-03-01")
    assert tables.parse_sum_key(tables.sum_key(key)) == key
    assert tables.parse_subject_key(tables.subject_key(("abc", "2025-03-01"))) == ("abc", "2025-03-01")


def test_a_batch_is_written_to_the_store_then_to_the_tables_with_its_partition(
    memory_store: MemoryStore,
) -> None:
    c = counter(memory_store)
    asyncio.run(c.process(messages(clean_message("e1"), partition=3, first_offset=10)))
    assert stunting(memory_store) == {DESA: (1, 1)}
    [fact] = memory_store.written["fact_child_measurement"]
    assert (fact["event_id"], fact["version"]) == ("e1", 10)
    written = changelog_of(c)
    assert {partition for _, partition, _, _ in written} == {3}
    # Each key written once: one subject, five indicators; and the tables hold what their changelogs say.
    assert sorted(topic for topic, _, _, _ in written) == ["counted-changelog"] + ["sums-changelog"] * 5
    assert c.counted.data == {key: value for topic, _, key, value in written if topic == "counted-changelog"}
    assert c.sums.data == {key: value for topic, _, key, value in written if topic == "sums-changelog"}


def test_duplicates_change_nothing_and_corrections_replace(memory_store: MemoryStore) -> None:
    c = counter(memory_store)
    stunted = clean_message("e1", measure_date="2025-03-05", height_cm=80.0)
    asyncio.run(c.process(messages(stunted)))
    asyncio.run(c.process(messages(stunted, stunted, first_offset=1)))
    assert stunting(memory_store) == {DESA: (1, 1)}
    assert len(memory_store.written["fact_child_measurement"]) == 1

    # Measured again later in March, taller, in another desa: the earlier record no longer counts.
    tall = clean_message("e2", measure_date="2025-03-25", height_cm=92.0, desa=OTHER_DESA)
    asyncio.run(c.process(messages(tall, first_offset=3)))
    assert stunting(memory_store) == {OTHER_DESA: (0, 1)}

    # The earlier measurement again, or an even earlier one sent late: nothing changes.
    late = clean_message("e0", measure_date="2025-03-01", height_cm=80.0)
    changes = asyncio.run(c.process(messages(stunted, late, first_offset=4)))
    assert changes.winners == [] and changes.sums == {}
    assert stunting(memory_store) == {OTHER_DESA: (0, 1)}


def test_when_the_broker_refuses_the_changelog_the_batch_waits_and_memory_follows_it(
    memory_store: MemoryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.001)
    changelog = MemoryChangelog(fail=2)
    c = counter(memory_store, changelog)
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert changelog.sends == 3
    assert len(c.counted) == 1


def test_when_clickhouse_refuses_the_batch_waits_and_the_tables_are_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(retry, "FIRST_DELAY_S", 0.001)
    store = MemoryStore(fail=3)
    c = counter(store)
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert store.flushes == 4
    assert stunting(store) == {DESA: (1, 1)}
    assert len(c.counted) == 1


def test_tables_are_written_only_after_the_store_flushed(memory_store: MemoryStore) -> None:
    c = counter(memory_store)
    seen_at_flush: list[int] = []
    flush = memory_store.flush

    def watching_flush() -> dict[str, int]:
        seen_at_flush.append(len(c.counted))
        return flush()

    memory_store.flush = watching_flush  # type: ignore[method-assign]
    asyncio.run(c.process(messages(clean_message("e1"))))
    assert seen_at_flush == [0]
    assert len(c.counted) == 1


def test_a_message_that_breaks_the_batch_is_left_out_alone(memory_store: MemoryStore) -> None:
    real_enrich = child_measurement.enrich

    def enrich_that_trips_on_e2(frame, secret):  # type: ignore[no-untyped-def]
        if "e2" in frame["event_id"].to_list():
            raise ValueError("a bug meets odd data")
        return real_enrich(frame, secret)

    c = counter(memory_store)
    c.feed = replace(child_measurement.COUNTING, enrich=enrich_that_trips_on_e2)
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
