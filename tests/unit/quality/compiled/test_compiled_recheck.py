"""The sampled GX re-check, with one compiled rule deliberately broken: re-checked batches are routed as GX judges
them and reported (feed, rules, counts), the others as the compiled program judges them; the gateway turns each
report into one evaluator_mismatch alert per feed, rules and hour."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import polars as pl
import pytest

from satudata.events import feed
from services.quality.agent import Gateway
from services.quality.compiled import CompiledValidator, compiler
from services.quality.compiled.rule import CompiledRule, Spec
from services.quality.examples import read_examples
from services.quality.routing import Incoming, route
from services.quality.suite import contract_path, contracts_dir, read_contract
from tests.unit.quality.compiled.support import TODAY

FEED = feed("child_measurement")
BROKEN = "measure_position_unknown"


@pytest.fixture
def broken_validator(monkeypatch: pytest.MonkeyPatch) -> CompiledValidator:
    in_set = compiler.FAMILIES["expect_column_values_to_be_in_set"]

    def never_fails(spec: Spec) -> CompiledRule:
        rule = in_set(spec)
        return dataclasses.replace(rule, failed=pl.lit(False)) if spec.rule == BROKEN else rule

    monkeypatch.setitem(compiler.FAMILIES, "expect_column_values_to_be_in_set", never_fails)
    contract = read_contract(FEED, contract_path(FEED, contracts_dir()))
    return CompiledValidator(contract, today=lambda: TODAY, recheck_every=2)


def batch() -> list[Incoming]:
    folder = contracts_dir() / FEED.name / "examples"
    bad = [e.event for e in read_examples(folder / "bad.ndjson") if e.expect_rule == BROKEN]
    good = [e.event for e in read_examples(folder / "good.ndjson")]
    return [Incoming(orjson.dumps(e), FEED.raw_topic, 0, i) for i, e in enumerate([*bad, *bad, *good])]


def rules_of(validator: Any) -> list[list[str]]:
    routed = route(batch(), validator, max_event_bytes=65536)
    return [[r["rule"] for r in orjson.loads(m.value)["reasons"]] for m in routed.messages]


def test_every_nth_batch_follows_gx_and_is_reported(broken_validator: CompiledValidator) -> None:
    as_gx = [[BROKEN], [BROKEN], [], [], [], []]
    as_broken = [[], [], [], [], [], []]
    assert rules_of(broken_validator) == as_gx  # batch 1: re-checked
    assert rules_of(broken_validator) == as_broken  # batch 2: the program alone
    assert rules_of(broken_validator) == as_gx  # batch 3: re-checked
    reports = broken_validator.take_mismatches()
    assert [(m.feed, m.rows, m.differing_rows, dict(m.rules)) for m in reports] == [(FEED.name, 6, 2, {BROKEN: 2})] * 2
    assert broken_validator.take_mismatches() == []


def test_the_gateway_raises_one_alert_per_feed_rules_and_hour(broken_validator: CompiledValidator) -> None:
    with ThreadPoolExecutor(1) as executor:
        gateway = Gateway(None, broken_validator, store=None, max_event_bytes=65536, executor=executor)  # type: ignore[arg-type]
        routed, alerts = gateway._route(batch())
        _, again = gateway._route(batch())  # not re-checked
        _, third = gateway._route(batch())  # re-checked: the same alert id this hour, not sent twice
    assert routed.quarantined == 2 and again == [] and third == []
    (alert,) = alerts
    assert (alert.kind, alert.feed, alert.rule, alert.value) == ("evaluator_mismatch", FEED.name, BROKEN, 2.0)
    assert alert.alert_id.startswith(f"evaluator_mismatch:{FEED.name}::{BROKEN}:")
    assert "2 dari 6 rekaman" in alert.message_id and "2 of 6 records" in alert.message_en
    text = orjson.dumps(alert.event()).decode()
    niks = {orjson.loads(m.value)["data"].get("child_nik") for m in batch()}
    assert niks - {None} and not any(nik in text for nik in niks - {None})
