"""A real broker with the keys topic, and keyrings on it that each test closes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from satudata.events import KEYS_TOPIC
from satudata.kafka import ensure_topics
from satudata.kafka.keyring import KafkaKeyring
from satudata.kafka.publisher import KafkaPublisher


@pytest.fixture(scope="session")
def keys_bootstrap(kafka_broker: str) -> str:
    ensure_topics(kafka_broker, [KEYS_TOPIC])
    return kafka_broker


@pytest.fixture
def keys_publisher(keys_bootstrap: str) -> Iterator[KafkaPublisher]:
    publisher = KafkaPublisher(keys_bootstrap, timeout_s=15.0, client_id="test-keys")
    yield publisher
    publisher.close()


@pytest.fixture
def new_keyring(keys_bootstrap: str, keys_publisher: KafkaPublisher) -> Iterator:
    """Builds keyrings as separate processes would (each reads the topic itself); closes them at the end."""
    made: list[KafkaKeyring] = []

    def build(poll_ms: int = 200) -> KafkaKeyring:
        keyring = KafkaKeyring(keys_bootstrap, keys_publisher, timeout_s=20.0, poll_ms=poll_ms)
        made.append(keyring)
        return keyring

    yield build
    for keyring in made:
        keyring.close()
