"""Fixtures shared by every test folder (integration and e2e alike)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from satudata.kafka import KafkaBroker
from satudata.settings import Settings


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bootstrap address of one real Kafka broker for the whole session, started on first use.

    A free port and its own var folder, so sessions running side by side never meet. On a clean machine
    (CI) the first session fetches the broker's jars here; SATUDATA_KAFKA__JARS_DIR, __JAVA and __MVN apply.
    """
    settings = Settings().model_copy(update={"var_dir": tmp_path_factory.mktemp("kafka-var")})
    broker = KafkaBroker.from_settings(settings, port=0)
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()
