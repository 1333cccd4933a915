"""A publisher for request/response callers (the ingest HTTP door): a BulkProducer built on first use.

Built lazily so that a service started while Kafka is down still runs, answers 503, and recovers by itself
once the broker is back, instead of crash-looping at start.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from satudata.kafka.admin import describe_cluster
from satudata.kafka.producer import BulkProducer, RecordTuple
from satudata.logs import get_logger

log = get_logger(__name__)


class KafkaPublisher:
    """`publish` returns only once the broker confirmed every record (acks=all), and raises otherwise."""

    def __init__(self, bootstrap: str, *, timeout_s: float = 30.0, client_id: str = "satudata-ingest") -> None:
        self.bootstrap = bootstrap
        self.timeout_s = timeout_s
        self._client_id = client_id
        self._producer: BulkProducer | None = None
        self._lock = threading.Lock()

    def _get(self) -> BulkProducer:
        with self._lock:
            if self._producer is None:
                ms = int(self.timeout_s * 1000)
                self._producer = BulkProducer(
                    self.bootstrap,
                    timeout_s=self.timeout_s,
                    client_id=self._client_id,
                    request_timeout_ms=ms,
                    # A record the caller was told failed expires soon after, rather than landing minutes
                    # later beside the client's retry (kafka-python keeps retrying for 120 s by default).
                    delivery_timeout_ms=ms + 1000,
                )
                log.info("kafka.publisher_connected", bootstrap=self.bootstrap)
            return self._producer

    def publish(self, messages: Sequence[RecordTuple]) -> None:
        self._get().publish_batch(messages)

    def is_connected(self) -> bool:
        """Whether a broker answers a metadata request now, with the producer built.

        An active probe rather than the producer's connection state: kafka-python 3's `bootstrap_connected()`
        is False on a working producer, and an idle producer may hold no connection at all.
        """
        try:
            if not describe_cluster(self.bootstrap, timeout_s=min(self.timeout_s, 2.0))["brokers"]:
                return False
            self._get()
        except Exception:
            return False  # any client error here means "not reachable now", which is the answer
        return True

    def close(self) -> None:
        with self._lock:
            producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.close(timeout_s=min(self.timeout_s, 5.0))
            except Exception as exc:
                # Unconfirmed records at shutdown were never answered 202; nothing is lost by dropping them.
                log.warning("kafka.publisher_close_failed", error=type(exc).__name__)
