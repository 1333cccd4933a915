"""Every feed's contract: the file against the feed registry and its README, its examples and a synthetic batch
judged by the real GX validator."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from satudata.events import FEEDS, feed
from satudata.nik import DEFAULT_SEVERITY, NIK_REASON_CODES
from satudata.nik.reasons import issue
from satudata.synth import faults, generate
from services.quality.bootstrap import CONTRACTED_FEEDS
from services.quality.contract import ContractValidator
from services.quality.examples import check_feed, examples_dir, read_examples
from services.quality.expectations import CUSTOM_TYPES
from services.quality.prepare import _ACCEPTS
from services.quality.suite import ContractFile, contract_path, contracts_dir, read_contract
from tests.unit.quality.support import Clock

FEED_NAMES = sorted(FEEDS)
SIXTEEN_DIGITS = b"[0-9]{16}"


def contract_of(name: str) -> ContractFile:
    f = feed(name)
    return read_contract(f, contract_path(f, contracts_dir()))


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def validators(clock: Clock) -> dict[str, ContractValidator]:
    return {name: ContractValidator(contract_of(name), today=clock) for name in FEED_NAMES}


def test_every_feed_has_a_contract_and_is_served() -> None:
    assert set(CONTRACTED_FEEDS) == set(FEEDS)
    for name in FEED_NAMES:
        assert contract_path(feed(name), contracts_dir()).is_file(), name


# The contract file against the feed registry, the NIK module and its README (no GX needed)


@pytest.mark.parametrize("name", FEED_NAMES)
def test_required_and_type_rules_follow_the_feed_registry(name: str) -> None:
    f = feed(name)
    rules = {e["meta"]["rule"]: e for e in contract_of(name).suite["expectations"]}
    required = {x.name for x in f.fields if not x.nullable}
    not_null = {r for r, e in rules.items() if e["type"] == "expect_column_values_to_not_be_null"}
    assert {r.removesuffix("_missing") for r in not_null} == required
    for field in f.fields:
        typed = rules[f"{field.name}_type"]
        assert typed["kwargs"]["column"] == f"_{field.name}_json_type"
        assert set(typed["kwargs"]["value_set"]) == _ACCEPTS[field.kind], field.name


@pytest.mark.parametrize("name", FEED_NAMES)
def test_identifier_and_desa_rules_are_custom_expectations(name: str) -> None:
    f = feed(name)
    contract = contract_of(name)
    by_rule = {e["meta"]["rule"]: e for e in contract.suite["expectations"]}
    assert by_rule["desa_code_unknown"]["type"] == "expect_column_values_to_be_known_desa_code"
    # Derived columns only carry what GX cannot know (today, ages); identifiers and regions are custom expectations.
    columns = {e["kwargs"].get("column") for e in contract.suite["expectations"]} - {None}
    derived = {c for c in columns if c.startswith("_") and not c.endswith("_json_type")}
    dates = [x.name for x in f.fields if x.kind == "date"]
    allowed = {"_unknown_field_count", "_age_days", "_age_years", f"_{f.date_field}_years_in_future"}
    allowed |= {f"_{d}_is_date" for d in dates} | {f"_{d}_days_in_future" for d in dates}
    assert derived <= allowed
    niks = [x.name for x in f.fields if x.kind == "nik"]
    reasons = {r.rule: r for r in contract.reasons}
    for code in NIK_REASON_CODES if niks else ():
        if code in reasons:  # agreement with birth date or sex only where the feed records them
            assert (reasons[code].severity, reasons[code].message_id, reasons[code].message_en) == (
                DEFAULT_SEVERITY[code],
                issue(code).message_id,
                issue(code).message_en,
            )
    for field in niks:
        checks = {e["kwargs"]["check"] for e in by_rule.values() if e["type"] == "expect_column_values_to_be_valid_nik"}
        assert checks == {c for c in NIK_REASON_CODES if not c.endswith("_mismatch")}, field
    if "birth_date" in f.field_names and niks:
        assert by_rule["nik_birth_date_mismatch"]["kwargs"] == {"column_A": f.subject_key[0], "column_B": "birth_date"}


@pytest.mark.parametrize("name", FEED_NAMES)
def test_every_type_is_gx_core_or_ours(name: str) -> None:
    import great_expectations.expectations.core as core

    known = {getattr(core, n).__name__ for n in dir(core) if n.startswith("Expect")}
    snake = {"".join("_" + c.lower() if c.isupper() else c for c in n).lstrip("_") for n in known}
    for e in contract_of(name).suite["expectations"]:
        assert e["type"] in snake or e["type"] in CUSTOM_TYPES, e["type"]


@pytest.mark.parametrize("name", FEED_NAMES)
def test_readme_lists_every_rule_with_its_severity_and_messages(name: str) -> None:
    contract = contract_of(name)
    readme = (Path(contract.path).parent / "README.md").read_text()
    for reason in contract.reasons:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{reason.rule}` |")), None)
        assert row is not None, reason.rule
        assert f"| {reason.severity} |" in row, reason.rule
        assert reason.message_id in row and reason.message_en in row, reason.rule


# Through Great Expectations


@pytest.mark.parametrize("name", FEED_NAMES)
def test_examples_are_judged_as_they_say(name: str) -> None:
    contract = contract_of(name)
    result = check_feed(contract, contracts_dir())
    assert result.error is None
    assert result.loaded == len(contract.reasons)
    assert result.mismatches == []
    assert result.uncovered == []
    assert result.good >= 3
    assert result.bad >= len(contract.reasons)


@pytest.mark.parametrize("name", FEED_NAMES)
def test_no_reason_carries_a_nik(name: str, validators: dict[str, ContractValidator]) -> None:
    import re

    bad = read_examples(examples_dir(contracts_dir(), name) / "bad.ndjson")
    for verdict in validators[name].validate([e.event for e in bad]):
        for reason in verdict.reasons:
            assert not re.search(SIXTEEN_DIGITS, orjson.dumps(reason.to_dict()))


def _one(suffix: str) -> Callable[[list[str], Any], bool]:
    return lambda errors, _f: len(errors) == 1 and errors[0].endswith(suffix)


def _future(errors: list[str], f: Any) -> bool:
    # A year typo (2026 -> 2062) also makes a person implausibly old: the age rule may come along, nothing else.
    ages = {"child_over_five", "mother_age_out_of_range", "age_out_of_range"}
    return errors[0] == f"{f.date_field}_in_future" and set(errors[1:]) <= ages


# What each synthetic fault kind (satudata/synth/faults.py and the feeds' own spoilers) must be judged as.
FAULT_RULES: dict[str, Callable[[list[str], Any], bool]] = {
    "missing_field": _one("_missing"),
    "wrong_type": _one("_type"),
    "bad_code": _one("_unknown"),
    "implausible": _one("_out_of_range"),
    "future_date": _future,
    "unknown_desa": lambda errors, _f: errors == ["desa_code_unknown"],
    "nik_length": lambda errors, _f: errors == ["nik_format"],
    "kk_length": lambda errors, _f: errors == ["kk_format"],
    "nik_birth_date": lambda errors, _f: errors == ["nik_birth_date_mismatch"],
    "nik_sex": lambda errors, _f: errors == ["nik_sex_mismatch"],
    "bad_activity": lambda errors, _f: errors == ["activity_type_not_in_programme"],
    "before_birth": lambda errors, _f: errors == ["measure_before_birth"],
    "over_five": lambda errors, _f: errors == ["child_over_five"],
}


# The feeds' own fault kinds (Draft.spoilers), beside the generic ones of faults.generic.
OWN_FAULTS: dict[str, set[str]] = {
    "child_measurement": {"before_birth", "over_five", "implausible", "nik_birth_date", "nik_sex"},
    "pregnancy_check": {"implausible", "nik_birth_date"},
    "family_risk": set(),
    "bride_screening": {"implausible", "nik_birth_date", "nik_sex"},
    "household_welfare": {"implausible"},
    "wash_access": set(),
    "program_activity": {"implausible", "bad_activity"},
    "population": {"implausible"},
}


@pytest.mark.parametrize("name", FEED_NAMES)
def test_a_synthetic_batch_is_judged_as_its_labels_say(
    name: str, validators: dict[str, ContractValidator], clock: Clock
) -> None:
    mixed = generate(name, month="2026-09", count=300, seed=23, bad_rate=0.1)
    # A second, all-bad batch in the same GX call, so that every fault kind of the feed is judged.
    faulty = generate(name, month="2026-09", count=200, seed=24, bad_rate=1.0)
    events, labels = mixed.events + faulty.events, mixed.labels + faulty.labels
    clock.fixed = date(2026, 10, 31)  # after every record's date
    try:
        verdicts = validators[name].validate(events)
    finally:
        clock.fixed = None
    f = feed(name)
    seen: Counter[str] = Counter()
    for label, verdict in zip(labels, verdicts, strict=True):
        if not label.startswith("bad:"):
            assert verdict.ok and verdict.reasons == [], (label, verdict.rules)
            continue
        kind = label.removeprefix("bad:")
        seen[kind] += 1
        errors = [r.rule for r in verdict.reasons if r.severity == "error"]
        assert not verdict.ok, label
        assert FAULT_RULES[kind](errors, f), (label, verdict.rules)
    assert sum(seen.values()) == 30 + 200, seen
    assert set(seen) == set(faults.generic(f)) | OWN_FAULTS[name], seen
