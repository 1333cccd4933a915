"""The child_measurement contract through Great Expectations itself, loaded once per session (GX is slow to
import), and its example records."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.quality.contract import ContractValidator
from services.quality.examples import Example, read_examples
from services.quality.suite import ContractFile, contract_path, contracts_dir, read_contract
from tests.unit.quality.support import FEED, Clock, examples_dir


@pytest.fixture(scope="session")
def contract_file() -> ContractFile:
    return read_contract(FEED, contract_path(FEED, contracts_dir()))


@pytest.fixture(scope="session")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def validator(contract_file: ContractFile, clock: Clock) -> ContractValidator:
    return ContractValidator(contract_file, today=clock)


@pytest.fixture
def on_date(clock: Clock) -> Iterator[Clock]:
    """Set `clock.fixed` in a test; it is reset afterwards."""
    yield clock
    clock.fixed = None


@pytest.fixture(scope="session")
def good_examples() -> list[Example]:
    return read_examples(examples_dir() / "good.ndjson")


@pytest.fixture(scope="session")
def bad_examples() -> list[Example]:
    return read_examples(examples_dir() / "bad.ndjson")
