"""The quality agent on the real broker: topics, one validator for the session (GX is slow to import), and a
reader of what reached the clean and quarantine topics."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from satudata.kafka import ensure_topics
from satudata.settings import Settings
from services.quality.bootstrap import validator_factory
from services.quality.contract import ContractValidator
from tests.integration.quality.outputs import FEED, OutputReader


@pytest.fixture(scope="session")
def quality_bootstrap(kafka_broker: str) -> str:
    ensure_topics(kafka_broker)
    return kafka_broker


@pytest.fixture(scope="session")
def contract_validator() -> ContractValidator:
    return validator_factory(Settings())(FEED.name)


@pytest.fixture
def outputs(quality_bootstrap: str) -> Iterator[OutputReader]:
    reader = OutputReader(quality_bootstrap)
    reader.mark()
    yield reader
    reader.close()
