"""Reading a compacted topic whole, as the upload ledger and the keyring do at start: from the beginning up to the
end offsets seen when the read starts, so the read is bounded even while others keep writing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord


class TopicReadError(RuntimeError):
    pass


def unassigned_consumer(bootstrap: str, client_id: str, timeout_s: float) -> KafkaConsumer:
    """A consumer outside any group (nothing committed): each reader reads the whole topic itself."""
    ms = max(int(timeout_s * 1000), 1000)
    try:
        return KafkaConsumer(
            bootstrap_servers=bootstrap,
            group_id=None,
            enable_auto_commit=False,
            client_id=client_id,
            request_timeout_ms=ms,
            bootstrap_timeout_ms=ms,
        )
    except Exception as exc:
        raise TopicReadError(f"cannot reach Kafka at {bootstrap}") from exc


def read_to_end(
    consumer: KafkaConsumer,
    topic: str,
    apply: Callable[[Iterable[ConsumerRecord]], None],
    *,
    timeout_s: float,
    poll_ms: int = 500,
) -> None:
    """Hand every record from the beginning to `apply`, poll by poll, until the end offsets seen at the start."""
    started = time.monotonic()
    partitions = consumer.partitions_for_topic(topic)
    if not partitions:
        raise TopicReadError(f"topic {topic} does not exist (run ensure_topics)")
    assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
    consumer.assign(assigned)
    consumer.seek_to_beginning(*assigned)
    end = consumer.end_offsets(assigned)
    while any(consumer.position(tp) < end[tp] for tp in assigned):
        if time.monotonic() - started > timeout_s:
            raise TopicReadError(f"{topic} not read to its end within {timeout_s} s")
        apply(records_of(consumer.poll(timeout_ms=poll_ms)))


def records_of(polled: dict[TopicPartition, list[ConsumerRecord]]) -> Iterable[ConsumerRecord]:
    return (record for batch in polled.values() for record in batch)
