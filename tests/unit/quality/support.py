"""Test support: a contract's example records (contracts/<feed>/examples/*.ndjson) and a settable "today"."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from satudata.events import Feed, feed
from services.quality.contract import today_wita
from services.quality.suite import contracts_dir

FEED = feed("child_measurement")


def examples_dir(f: Feed = FEED) -> Path:
    return contracts_dir() / f.name / "examples"


class Clock:
    """The validator's "today", settable per test; the real date unless a test says otherwise."""

    def __init__(self) -> None:
        self.fixed: date | None = None

    def __call__(self) -> date:
        return self.fixed or today_wita()
