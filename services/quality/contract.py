"""The contract validator: a feed's GX suite, loaded once, judging whole batches of decoded events.

Great Expectations is imported on first construction, not at import time: it costs ~7 s, and commands that
never validate should not pay it. One ephemeral GX context serves the whole process (progress bars and
analytics off); each validator adds its own pandas data asset to it.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from satudata.events import Feed
from satudata.logs import get_logger
from services.quality.envelope import Undecodable, check_envelope
from services.quality.prepare import prepare
from services.quality.reasons import CONTRACT_ERROR, Reason, Verdict
from services.quality.suite import ContractError, ContractFile

log = get_logger(__name__)

WITA = ZoneInfo("Asia/Makassar")
# Without exclude_unexpected_values GX copies the failing values (NIKs among them) into its result.
RESULT_FORMAT = {"result_format": "COMPLETE", "exclude_unexpected_values": True}
_asset_numbers = itertools.count(1)


def today_wita() -> date:
    """Posyandu dates are NTT calendar dates, so "the future" starts at midnight WITA."""
    return datetime.now(WITA).date()


@cache
def _gx_context() -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    # Defining the custom expectation classes registers them; a suite built before this would drop their rules.
    import services.quality.expectations  # noqa: F401

    return context


def load_suite(contract: ContractFile, positions: Sequence[int] | None = None) -> Any:
    """The GX ExpectationSuite of a contract file, refusing one GX did not take whole.

    GX logs and drops an expectation of an unknown type instead of failing; a contract with a silently
    missing rule would pass records it should quarantine, so the counts must match. `positions`: only those
    expectations (file order), e.g. the ones the compiled evaluator leaves to GX.
    """
    _gx_context()
    from great_expectations.core import ExpectationSuite
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    row_level = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)

    written = contract.suite
    chosen = range(len(written["expectations"])) if positions is None else positions
    suite = ExpectationSuite(
        name=written.get("name") or contract.name,
        expectations=[copy.deepcopy(written["expectations"][i]) for i in chosen],
        meta=copy.deepcopy(written.get("meta")),
        notes=written.get("notes"),
    )
    if len(suite.expectations) != len(chosen):
        raise ContractError(
            f"GX hanya memuat {len(suite.expectations)} dari {len(chosen)} expectation di "
            f"{contract.path} (jenis tidak dikenal?). / GX loaded {len(suite.expectations)} of "
            f"{len(chosen)} expectations in {contract.path} (an unknown type?)."
        )
    for expectation in suite.expectations:
        if not isinstance(expectation, row_level):
            # Only a row-level expectation says which records failed; a table-level one cannot route any.
            raise ContractError(
                f"{expectation.expectation_type} di {contract.path} bukan aturan per baris. / "
                f"{expectation.expectation_type} in {contract.path} is not a row-level rule."
            )
    return suite


class ContractValidator:
    """Judges events of one feed: gateway checks, then the preparer, then the suite through GX."""

    def __init__(self, contract: ContractFile, *, today: Callable[[], date] = today_wita) -> None:
        self.feed: Feed = contract.feed
        self.contract = contract.name
        self._file = contract
        self._suite = load_suite(contract)
        self.expectation_count = len(self._suite.expectations)  # as GX loaded them: equal to the file's
        self._today = today
        self._order = {reason.rule: index for index, reason in enumerate(contract.reasons)}
        self._reasons = {reason.rule: reason for reason in contract.reasons}
        source = _gx_context().data_sources.add_pandas(f"quality_{self.feed.name}_{next(_asset_numbers)}")
        asset = source.add_dataframe_asset(self.feed.name)
        self._batch_definition = asset.add_batch_definition_whole_dataframe("batch")

    def validate(self, events: Sequence[Any]) -> list[Verdict]:
        """One verdict per item, in order; an item may be anything (Undecodable too). Never raises on data."""
        found: list[list[Reason]] = [[] for _ in events]
        rows: list[int] = []
        for index, event in enumerate(events):
            if isinstance(event, Undecodable):
                found[index].append(event.reason)
            elif (problem := check_envelope(event, self.feed)) is not None:
                found[index].append(problem)
            else:
                rows.append(index)
        if rows:
            frame = prepare(self.feed, [events[i]["data"] for i in rows], today=self._today())
            for row, reason in self.judge(frame):
                found[rows[row]].append(reason)
        return [Verdict.of(sorted(reasons, key=self._rank)) for reasons in found]

    def judge(self, frame: pl.DataFrame) -> list[tuple[int, Reason]]:
        """(row, reason) for every failed expectation of a prepared frame."""
        return self.judge_with_gx(frame, self._suite)

    def judge_with_gx(self, frame: pl.DataFrame, suite: Any) -> list[tuple[int, Reason]]:
        """(row, reason) for every failed expectation of `suite` (this contract's, or part of it)."""
        # GX reports pandas index labels: a fresh 0..n-1 index makes them row numbers.
        data = frame.to_pandas().reset_index(drop=True)
        batch = self._batch_definition.get_batch(batch_parameters={"dataframe": data})
        result = batch.validate(suite, result_format=RESULT_FORMAT)
        failed: list[tuple[int, Reason]] = []
        for outcome in result.results:
            rule = outcome.expectation_config.meta["rule"]
            if _raised(outcome.exception_info):
                # Not a verdict on the data: hold every record rather than pass what was not checked.
                log.error("contract rule raised", feed=self.feed.name, rule=rule, rows=len(data))
                failed += [(row, _contract_error(rule)) for row in range(len(data))]
            elif not outcome.success:
                reason = self._reasons[rule]
                failed += [(int(row), reason) for row in outcome.result.get("unexpected_index_list") or ()]
        return failed

    def _rank(self, reason: Reason) -> int:
        return self._order.get(reason.rule, -1)


def _raised(info: dict[str, Any] | None) -> bool:
    # GX reports {"raised_exception": bool, ...} for the expectation, or one such dict per failed metric.
    if not info:
        return False
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(item, dict) and item.get("raised_exception") for item in info.values())


def _contract_error(rule: str) -> Reason:
    return Reason(
        CONTRACT_ERROR.rule,
        CONTRACT_ERROR.severity,
        f"{CONTRACT_ERROR.message_id} (aturan {rule})",
        f"{CONTRACT_ERROR.message_en} (rule {rule})",
    )
