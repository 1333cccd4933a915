"""What the API needs from the outside world besides ClickHouse, as small Protocols (adapters implement them).

The API declares its own port rather than importing the ingest service's: services never import each other.
`satudata.kafka.publisher.KafkaPublisher` satisfies it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

#: One Kafka message: topic, key (the desa code; None when the record names none), value.
Message = tuple[str, bytes | None, bytes]


class Publisher(Protocol):
    def publish(self, messages: Sequence[Message]) -> None:
        """Return only after the broker confirmed every message (acks=all); raise on anything else."""
        ...
