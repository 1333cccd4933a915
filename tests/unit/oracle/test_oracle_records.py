"""The strategies of tests/oracle/records.py: their batches pass the contracts, and the oracle's answer on them
does not depend on arrival order or repeats, and sums up the region hierarchy."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satudata.events import feed_for_type
from tests.oracle import PROVINCE, oracle
from tests.oracle.records import LINES, SECRET, Batch, batches

YEAR = 2024
PROFILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(events: list[dict[str, Any]], months: list[str]) -> dict:
    return oracle(events, secret=SECRET, extreme_poverty_line_rp=LINES, months=months)


@PROFILE
@given(batches(YEAR))
def test_order_and_repeats_change_nothing(batch: Batch) -> None:
    expected = run(batch.events, batch.months)
    shuffled = batch.events * 2
    random.Random(len(batch.events)).shuffle(shuffled)
    assert run(shuffled, batch.months) == expected


@PROFILE
@given(batches(YEAR))
def test_regions_sum_up_and_nothing_is_empty(batch: Batch) -> None:
    result = run(batch.events, batch.months)
    assert all(n or d for n, d in result.values())
    assert all(period[:7] in batch.months for _, _, period in result)
    by_level: dict[tuple[str, str, int], list[int]] = defaultdict(lambda: [0, 0])
    for (indicator, region, period), (n, d) in result.items():
        if len(region) == 10:
            for parent in (region[:6], region[:4], PROVINCE):
                by_level[(indicator, parent, period)][0] += n
                by_level[(indicator, parent, period)][1] += d
    for key, (n, d) in by_level.items():
        assert result.get(key) == (n, d), key
    # Every joined and stream indicator the universe can produce shows up somewhere in most batches; at least
    # the feeds drawn every month do.
    assert any(key[0] == "stunting_prevalence" for key in result) or not any(
        label == "base" and event["type"].endswith("child_measurement.v1")
        for event, label in zip(batch.events, batch.labels, strict=True)
    )


@PROFILE
@given(batches(YEAR))
def test_batches_hold_the_promised_cases(batch: Batch) -> None:
    ids = [event["id"] for event in batch.events]
    assert len(set(ids)) == len(ids) - batch.labels.count("duplicate")
    first = date.fromisoformat(batch.months[0] + "-01")
    for event, label in zip(batch.events, batch.labels, strict=True):
        if label == "late":
            assert event["data"]["measure_date"] < batch.months[1]
            assert event["data"]["measure_date"] >= first.isoformat()


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    from satudata.events import FEEDS
    from services.quality.contract import ContractValidator
    from services.quality.suite import contract_path, contracts_dir, read_contract

    return {
        name: ContractValidator(read_contract(f, contract_path(f, contracts_dir())), today=lambda: date(YEAR + 1, 6, 1))
        for name, f in FEEDS.items()
    }


@pytest.mark.slow
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(drawn=st.lists(batches(YEAR), min_size=6, max_size=6))
def test_batches_pass_the_contracts(validators: dict[str, Any], drawn: list[Batch]) -> None:
    # Several batches per validation: GX costs about the same for 10 records or 1,000.
    by_feed: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for batch in drawn:
        for event in batch.events:
            feed = feed_for_type(event["type"])
            assert feed is not None
            by_feed[feed.name].append(event)
    for name, events in by_feed.items():
        for event, verdict in zip(events, validators[name].validate(events), strict=True):
            assert verdict.ok, (name, verdict.rules, event["data"])
