"""Rebuild requests: how `satudata indicators rebuild` asks every worker to recount its sums from its state.

A request is a control message written into every partition of every counted feed's clean topic, so each
partition's owner meets it in order with the records, whichever worker that is and however often it restarts
(a replayed request recounts again, the same way). The worker recounts that partition's sums for the months
asked with today's rules and settings, writes them like any batch, and answers on INDICATOR_REBUILDS_TOPIC; the
command counts the answers for its progress bar.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

import orjson
from kafka import KafkaConsumer, TopicPartition

from satudata.events import INDICATOR_REBUILDS_TOPIC
from satudata.kafka import BulkProducer, Record, topic_partitions

CONTROL_PREFIX: Final = b'{"control":'


@dataclass(frozen=True, slots=True)
class RebuildRequest:
    id: str
    first: date  # first day of the first month
    last: date  # first day of the last month

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {"control": "rebuild", "id": self.id, "from": self.first.isoformat(), "to": self.last.isoformat()}
        )

    @property
    def periods(self) -> tuple[str, str]:
        return (self.first.isoformat(), self.last.isoformat())


@dataclass(frozen=True, slots=True)
class RebuildDone:
    id: str
    feed: str
    partition: int
    sums: int  # sums rewritten

    def to_bytes(self) -> bytes:
        return orjson.dumps({"id": self.id, "feed": self.feed, "partition": self.partition, "sums": self.sums})

    @classmethod
    def from_bytes(cls, raw: bytes) -> RebuildDone:
        value = orjson.loads(raw)
        return cls(str(value["id"]), str(value["feed"]), int(value["partition"]), int(value["sums"]))


def is_control(value: bytes | None) -> bool:
    return value is not None and value.startswith(CONTROL_PREFIX)


def parse(value: bytes) -> RebuildRequest | None:
    """The request in a control message, or None for one this version does not know (left alone)."""
    try:
        message = orjson.loads(value)
        if message.get("control") != "rebuild":
            return None
        return RebuildRequest(
            str(message["id"]), date.fromisoformat(message["from"]), date.fromisoformat(message["to"])
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None


def request_rebuild(
    bootstrap: str,
    topics: dict[str, str],
    first: date,
    last: date,
    *,
    timeout_s: float,
    on_answer: Callable[[RebuildDone, int], None] = lambda _done, _total: None,
) -> list[RebuildDone]:
    """Write a request into every partition of each feed's clean topic (`topics`: feed → topic) and wait for
    every answer; `on_answer(done, expected)` follows the progress. Raises RebuildTimeoutError with what is
    missing when the indicators service has not answered them all in time."""
    request = RebuildRequest(uuid.uuid4().hex, first, last)
    partitions = topic_partitions(bootstrap, list(topics.values()))
    expected = {(feed, p) for feed, topic in topics.items() for p in range(partitions[topic])}
    answers: dict[tuple[str, int], RebuildDone] = {}
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=500)
    try:
        answer_partitions = [TopicPartition(INDICATOR_REBUILDS_TOPIC, 0)]
        consumer.assign(answer_partitions)
        consumer.seek_to_end(*answer_partitions)
        consumer.position(answer_partitions[0])  # fixes "the end" before the request is written
        with BulkProducer(bootstrap) as producer:
            value = request.to_bytes()
            producer.publish_batch(
                Record(topics[feed], f"control:{request.id}".encode(), value, partition) for feed, partition in expected
            )
        deadline = time.monotonic() + timeout_s
        while expected - answers.keys() and time.monotonic() < deadline:
            for message in consumer:
                done = RebuildDone.from_bytes(message.value)
                if done.id == request.id and (done.feed, done.partition) not in answers:
                    answers[(done.feed, done.partition)] = done
                    on_answer(done, len(expected))
                if not expected - answers.keys():
                    break
    finally:
        consumer.close()
    missing = sorted(expected - answers.keys())
    if missing:
        raise RebuildTimeoutError(missing, timeout_s)
    return list(answers.values())


class RebuildTimeoutError(RuntimeError):
    def __init__(self, missing: list[tuple[str, int]], timeout_s: float) -> None:
        self.missing = missing
        shown = ", ".join(f"{feed}/{partition}" for feed, partition in missing[:8])
        super().__init__(
            f"layanan indikator belum menjawab {len(missing)} partisi dalam {timeout_s:.0f} s (apakah berjalan?): "
            f"{shown} / the indicators service did not answer {len(missing)} partitions within {timeout_s:.0f} s "
            "(is it running?); the request stays in the topics and is carried out when it runs"
        )
