"""What the ingest service needs from the outside world, as small Protocols (adapters implement them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from satudata.access import ApiKey

#: One Kafka message: topic, key (the desa code; None when the event names none), value.
Message = tuple[str, bytes | None, bytes]


class Publisher(Protocol):
    def publish(self, messages: Sequence[Message]) -> None:
        """Return only after the broker confirmed every message (acks=all); raise on anything else.

        Any exception means "not known to be stored": the service then claims nothing and asks the client to
        retry, which is safe because downstream deduplicates by event id.
        """
        ...

    def is_connected(self) -> bool:
        """Whether the producer reaches the broker now, for the health check."""
        ...


class KeyLookup(Protocol):
    """The key records (satudata.access); `lookup` answers None for an unknown key id."""

    def lookup(self, key_id: str) -> ApiKey | None: ...
