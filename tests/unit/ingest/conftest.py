from __future__ import annotations

from collections.abc import Sequence

import pytest

from services.ingest.ports import Message


class MemoryPublisher:
    """An in-memory fake of our own Publisher port, for logic and HTTP-shape tests (Kafka is tested for real
    in tests/integration/ingest)."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.published: list[Message] = []

    def publish(self, messages: Sequence[Message]) -> None:
        if self.fail:
            raise TimeoutError("no confirmation")
        self.published.extend(messages)

    def is_connected(self) -> bool:
        return not self.fail


@pytest.fixture
def publisher() -> MemoryPublisher:
    return MemoryPublisher()


@pytest.fixture
def failing_publisher() -> MemoryPublisher:
    return MemoryPublisher(fail=True)
