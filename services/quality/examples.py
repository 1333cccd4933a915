"""A contract's example records (contracts/<feed>/examples/*.ndjson), judged by the real validator.

Good examples must pass with no reason at all; each bad example must fail exactly the rule it names in
`"_expect_rule"`; every rule of the suite must have a bad example. Examples are judged in as few batches as
possible (GX costs about a second per batch whatever its size): all good ones together, all bad ones without a
`"_today"` together, and one batch per `"_today"` date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from services.quality.suite import ContractError, ContractFile

GATEWAY_RULES = frozenset({"envelope_invalid", "not_json", "message_too_large"})


@dataclass(frozen=True, slots=True)
class Example:
    event: dict[str, Any]
    expect_rule: str | None  # None for a good example
    today: date | None  # the date a time-dependent example is judged on


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An example judged otherwise than it says. Names the event id and rules only: never the record's content."""

    event_id: str
    expected: list[str]
    got: list[str]


@dataclass
class FeedCheck:
    feed: str
    contract: ContractFile | None = None
    loaded: int = 0  # expectations GX took
    good: int = 0
    bad: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)  # rules without a bad example
    error: str | None = None  # the contract or its examples could not be used
    compiled: int = 0  # expectations the compiled evaluator translates (the rest GX judges)
    # examples the compiled evaluator judged otherwise than GX (expected: GX's rules, got: compiled)
    evaluator_differences: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.mismatches and not self.uncovered and not self.evaluator_differences


def examples_dir(directory: Path, feed: str) -> Path:
    return directory / feed / "examples"


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


class _Clock:
    def __init__(self, default: Callable[[], date]) -> None:
        self.default = default
        self.fixed: date | None = None

    def __call__(self) -> date:
        return self.fixed or self.default()


def check_feed(contract: ContractFile, directory: Path) -> FeedCheck:
    """Loads the suite through GX (refusing dropped expectations) and judges every example of the feed."""
    from services.quality.compiled import CompiledValidator
    from services.quality.contract import ContractValidator, today_wita
    from services.quality.prepare import prepare

    result = FeedCheck(contract.feed.name, contract)
    clock = _Clock(today_wita)
    try:
        validator = ContractValidator(contract, today=clock)
        compiled = CompiledValidator(contract, today=clock, recheck_every=0)
    except ContractError as error:
        result.error = str(error)
        return result
    result.loaded = validator.expectation_count
    folder = examples_dir(directory, contract.feed.name)
    try:
        good = read_examples(folder / "good.ndjson")
        bad = read_examples(folder / "bad.ndjson")
    except (OSError, orjson.JSONDecodeError, ValueError) as error:
        result.error = f"Contoh tidak dapat dibaca / examples cannot be read: {error}"
        return result
    result.good, result.bad = len(good), len(bad)
    batches: dict[date | None, list[Example]] = defaultdict(list)
    for example in [*good, *bad]:
        batches[example.today].append(example)
    for today, examples in batches.items():
        clock.fixed = today
        verdicts = validator.validate([e.event for e in examples])
        ours = compiled.validate([e.event for e in examples])
        for example, verdict, our in zip(examples, verdicts, ours, strict=True):
            expected = [example.expect_rule] if example.expect_rule else []
            if verdict.rules != expected:
                result.mismatches.append(Mismatch(str(example.event.get("id")), expected, verdict.rules))
            if our.rules != verdict.rules:
                result.evaluator_differences.append(Mismatch(str(example.event.get("id")), verdict.rules, our.rules))
    program, _ = compiled.program(prepare(contract.feed, [], today=today_wita()).schema)
    result.compiled = len(program.rules)
    named = {e.expect_rule for e in bad}
    result.uncovered = [r.rule for r in contract.reasons if r.rule not in named]
    return result
