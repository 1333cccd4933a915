"""Against the real data contracts: valid synthetic records pass; each fault is quarantined for its rule."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from satudata.settings import Settings
from satudata.synth import generate

quality = pytest.importorskip("services.quality.bootstrap")

# The contract rule(s) each injected fault must raise (a future-dated child is also over five).
EXPECTED: dict[str, Callable[[list[str]], bool]] = {
    "missing_field": lambda rules: len(rules) == 1 and rules[0].endswith("_missing"),
    "wrong_type": lambda rules: len(rules) == 1 and rules[0].endswith("_type"),
    "bad_code": lambda rules: len(rules) == 1 and rules[0].endswith("_unknown"),
    "nik_length": lambda rules: rules == ["nik_format"],
    "nik_birth_date": lambda rules: rules == ["nik_birth_date_mismatch"],
    "nik_sex": lambda rules: rules == ["nik_sex_mismatch"],
    "unknown_desa": lambda rules: rules == ["desa_code_unknown"],
    "implausible": lambda rules: len(rules) == 1 and rules[0].endswith("_out_of_range"),
    "before_birth": lambda rules: rules == ["measure_before_birth"],
    "over_five": lambda rules: rules == ["child_over_five"],
    "future_date": lambda rules: any(rule.endswith("_in_future") for rule in rules),
    "kk_length": lambda rules: rules == ["kk_format"],
    "bad_activity": lambda rules: rules == ["activity_type_not_in_programme"],
}


@pytest.mark.slow
@pytest.mark.parametrize("feed", quality.CONTRACTED_FEEDS)
def test_contract_verdicts_match_the_labels(feed: str) -> None:
    validator = quality.validator_factory(Settings())(feed)
    # A month in the past, as the contract's "not in the future" rules (real clock) need.
    rates = {"bad_rate": 0.3, "correction_rate": 0.05, "late_rate": 0.05}
    batch = generate(feed, month="2026-10", count=1000, seed=9, **rates)
    verdicts = validator.validate(batch.events)
    for event, label, verdict in zip(batch.events, batch.labels, verdicts, strict=True):
        if label.startswith("bad:"):
            assert not verdict.ok, (label, event["data"])
            assert EXPECTED[label[4:]](verdict.rules), (label, verdict.rules, event["data"])
        else:
            assert verdict.ok and verdict.reasons == [], (label, verdict.rules, event["data"])
