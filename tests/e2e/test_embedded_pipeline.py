"""The whole pipeline, end to end, as a user runs it: `satudata up` in a child process (its own local Kafka broker,
embedded ClickHouse, ingest, quality, indicators and api), fed over the ingest HTTP API, read back over the API.

Nothing is faked. The expected numbers come from the synthetic generator's truth file (counted from the true z-scores
it drew, not by the code under test) or, for the single-child cases, from the WHO LMS inverse in the test.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from satudata.growth import age_in_days, measurement_for_z
from satudata.synth import generate, generate_all
from services.selftest import Report, Stack, embedded_stack, expected, observed, publish, topic_sizes
from tests import waiting

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEADLINE_S = 120.0
TRUTH_MONTH = "2026-09"
SINGLE_MONTH = "2026-08"
MARKER_MONTH = "2026-07"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with embedded_stack(Path(tmp_path_factory.mktemp("e2e"))) as running:
        yield running


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float = DEADLINE_S) -> None:
    waiting.wait_until(condition, what, deadline_s)


def stunting(stack: Stack, month: str, region: str = "53") -> tuple[int, int]:
    body = httpx.get(
        f"{stack.api}/v1/indicators/stunting_prevalence",
        params={"region": region, "period": month},
        headers=stack.headers,  # the self-test's admin key: single-child cells are below the public threshold
        timeout=10,
    ).json()
    return body["numerator"], body["denominator"]


def post(stack: Stack, events: list[dict[str, Any]]) -> httpx.Response:
    return httpx.post(f"{stack.ingest}/v1/events", json=events, headers=stack.headers, timeout=30)


def test_a_synthetic_month_of_every_feed_equals_the_truth_and_nothing_is_lost(stack: Stack) -> None:
    batch = generate_all(
        month=TRUTH_MONTH,
        count=600,
        seed=11,
        bad_rate=0.04,
        dup_rate=0.03,
        correction_rate=0.04,
        late_rate=0.03,
    )
    raw_before = sum(topic_sizes(stack.bootstrap))
    report = Report(month=TRUTH_MONTH)
    publish(stack.ingest, batch.events, report, stack.headers)
    assert report.problems == []
    want = expected(batch)
    assert want[("stunting_prevalence", "53")][1] > 400  # the truth really covers the month
    assert {indicator for indicator, _ in want} >= {"extreme_poverty_rate", "family_risk_rate", "safe_water_rate"}

    def settled() -> bool:
        raw, clean, quarantined = topic_sizes(stack.bootstrap)
        got = observed(stack.api, TRUTH_MONTH, stack.headers)
        return raw == clean + quarantined and all(got.get(key) == value for key, value in want.items())

    wait_until(settled, "every indicator of every kabupaten equals the truth, and raw = clean + quarantined")
    raw, _, quarantined = topic_sizes(stack.bootstrap)
    assert raw - raw_before == report.accepted  # everything accepted reached the raw topic, once
    bad = sum(label.startswith("bad:") for label in batch.labels)
    assert quarantined >= bad > 0  # every injected fault was quarantined (duplicates of bad ones too)


def _older_child(month: str, seed: int) -> dict[str, Any]:
    """A good synthetic measurement of a child aged 2-4 years, measured standing, without oedema."""
    batch = generate("child_measurement", month=month, count=300, seed=seed)
    for event, label in zip(batch.events, batch.labels, strict=True):
        data = event["data"]
        age = age_in_days(date.fromisoformat(data["birth_date"]), date.fromisoformat(data["measure_date"]))
        standing = data["measure_position"] == "standing" and not data["oedema"]
        early_in_month = int(data["measure_date"][8:10]) < 20  # room for corrections later in the month
        if label == "good" and 800 < age < 1700 and standing and data["child_nik"] is not None and early_in_month:
            return event
    raise AssertionError("no suitable child in the synthetic batch")


def _with_height_at_z(event: dict[str, Any], z: float, *, later_days: int) -> dict[str, Any]:
    """A correction: same child and record id, measured `later_days` later in the month, height at WHO z."""
    corrected = copy.deepcopy(event)
    data = corrected["data"]
    measured = date.fromisoformat(data["measure_date"]).replace(day=int(data["measure_date"][8:10]) + later_days)
    age = age_in_days(date.fromisoformat(data["birth_date"]), measured)
    sex = 1 if data["sex"] == "L" else 2
    height = float(measurement_for_z("length_height_for_age", [sex], [age], [z])[0])
    weight = float(measurement_for_z("weight_for_height", [sex], [round(height, 1)], [0.0])[0])
    data.update(measure_date=measured.isoformat(), height_cm=round(height, 1), weight_kg=round(weight, 1))
    corrected["id"] = str(uuid.uuid4())
    return corrected


def test_a_duplicate_changes_nothing_and_a_later_measurement_replaces_the_earlier(stack: Stack) -> None:
    child = _older_child(SINGLE_MONTH, seed=5)
    tall = _with_height_at_z(child, 0.5, later_days=0)  # zlen +0.5: not stunted, whatever the original was
    kabupaten = child["data"]["desa_code"][:4]
    assert post(stack, [tall]).status_code == 202
    wait_until(lambda: stunting(stack, SINGLE_MONTH) == (0, 1), "the child counted once, not stunted")

    _, clean_before, _ = topic_sizes(stack.bootstrap)
    assert post(stack, [tall]).status_code == 202  # the same event again: a redelivery
    wait_until(lambda: topic_sizes(stack.bootstrap)[1] == clean_before + 1, "the duplicate passed quality")
    # The duplicate has been through quality; the indicators flush within a batch interval. Still one child.
    stunted = _with_height_at_z(child, -3.5, later_days=3)  # zlen -3.5: stunted (and severely), not flagged
    assert post(stack, [stunted]).status_code == 202
    wait_until(lambda: stunting(stack, SINGLE_MONTH) == (1, 1), "the later measurement replaced the earlier")
    assert stunting(stack, SINGLE_MONTH, region=kabupaten) == (1, 1)

    earlier = _with_height_at_z(child, 0.5, later_days=1)  # measured before the stunted one, arriving after it
    # A marker behind it: the same child (so the same partition, processed in order) in the month before.
    marker = copy.deepcopy(tall)
    marker["id"] = str(uuid.uuid4())
    marker["data"]["measure_date"] = MARKER_MONTH + marker["data"]["measure_date"][7:]
    assert post(stack, [earlier, marker]).status_code == 202
    wait_until(lambda: stunting(stack, MARKER_MONTH) == (0, 1), "the marker behind the earlier record counted")
    assert stunting(stack, SINGLE_MONTH) == (1, 1)  # the earlier-dated record did not replace the later one
