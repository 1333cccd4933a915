"""Batches shared by the synth tests: generating is the slow part, checking is cheap."""

from __future__ import annotations

import pytest

from satudata.synth import SynthBatch, generate, generate_all

MONTH = "2026-10"
RATES = {"bad_rate": 0.04, "dup_rate": 0.02, "correction_rate": 0.03, "late_rate": 0.05}


@pytest.fixture(scope="session")
def children() -> SynthBatch:
    """50,000 child measurements: large enough for calibration to within a point."""
    return generate("child_measurement", month=MONTH, count=50_000, seed=7, **RATES)


@pytest.fixture(scope="session")
def every_feed() -> SynthBatch:
    return generate_all(month=MONTH, count=3000, seed=11, **RATES)


@pytest.fixture(scope="session")
def welfare() -> SynthBatch:
    return generate("household_welfare", month=MONTH, count=40_000, seed=5)
