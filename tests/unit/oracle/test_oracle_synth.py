"""The oracle against the synthetic generator's own truth (satudata/synth/truth.py), kabupaten and province.

The truth counts a subject's latest valid record per month by event time; the generator's corrections keep the
record's month, so the doc's (record date, time, id) order gives the same records. Child feeds: the truth
classifies by the z-scores the generator drew, the oracle by WHO's z-scores of the rounded measurements, so a
child near a cut-off (or flagged) may differ; those rows get a small tolerance.
"""

from __future__ import annotations

from typing import Any

import pytest

from satudata.synth import generate
from satudata.synth.welfare import default_extreme_lines
from tests.oracle import PROVINCE, oracle

EXACT_FEEDS = ("pregnancy_check", "family_risk", "bride_screening", "household_welfare", "wash_access")
RATES = {"bad_rate": 0.1, "dup_rate": 0.1, "correction_rate": 0.1, "late_rate": 0.1}


def accepted(events: list[dict[str, Any]], labels: list[str]) -> list[dict[str, Any]]:
    """What the quality gateway lets through: every event whose id was labelled 'bad:*' is rejected (its
    re-sent duplicates carry the label 'duplicate' but the same id)."""
    rejected = {event["id"] for event, label in zip(events, labels, strict=True) if label.startswith("bad:")}
    return [event for event in events if event["id"] not in rejected]


def compare(feed: str, seed: int, month: str = "2025-03", count: int = 400) -> tuple[dict, dict]:
    batch = generate(feed, month=month, count=count, seed=seed, **RATES)
    lines = default_extreme_lines()
    got = oracle(accepted(batch.events, batch.labels), secret="oracle-test", extreme_poverty_line_rp=lines)
    truth = {
        (row["indicator"], row["region"], row["period"] + "-01"): (row["numerator"], row["denominator"])
        for row in batch.truth.indicators
        if row["indicator"] != "validity_rate"
    }
    indicators = {key[0] for key in truth}
    ours = {
        key: value
        for key, value in got.items()
        if key[0] in indicators and (len(key[1]) == 4 or key[1] == PROVINCE)  # kabupaten and province
    }
    return ours, truth


@pytest.mark.parametrize("seed", [7, 2024])
@pytest.mark.parametrize("feed", EXACT_FEEDS)
def test_oracle_equals_synth_truth(feed: str, seed: int) -> None:
    ours, truth = compare(feed, seed)
    assert truth, "the batch must count something"
    assert ours == truth


@pytest.mark.parametrize("seed", [7, 2024])
def test_oracle_child_measurement_close_to_synth_truth(seed: int) -> None:
    ours, truth = compare("child_measurement", seed)
    assert set(ours) <= set(truth)
    exact = 0
    for key, (numerator, denominator) in truth.items():
        got_n, got_d = ours.get(key, (0, 0))
        # WHO z of the rounded measurement against the drawn z: a few children near a cut-off or a flag limit.
        slack = max(2, denominator // 50)
        assert abs(got_d - denominator) <= slack, key
        assert abs(got_n - numerator) <= slack, key
        exact += (got_n, got_d) == (numerator, denominator)
    assert exact >= 0.8 * len(truth)


def test_oracle_on_every_feed_at_once_equals_synth_truth_for_the_exact_feeds() -> None:
    """generate_all: one population, every feed interleaved (population and programme activities too)."""
    batch = generate("all", month="2025-03", count=300, seed=3, **RATES)
    got = oracle(
        accepted(batch.events, batch.labels), secret="oracle-test", extreme_poverty_line_rp=default_extreme_lines()
    )
    rows = [row for row in batch.truth.indicators if row["feed"] in EXACT_FEEDS and row["indicator"] != "validity_rate"]
    assert rows
    for row in rows:
        key = (row["indicator"], row["region"], row["period"] + "-01")
        assert got.get(key, (0, 0)) == (row["numerator"], row["denominator"]), key
    assert got[("weighing_coverage", PROVINCE, "2025-03-01")][1] > 0
    assert got[("convergence_reach", PROVINCE, "2025-03-01")][1] > 0
