"""The ingest app against the real broker, and a reader that proves what reached a raw topic."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from satudata.events import FEEDS
from satudata.kafka import ensure_topics
from satudata.kafka.publisher import KafkaPublisher
from satudata.settings import IngestSettings, KafkaSettings, Settings
from services.ingest import create_app
from tests.keys import admin_keyring

MAX_BODY = 64 * 1024
DEADLINE_S = 20.0


class TopicReader:
    """Reads one topic by offsets, never by group: what is there, between two points, is the evidence."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self.topic = topic
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
        partitions = self._consumer.partitions_for_topic(topic)
        assert partitions, f"topic {topic} does not exist"
        self._partitions = [TopicPartition(topic, p) for p in sorted(partitions)]
        self._consumer.assign(self._partitions)

    def end_offsets(self) -> dict[TopicPartition, int]:
        return dict(self._consumer.end_offsets(self._partitions))

    def read_since(self, since: dict[TopicPartition, int], count: int) -> list[ConsumerRecord]:
        """Exactly the records after `since`, once at least `count` arrived (or fail at the deadline);
        everything up to the end offsets is read, so an unexpected extra record shows up too."""
        deadline = time.monotonic() + DEADLINE_S
        while True:
            end = self.end_offsets()
            if sum(end[tp] - since[tp] for tp in self._partitions) >= count:
                break
            assert time.monotonic() < deadline, f"fewer than {count} new records on {self.topic}"
            self._consumer.poll(timeout_ms=100)  # waits on the broker, not a sleep
        for tp in self._partitions:
            self._consumer.seek(tp, since[tp])
        records: list[ConsumerRecord] = []
        while any(self._consumer.position(tp) < end[tp] for tp in self._partitions):
            assert time.monotonic() < deadline, f"could not read {self.topic} to its end offsets"
            for tp, batch in self._consumer.poll(timeout_ms=500).items():
                records.extend(r for r in batch if r.offset < end[tp])
        return records

    def close(self) -> None:
        self._consumer.close()


@pytest.fixture(scope="session")
def ingest_bootstrap(kafka_broker: str) -> str:
    ensure_topics(kafka_broker)
    return kafka_broker


@pytest.fixture(scope="module")
def kafka_publisher(ingest_bootstrap: str) -> Iterator[KafkaPublisher]:
    publisher = KafkaPublisher(ingest_bootstrap, timeout_s=15.0)
    yield publisher
    publisher.close()


def ingest_settings(bootstrap: str) -> Settings:
    return Settings(kafka=KafkaSettings(bootstrap=bootstrap), ingest=IngestSettings(max_body_bytes=MAX_BODY))


@pytest.fixture(scope="module")
def client(kafka_publisher: KafkaPublisher, ingest_bootstrap: str) -> TestClient:
    keyring, headers = admin_keyring()
    return TestClient(create_app(kafka_publisher, ingest_settings(ingest_bootstrap), keyring=keyring), headers=headers)


@pytest.fixture(scope="module")
def raw(ingest_bootstrap: str) -> Iterator[TopicReader]:
    reader = TopicReader(ingest_bootstrap, FEEDS["child_measurement"].raw_topic)
    yield reader
    reader.close()


@pytest.fixture(scope="session")
def max_body() -> int:
    return MAX_BODY
