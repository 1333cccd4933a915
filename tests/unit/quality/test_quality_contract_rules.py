"""Every rule of contracts/child_measurement/v1.json, judged by Great Expectations itself: each rule has an
example that fails it (and only it) and the good examples pass them all."""

from __future__ import annotations

import copy
import random
import re
from datetime import date, timedelta
from itertools import groupby
from pathlib import Path

import orjson
import pytest

from satudata.nik import DEFAULT_SEVERITY, NIK_REASON_CODES
from satudata.nik.reasons import issue
from services.quality.contract import ContractValidator
from services.quality.examples import Example
from services.quality.prepare import _ACCEPTS
from services.quality.suite import ContractFile
from tests.unit.quality.support import FEED, Clock

SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")


def judge(validator: ContractValidator, clock: Clock, examples: list[Example]) -> list[tuple[Example, list[str], bool]]:
    """Verdicts of the examples, one batch per reference date."""
    out = []
    keyed = sorted(examples, key=lambda e: str(e.today))
    for today, group in groupby(keyed, key=lambda e: e.today):
        items = list(group)
        clock.fixed = today
        verdicts = validator.validate([e.event for e in items])
        out += [(e, v.rules, v.ok) for e, v in zip(items, verdicts, strict=True)]
    clock.fixed = None
    return out


def test_good_examples_pass_every_rule(validator: ContractValidator, good_examples: list[Example]) -> None:
    verdicts = validator.validate([e.event for e in good_examples])
    assert [(v.ok, v.rules) for v in verdicts] == [(True, [])] * len(good_examples)


def test_each_bad_example_fails_exactly_its_rule(
    validator: ContractValidator, on_date: Clock, bad_examples: list[Example], contract_file: ContractFile
) -> None:
    severity = {r.rule: r.severity for r in contract_file.reasons}
    for example, rules, ok in judge(validator, on_date, bad_examples):
        assert rules == [example.expect_rule], example.event["id"]
        # A warning is accepted (and reported); an error sends the record to quarantine.
        assert ok == (severity.get(example.expect_rule) == "warning"), example.expect_rule


def test_every_rule_has_a_failing_example(contract_file: ContractFile, bad_examples: list[Example]) -> None:
    assert {r.rule for r in contract_file.reasons} <= {e.expect_rule for e in bad_examples}


def test_verdicts_stay_with_their_rows_in_a_shuffled_batch(
    validator: ContractValidator,
    on_date: Clock,
    good_examples: list[Example],
    bad_examples: list[Example],
) -> None:
    timeless = [e for e in good_examples + bad_examples if e.today is None]
    batch = [copy.deepcopy(e) for e in timeless * 20]
    random.Random(3).shuffle(batch)
    verdicts = validator.validate([e.event for e in batch])
    assert [v.rules for v in verdicts] == [[e.expect_rule] if e.expect_rule else [] for e in batch]


def test_a_record_with_many_faults_gets_every_reason_in_contract_order(
    validator: ContractValidator, good_examples: list[Example], contract_file: ContractFile
) -> None:
    event = copy.deepcopy(good_examples[0].event)
    event["data"].update(sex="X", weight_kg=350.0, desa_code="12345", posyandu_id="  ", extra=1)
    del event["data"]["record_id"]
    (verdict,) = validator.validate([event])
    expected = [
        "record_id_missing",
        "posyandu_id_empty",
        "sex_unknown",
        "desa_code_format",
        "weight_kg_out_of_range",
        "data_unknown_fields",
    ]
    order = [r.rule for r in contract_file.reasons]
    assert verdict.rules == sorted(expected, key=order.index)
    assert not verdict.ok


def test_warning_only_record_is_accepted_with_its_reason(
    validator: ContractValidator, bad_examples: list[Example]
) -> None:
    example = next(e for e in bad_examples if e.expect_rule == "nik_registered_elsewhere")
    (verdict,) = validator.validate([example.event])
    assert verdict.ok
    assert [(r.rule, r.severity) for r in verdict.reasons] == [("nik_registered_elsewhere", "warning")]
    assert verdict.reasons[0].message_id and verdict.reasons[0].message_en


def test_the_day_decides_the_future(validator: ContractValidator, on_date: Clock, good_examples: list[Example]) -> None:
    event = copy.deepcopy(good_examples[0].event)
    measured = date.fromisoformat(event["data"]["measure_date"])
    on_date.fixed = measured
    assert validator.validate([event])[0].ok  # measured today is not the future
    on_date.fixed = measured - timedelta(days=1)
    assert validator.validate([event])[0].rules == ["measure_date_in_future"]


def test_no_reason_carries_a_nik(validator: ContractValidator, bad_examples: list[Example]) -> None:
    for verdict in validator.validate([e.event for e in bad_examples]):
        for reason in verdict.reasons:
            assert not SIXTEEN_DIGITS.search(orjson.dumps(reason.to_dict()).decode())


# The contract file against the feed registry and the NIK module


def _by_rule(contract_file: ContractFile) -> dict[str, dict]:  # type: ignore[type-arg]
    return {e["meta"]["rule"]: e for e in contract_file.suite["expectations"]}


def test_required_rules_follow_the_feed_registry(contract_file: ContractFile) -> None:
    rules = _by_rule(contract_file)
    required = {f.name for f in FEED.fields if not f.nullable}
    missing = {rule.removesuffix("_missing") for rule in rules if rule.endswith("_missing")}
    assert missing == required
    for name in required:
        expectation = rules[f"{name}_missing"]
        assert expectation["type"] == "expect_column_values_to_not_be_null"
        assert expectation["kwargs"]["column"] == f"_{name}_json_type"


def test_type_rules_cover_every_field_as_the_preparer_types_it(contract_file: ContractFile) -> None:
    rules = _by_rule(contract_file)
    for f in FEED.fields:
        expectation = rules[f"{f.name}_type"]
        assert expectation["kwargs"]["column"] == f"_{f.name}_json_type"
        assert set(expectation["kwargs"]["value_set"]) == _ACCEPTS[f.kind], f.name


def test_nik_rules_keep_the_nik_module_severity_and_messages(contract_file: ContractFile) -> None:
    reasons = {r.rule: r for r in contract_file.reasons}
    for code in NIK_REASON_CODES:
        assert reasons[code].severity == DEFAULT_SEVERITY[code]
        assert (reasons[code].message_id, reasons[code].message_en) == (
            issue(code).message_id,
            issue(code).message_en,
        )


def test_readme_lists_every_rule_with_its_severity(contract_file: ContractFile) -> None:
    readme = (Path(contract_file.path).parent / "README.md").read_text()
    for reason in contract_file.reasons:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{reason.rule}` |")), None)
        assert row is not None, reason.rule
        assert f"| {reason.severity} |" in row, reason.rule
        assert reason.message_id in row and reason.message_en in row, reason.rule


@pytest.mark.parametrize("value", [12, 12.0])
def test_integer_and_decimal_weights_are_the_same(
    validator: ContractValidator, good_examples: list[Example], value: float
) -> None:
    event = copy.deepcopy(good_examples[0].event)
    event["data"]["weight_kg"] = value
    assert validator.validate([event])[0].ok
