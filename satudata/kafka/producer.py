"""Bulk publishing: send a whole batch, flush once, answer only when every record is confirmed (acks=all)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, NamedTuple

from kafka import KafkaProducer
from kafka.errors import KafkaTimeoutError
from kafka.producer.future import FutureRecordMetadata, RecordMetadata


class Record(NamedTuple):
    topic: str
    key: bytes | None  # the desa code: it keeps one desa's records in order on one partition
    value: bytes  # the raw JSON, encoded once by the caller
    partition: int | None = None  # None: by key; a control message names its partition


RecordTuple = tuple[str, bytes | None, bytes]


class PublishError(RuntimeError):
    """Some records were not confirmed by the broker; the caller must treat the whole batch as not stored."""


class BulkProducer:
    """One KafkaProducer for many batches. Thread-safe like the KafkaProducer it wraps."""

    def __init__(self, bootstrap: str, *, timeout_s: float = 30.0, **overrides: Any) -> None:
        self.timeout_s = timeout_s
        ms = int(timeout_s * 1000)
        config: dict[str, Any] = {
            "bootstrap_servers": bootstrap,
            "client_id": "satudata-producer",
            "acks": "all",
            "enable_idempotence": True,  # a retried send is not written twice
            "allow_auto_create_topics": False,  # the broker refuses anyway; ask for nothing we forbid
            "linger_ms": 5,
            "batch_size": 256 * 1024,  # records are small JSON: many per request is the point of this class
            "max_block_ms": ms,
            "bootstrap_timeout_ms": ms,
        }
        self._producer = KafkaProducer(**{**config, **overrides})

    def publish_batch(self, records: Iterable[Record | RecordTuple]) -> list[RecordMetadata]:
        """Send every record, flush, and return their metadata in order; raise PublishError on any failure."""
        deadline = time.monotonic() + self.timeout_s
        futures: list[FutureRecordMetadata] = []
        for record in records:
            topic, key, value = record[:3]
            partition = record[3] if len(record) > 3 else None
            try:
                futures.append(self._producer.send(topic, value=value, key=key, partition=partition))
            except KafkaTimeoutError as exc:
                raise PublishError(
                    f"metadata topik {topic!r} tidak tersedia dalam {self.timeout_s} s: apakah topiknya ada? "
                    f"(auto-create mati; jalankan ensure_topics) / no metadata for topic {topic!r} within "
                    f"{self.timeout_s} s: does it exist? (auto-creation is off; run ensure_topics)"
                ) from exc
        try:
            self._producer.flush(timeout=max(deadline - time.monotonic(), 0.001))
        except KafkaTimeoutError as exc:
            raise PublishError(
                f"broker tidak mengonfirmasi {len(futures)} rekaman dalam {self.timeout_s} s / "
                f"the broker did not confirm {len(futures)} records within {self.timeout_s} s"
            ) from exc
        failed = [f.exception for f in futures if not f.is_done or f.failed()]
        if failed:
            raise PublishError(
                f"{len(failed)} dari {len(futures)} rekaman gagal / {len(failed)} of {len(futures)} records "
                f"failed: {failed[0]!r}"
            ) from failed[0]
        return [f.value for f in futures]

    def close(self, timeout_s: float | None = None) -> None:
        self._producer.close(timeout=self.timeout_s if timeout_s is None else timeout_s)

    def __enter__(self) -> BulkProducer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
