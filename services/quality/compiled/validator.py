"""The compiled contract validator: the same verdicts as GX, without GX's fixed cost per batch.

It is a ContractValidator (same gateway checks, same preparer, same reasons and order) whose `judge` runs the
compiled program, and GX only for the expectations the compiler left to it (a sub-suite, so the verdict is
always complete). Every `recheck_every`-th batch (the first one included) GX also judges the whole batch: on any
difference GX's verdict is the one returned and an EvaluatorMismatch (feed, rule names, row counts; nothing of
a record) waits for the gateway to raise it as an alert. Should the program itself raise, GX judges the batch;
should GX raise on a re-check, the compiled verdict stands (logged).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from satudata.logs import get_logger
from services.quality.compiled.compiler import Program, compile_suite
from services.quality.contract import ContractValidator, load_suite, today_wita
from services.quality.reasons import Reason
from services.quality.suite import ContractFile

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class EvaluatorMismatch:
    """The compiled evaluator and GX judged one batch differently (GX's verdict was used)."""

    feed: str
    rows: int  # records in the batch
    differing_rows: int  # records whose failed rules differ
    rules: Mapping[str, int]  # rule → records on which only one of the two failed it


class CompiledValidator(ContractValidator):
    def __init__(
        self,
        contract: ContractFile,
        *,
        today: Callable[[], date] = today_wita,
        recheck_every: int = 100,
        reference_date: Callable[[], date] = today_wita,
    ) -> None:
        super().__init__(contract, today=today)
        self.recheck_every = recheck_every  # 0: never
        self._reference_date = reference_date  # what the NIK expectations read their century against
        self._compiled: dict[tuple[tuple[str, pl.DataType], ...], tuple[Program, Any]] = {}
        self._judged = 0
        self._mismatches: list[EvaluatorMismatch] = []

    def program(self, schema: Mapping[str, pl.DataType]) -> tuple[Program, Any]:
        """The program for frames of this schema and the GX sub-suite of what it left (None: nothing left)."""
        key = tuple(schema.items())
        if key not in self._compiled:
            program = compile_suite(self._suite.expectations, schema)
            rest = load_suite(self._file, program.left_to_gx) if program.left_to_gx else None
            if rest is not None:
                rules = [self._suite.expectations[i].meta["rule"] for i in program.left_to_gx]
                log.info("contract rules left to GX", feed=self.feed.name, rules=rules)
            self._compiled[key] = (program, rest)
        return self._compiled[key]

    def judge(self, frame: pl.DataFrame) -> list[tuple[int, Reason]]:
        self._judged += 1
        recheck = self.recheck_every > 0 and (self._judged - 1) % self.recheck_every == 0
        try:
            found = self.judge_compiled(frame)
        except Exception as exc:  # a bug meeting odd data must not cost a verdict: GX has the last word
            log.error("compiled contract raised; GX judges the batch", feed=self.feed.name, error=type(exc).__name__)
            return super().judge(frame)
        if not recheck:
            return found
        try:
            expected = super().judge(frame)
        except Exception as exc:  # GX could not check this batch; the compiled verdict stands unverified
            log.error("GX re-check raised", feed=self.feed.name, error=type(exc).__name__)
            return found
        mismatch = compare(self.feed.name, frame.height, found, expected)
        if mismatch is not None:
            self._mismatches.append(mismatch)
            log.warning(
                "compiled contract disagrees with GX; GX's verdict used",
                feed=self.feed.name,
                rows=mismatch.rows,
                differing_rows=mismatch.differing_rows,
                rules=dict(mismatch.rules),
            )
            return expected
        return found

    def judge_compiled(self, frame: pl.DataFrame) -> list[tuple[int, Reason]]:
        program, rest = self.program(frame.schema)
        found = [(row, self._reasons[rule]) for row, rule in program.failed_rows(frame, self._reference_date())]
        if rest is not None:
            found += self.judge_with_gx(frame, rest)
        return found

    def take_mismatches(self) -> list[EvaluatorMismatch]:
        """The mismatches found since the last call (the gateway raises them as alerts)."""
        taken, self._mismatches = self._mismatches, []
        return taken


def compare(
    feed: str, rows: int, found: list[tuple[int, Reason]], expected: list[tuple[int, Reason]]
) -> EvaluatorMismatch | None:
    ours = {(row, reason.rule) for row, reason in found}
    theirs = {(row, reason.rule) for row, reason in expected}
    differing = ours ^ theirs
    if not differing:
        return None
    per_rule = Counter(rule for _, rule in differing)
    return EvaluatorMismatch(feed, rows, len({row for row, _ in differing}), dict(sorted(per_rule.items())))
