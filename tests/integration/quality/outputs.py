"""Reading what the quality agent produced, by offsets and without a consumer group."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import orjson
from kafka import KafkaConsumer, TopicPartition

from satudata.events import feed

FEED = feed("child_measurement")
DEADLINE_S = 90.0  # a fresh consumer group joins, rebalances and reads from the start of the raw topic

Output = tuple[str, bytes, dict[str, Any]]  # topic, key, message


class OutputReader:
    """Reads the clean and quarantine topics from given offsets, without a consumer group."""

    def __init__(self, bootstrap: str) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        self.partitions = [
            TopicPartition(topic, p)
            for topic in (FEED.clean_topic, FEED.quarantine_topic)
            for p in sorted(self._consumer.partitions_for_topic(topic) or ())
        ]
        assert self.partitions, "the clean and quarantine topics must exist"
        self._consumer.assign(self.partitions)

    def mark(self) -> None:
        """Read only what arrives from now on."""
        self._consumer.seek_to_end(*self.partitions)
        for tp in self.partitions:
            self._consumer.position(tp)  # resolves the lazy seek now, before anything is published

    def collect(self, done: Callable[[list[Output]], bool]) -> list[Output]:
        """Everything read until `done(read)` holds; fails at the deadline."""
        read: list[Output] = []
        deadline = time.monotonic() + DEADLINE_S
        while not done(read):
            assert time.monotonic() < deadline, f"only {len(read)} messages arrived within {DEADLINE_S} s"
            for records in self._consumer.poll(timeout_ms=200).values():  # waits on the broker, not a sleep
                read += [(r.topic, r.key, orjson.loads(r.value)) for r in records]
        return read

    def close(self) -> None:
        self._consumer.close()
