"""Property: whatever mix of good, bad, duplicated, corrected and late records of any feeds is published, every
distinct event ends in exactly one place (clean or quarantined, never both) and every injected fault is
quarantined for the rule it breaks. Real broker, real Faust, real GX contracts, real chDB.

Hypothesis draws the feeds, the sizes, the seeds and the injection rates; the synthetic generator labels each
record with what it is, which is the oracle the gateway's verdicts are compared with.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from satudata import events
from satudata.kafka import BulkProducer
from satudata.settings import KafkaSettings, Settings
from satudata.store import Writer
from satudata.synth import generate
from services.bootstrap import make_faust_app
from services.quality.agent import register
from services.quality.bootstrap import validator_factory
from tests.integration.faust_runner import running
from tests.unit.quality.test_contracts_all import FAULT_RULES

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DEADLINE_S = 120.0
MONTH = "2026-09"  # wholly in the past, so no valid record is "in the future" whenever the test runs


@pytest.fixture(scope="module")
def gateway(quality_bootstrap: str, clickhouse: Client, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("conservation")
    config = Settings(kafka=KafkaSettings(bootstrap=quality_bootstrap), var_dir=tmp, hmac_secret="conservation")
    app = make_faust_app(config, f"quality-conservation-{uuid.uuid4().hex[:8]}", datadir=tmp / "faust")
    register(
        app,
        feeds=list(events.FEEDS),
        validator_for=validator_factory(config),
        store_writer=Writer(clickhouse),
        batch_size=2000,
        batch_seconds=0.3,
        memory_secret=config.hmac_secret,
        late_after_days=30,
        reader=clickhouse,
    )
    with running(app):
        yield quality_bootstrap


def _publish(bootstrap: str, run: str, evs: list[dict[str, Any]]) -> None:
    records = []
    for event in evs:
        event = {**event, "id": f"{run}-{event['id']}"}  # this example's events only, whatever ran before
        feed = events.feed_for_type(event["type"])
        assert feed is not None
        records.append((feed.raw_topic, str(event.get("subject") or "").encode(), orjson.dumps(event)))
    with BulkProducer(bootstrap) as producer:
        producer.publish_batch(records)


def _outcomes(store: Client, run: str, expected: int) -> dict[str, tuple[str, list[str]]]:
    sql = "SELECT event_id, outcome, errors FROM satudata.record_outcome FINAL WHERE startsWith(event_id, {run:String})"
    deadline = time.monotonic() + DEADLINE_S
    while True:
        rows = store.query(sql, parameters={"run": f"{run}-"}).result_rows
        if len(rows) >= expected:
            return {row[0]: (row[1], list(row[2])) for row in rows}
        assert time.monotonic() < deadline, f"{len(rows)} of {expected} events judged within {DEADLINE_S} s"
        time.sleep(0.2)


mixes = st.lists(
    st.tuples(
        st.sampled_from(sorted(events.FEEDS)),
        st.integers(min_value=5, max_value=60),  # records
        st.integers(min_value=0, max_value=10_000),  # seed
        st.floats(min_value=0.0, max_value=0.4),  # bad
        st.floats(min_value=0.0, max_value=0.2),  # duplicates
        st.floats(min_value=0.0, max_value=0.2),  # corrections
        st.floats(min_value=0.0, max_value=0.2),  # late
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mix=mixes)
def test_every_event_ends_in_exactly_one_place_with_its_reasons(gateway: str, clickhouse: Client, mix: list) -> None:
    run = uuid.uuid4().hex[:10]
    published: list[dict[str, Any]] = []
    labels: dict[str, str] = {}
    for name, count, seed, bad, dup, correction, late in mix:
        batch = generate(
            name, month=MONTH, count=count, seed=seed, bad_rate=bad, dup_rate=dup, correction_rate=correction,
            late_rate=late,
        )  # fmt: skip
        published += batch.events
        for event, label in zip(batch.events, batch.labels, strict=True):
            if label != "duplicate":  # a duplicate is judged as the event it repeats
                labels[f"{run}-{event['id']}"] = label
    _publish(gateway, run, published)

    outcomes = _outcomes(clickhouse, run, len(labels))
    # Conservation: one outcome per distinct event, nothing more, nothing less.
    assert set(outcomes) == set(labels)
    quarantined = {i for i, (outcome, _) in outcomes.items() if outcome == "quarantined"}
    stored = {
        row[0]
        for row in clickhouse.query(
            "SELECT event_id FROM satudata.quarantine FINAL WHERE startsWith(event_id, {run:String})",
            parameters={"run": f"{run}-"},
        ).result_rows
    }
    assert stored == quarantined  # no record in both: the quarantine holds exactly the quarantined events

    for event_id, label in labels.items():
        outcome, errors = outcomes[event_id]
        if label.startswith("bad:"):
            feed = events.feed(next(e for e in published if f"{run}-{e['id']}" == event_id)["type"].split(".")[-2])
            assert outcome == "quarantined", (label, errors)
            assert FAULT_RULES[label.removeprefix("bad:")](errors, feed), (label, errors)
        else:
            assert (outcome, errors) == ("clean", []), (label, errors)
