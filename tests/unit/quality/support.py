"""Test support: a contract's example records (contracts/<feed>/examples/*.ndjson) and a settable "today"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from satudata.events import Feed, feed
from services.quality.contract import today_wita
from services.quality.suite import contracts_dir

FEED = feed("child_measurement")


@dataclass(frozen=True, slots=True)
class Example:
    event: dict[str, Any]
    expect_rule: str | None  # None for a good example
    today: date | None  # the date a time-dependent example is judged on


def examples_dir(f: Feed = FEED) -> Path:
    return contracts_dir() / f.name / "examples"


def read_examples(path: Path) -> list[Example]:
    examples = []
    for line in path.read_bytes().splitlines():
        if not line.strip():
            continue
        item = orjson.loads(line)
        # Annotations start with "_" so that they can never be mistaken for CloudEvents attributes.
        today = item.get("_today")
        examples.append(
            Example(
                event={k: v for k, v in item.items() if not k.startswith("_")},
                expect_rule=item.get("_expect_rule"),
                today=date.fromisoformat(today) if today else None,
            )
        )
    return examples


class Clock:
    """The validator's "today", settable per test; the real date unless a test says otherwise."""

    def __init__(self) -> None:
        self.fixed: date | None = None

    def __call__(self) -> date:
        return self.fixed or today_wita()
