"""API key records kept in a compacted topic (`satudata.events.KEYS_TOPIC`, key = key id, value = the record).

Why Kafka and not ClickHouse: in embedded mode the running `satudata up` holds chDB's folder, so a
`satudata keys create` from another shell could not write there; the broker is reachable from every process in
both modes. A background thread reads the topic whole at first use and then keeps following it, so a key created
or revoked by another process takes effect here within about a poll interval.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Protocol

import orjson
from kafka.consumer.fetcher import ConsumerRecord

from satudata.access import ApiKey, InvalidKeyRecordError, KeyringUnavailableError
from satudata.events import KEYS_TOPIC
from satudata.kafka.compacted import read_to_end, records_of, unassigned_consumer
from satudata.kafka.producer import RecordTuple
from satudata.logs import get_logger

log = get_logger(__name__)


class _Publishes(Protocol):
    def publish(self, messages: Sequence[RecordTuple]) -> None: ...


class KafkaKeyring:
    """`lookup` and `all` wait (up to `timeout_s`) for the first full read; `put` publishes with acks=all
    (KafkaPublisher) and only then updates memory. Call `close` to stop the follower thread."""

    def __init__(
        self,
        bootstrap: str,
        publisher: _Publishes,
        *,
        topic: str = KEYS_TOPIC,
        timeout_s: float = 30.0,
        poll_ms: int = 500,
    ) -> None:
        self.bootstrap = bootstrap
        self.topic = topic
        self.timeout_s = timeout_s
        self.poll_ms = poll_ms
        self._publisher = publisher
        self._records: dict[str, ApiKey] = {}
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: Exception | None = None

    def lookup(self, key_id: str) -> ApiKey | None:
        self._wait_loaded()
        with self._lock:
            return self._records.get(key_id)

    def all(self) -> list[ApiKey]:
        self._wait_loaded()
        with self._lock:
            return sorted(self._records.values(), key=lambda r: (r.created_at, r.key_id))

    def put(self, record: ApiKey) -> None:
        self._publisher.publish([(self.topic, record.key_id.encode(), orjson.dumps(record.to_json()))])
        with self._lock:
            self._records[record.key_id] = record
        log.info("keys.put", key_id=record.key_id, role=record.role.value, revoked=record.revoked)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout_s)

    # --- the follower ------------------------------------------------------------------------------------------

    def _wait_loaded(self) -> None:
        with self._lock:
            if self._thread is None or (not self._thread.is_alive() and self._error is not None):
                # First use, or the first read failed: (re)start, so a keyring built while Kafka was down recovers.
                self._error = None
                self._ready.clear()
                self._thread = threading.Thread(target=self._follow, name="satudata-keyring", daemon=True)
                self._thread.start()
        if not self._ready.wait(self.timeout_s):
            raise KeyringUnavailableError(f"{self.topic} not read within {self.timeout_s} s")
        if self._error is not None:
            raise KeyringUnavailableError(str(self._error))

    def _follow(self) -> None:
        loaded = False
        while not self._stop.is_set():
            try:
                consumer = unassigned_consumer(self.bootstrap, "satudata-keyring", self.timeout_s)
                try:
                    read_to_end(consumer, self.topic, self._apply, timeout_s=self.timeout_s, poll_ms=self.poll_ms)
                    if not loaded:
                        loaded = True
                        log.info("keys.loaded", topic=self.topic, keys=len(self._records))
                    self._ready.set()
                    while not self._stop.is_set():
                        self._apply(records_of(consumer.poll(timeout_ms=self.poll_ms)))
                finally:
                    consumer.close()
            except Exception as exc:
                if not loaded:
                    self._error = exc
                    self._ready.set()
                    return
                # Keep answering from memory and read the (small, compacted) topic again once Kafka is back.
                log.warning("keys.follow_failed", topic=self.topic, error=type(exc).__name__)
                self._stop.wait(1.0)

    def _apply(self, records: Iterable[ConsumerRecord]) -> None:
        for message in records:
            if message.key is None:
                continue
            key_id = message.key.decode(errors="replace")
            if message.value is None:
                with self._lock:
                    self._records.pop(key_id, None)
                continue
            try:
                record = ApiKey.from_json(orjson.loads(message.value))
            except (orjson.JSONDecodeError, InvalidKeyRecordError):
                log.warning("keys.record_unreadable", key_id=key_id)
                continue
            with self._lock:
                self._records[record.key_id] = record
