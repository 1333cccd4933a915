"""A set of ids kept in a compacted topic (key = id): read whole into memory on first use, appended to after.

The upload ledger (`satudata.events.UPLOADS_TOPIC`) is one: the ids of every event published from an uploaded
file, so that a restarted ingest still knows them. Compaction keeps one record per id, so the scan at start
grows with the number of distinct ids, not with the number of uploads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from typing import Protocol

from kafka.consumer.fetcher import ConsumerRecord

from satudata.kafka.compacted import TopicReadError, read_to_end, unassigned_consumer
from satudata.kafka.producer import RecordTuple
from satudata.logs import get_logger

log = get_logger(__name__)


class LedgerReadError(RuntimeError):
    pass


class _Publishes(Protocol):
    def publish(self, messages: Sequence[RecordTuple]) -> None: ...


class KafkaIdLedger:
    """`known` loads the topic on first use (so a service started while Kafka is down still starts), `remember`
    writes through `publish` (acks=all) and only then adds the ids in memory."""

    def __init__(
        self,
        bootstrap: str,
        topic: str,
        publish: _Publishes,
        *,
        timeout_s: float = 30.0,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self._publish = publish  # raises unless the broker confirmed (KafkaPublisher)
        self.timeout_s = timeout_s
        self._ids: set[str] | None = None
        self._lock = threading.Lock()

    def known(self, ids: Iterable[str]) -> set[str]:
        loaded = self._loaded()
        return {i for i in ids if i in loaded}

    def remember(self, entries: Sequence[tuple[str, bytes]]) -> None:
        loaded = self._loaded()
        records: list[RecordTuple] = [(self.topic, event_id.encode(), note) for event_id, note in entries]
        self._publish.publish(records)
        with self._lock:
            loaded.update(event_id for event_id, _ in entries)

    def __len__(self) -> int:
        return len(self._loaded())

    def _loaded(self) -> set[str]:
        with self._lock:
            if self._ids is None:
                self._ids = self._read_all()
            return self._ids

    def _read_all(self) -> set[str]:
        """Every id up to the end offsets seen at start (a tombstone forgets one)."""
        started = time.monotonic()
        ids: set[str] = set()

        def apply(records: Iterable[ConsumerRecord]) -> None:
            for record in records:
                if record.key is None:
                    continue
                if record.value is None:
                    ids.discard(record.key.decode())
                else:
                    ids.add(record.key.decode())

        try:
            consumer = unassigned_consumer(self.bootstrap, "satudata-ledger", self.timeout_s)
            try:
                read_to_end(consumer, self.topic, apply, timeout_s=self.timeout_s)
            finally:
                consumer.close()
        except TopicReadError as exc:
            raise LedgerReadError(str(exc)) from exc
        log.info("kafka.ledger_loaded", topic=self.topic, ids=len(ids), seconds=round(time.monotonic() - started, 2))
        return ids
