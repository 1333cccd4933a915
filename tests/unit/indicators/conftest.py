from __future__ import annotations

import pytest

from tests.unit.indicators.builders import MemoryStore


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()
