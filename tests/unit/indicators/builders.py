"""Builders shared by the indicators unit tests: clean-topic messages and in-memory fakes of our own ports."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson

from satudata.events import make_event
from services.indicators.changelog import ChangelogRecord
from services.indicators.counting import SumKey
from services.indicators.decode import Message

# The five WHO prevalences, named here rather than taken from the registry the tests check.
ANTHRO = (
    "stunting_prevalence",
    "severe_stunting_prevalence",
    "wasting_prevalence",
    "underweight_prevalence",
    "overweight_prevalence",
)
SECRET = "test-secret"
NIK = "5301041501230001"
DESA = "5301042003"  # a real desa of Kupang, kecamatan 530104


def clean_message(
    event_id: str,
    *,
    nik: str | None = NIK,
    record_id: str = "R-1",
    sex: str = "L",
    birth_date: str = "2023-01-15",
    measure_date: str = "2025-03-10",
    weight_kg: float = 10.0,
    height_cm: float = 80.0,
    position: str = "standing",
    oedema: bool = False,
    desa: str = DESA,
    time: str = "2025-03-10T02:00:00Z",
) -> bytes:
    data = {
        "record_id": record_id,
        "child_nik": nik,
        "sex": sex,
        "birth_date": birth_date,
        "measure_date": measure_date,
        "weight_kg": weight_kg,
        "height_cm": height_cm,
        "measure_position": position,
        "muac_cm": 14.5,
        "oedema": oedema,
        "posyandu_id": "P-1",
        "desa_code": desa,
    }
    return feed_message("child_measurement", data, event_id=event_id, source=f"posyandu/{desa}-01", time=time)


def feed_message(
    feed_name: str,
    data: dict[str, Any],
    *,
    event_id: str,
    source: str = "test/1",
    time: str = "2025-03-10T02:00:00Z",
) -> bytes:
    """A clean-topic message of any feed, as the quality gateway writes it."""
    event = make_event(feed_name, data, source=source, event_id=event_id)
    event["time"] = time
    message = {"event": event, "reasons": [], "contract": f"{feed_name}/v1", "validated_at": time}
    return orjson.dumps(message)


def messages(*values: bytes, partition: int = 0, first_offset: int = 0) -> list[Message]:
    return [Message(partition, first_offset + i, value) for i, value in enumerate(values)]


class MemoryTable:
    """An in-memory fake of the bytes tables the agent keeps in Faust (what tables.BytesTable asks for)."""

    def __init__(self, name: str) -> None:
        self.data: dict[bytes, bytes] = {}
        self.changelog_topic_name = f"{name}-changelog"

    def get(self, key: bytes) -> bytes | None:
        return self.data.get(key)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


class MemoryChangelog:
    """An in-memory fake of our Changelog port; `fail` sends raise, as an unreachable broker would."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.records: list[ChangelogRecord] = []
        self.sends = 0

    async def send(self, records: Sequence[ChangelogRecord]) -> None:
        self.sends += 1
        if self.fail:
            self.fail -= 1
            raise ConnectionError("broker is down")
        self.records.extend(records)

    async def stop(self) -> None:
        pass


class MemoryStore:
    """An in-memory fake of our Store port; `fail` flushes raise, as an unreachable ClickHouse would."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.pending: dict[str, list[dict[str, Any]]] = {}
        self.written: dict[str, list[dict[str, Any]]] = {}
        self.flushes = 0
        self.stored_calls: list[tuple[str, set[int], tuple[str, str] | None]] = []

    def add(self, table: str, rows: Any, column_names: Sequence[str] | None = None) -> None:
        self.pending.setdefault(table, []).extend(rows.to_dicts())

    def flush(self) -> dict[str, int]:
        self.flushes += 1
        if self.fail:
            self.fail -= 1
            raise ConnectionError("clickhouse is down")
        for table, rows in self.pending.items():
            self.written.setdefault(table, []).extend(rows)
        done = {table: len(rows) for table, rows in self.pending.items()}
        self.pending = {}
        return done

    def latest_sums(self) -> dict[tuple[str, SumKey], dict[str, Any]]:
        """(feed, (partition, indicator, desa, period ISO)) → the written row of the highest version, as
        ReplacingMergeTree(version) FINAL reads it (on a tie, the last inserted)."""
        latest: dict[tuple[str, SumKey], dict[str, Any]] = {}
        for row in self.written.get("indicator_value", []):
            key = (row["partition"], row["indicator"], row["desa_code"], row["period"].isoformat())
            if (row["feed"], key) not in latest or row["version"] >= latest[(row["feed"], key)]["version"]:
                latest[(row["feed"], key)] = row
        return latest

    def stored(self, feed: str, partitions: set[int], periods: tuple[str, str] | None) -> set[SumKey]:
        """What services.indicators.stored asks ClickHouse: the feed's keys of those partitions (and months)
        whose latest row is not zero."""
        self.stored_calls.append((feed, set(partitions), periods))
        first, last = periods if periods is not None else ("", "9999")
        return {
            key
            for (row_feed, key), row in self.latest_sums().items()
            if row_feed == feed
            and key[0] in partitions
            and first <= key[3] <= last
            and (row["numerator"], row["denominator"]) != (0, 0)
        }
