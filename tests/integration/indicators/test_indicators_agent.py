"""The indicators agent end to end on the real broker and chDB: ClickHouse holds what hand counting gives."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from clickhouse_connect.driver import Client

from satudata.nik import pseudonymise
from tests.integration.indicators.conftest import (
    DESA,
    SECRET,
    Child,
    Counting,
    Measurement,
    make_child,
    oracle,
    own_month,
    running_counting,
)

pytestmark = pytest.mark.integration


def next_month(period: date) -> date:
    return (period + timedelta(days=32)).replace(day=1)


def facts(counting: Counting, periods: list[date]) -> dict[str, str]:
    """event id → subject hash of the facts of these months."""
    rows = counting.client.query(
        "SELECT event_id, subject_hash FROM satudata.fact_child_measurement FINAL "
        "WHERE has({periods:Array(Date)}, period)",
        parameters={"periods": periods},
    ).result_rows
    return dict(rows)


def test_clickhouse_equals_the_oracle_under_duplicates_corrections_and_any_order(counting: Counting) -> None:
    rng, run = counting.rng, counting.run
    march = own_month()
    april = next_month(march)
    measurements: list[Measurement] = []
    for i in range(40):
        # Every fifth child has no NIK: its corrections keep the agency's record id.
        child = make_child(rng, march, i, run, with_nik=i % 5 != 0)
        for period in (march, april):
            for k in range(rng.randint(1, 3)):  # later ones correct earlier ones, possibly in another desa
                measured = period + timedelta(days=rng.randint(0, 27))
                time = f"{measured.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
                event_id, desa, stunted = f"{run}-{i}-{period:%m}-{k}", rng.choice(DESA), rng.random() < 0.3
                measurements.append(Measurement(event_id, child, measured, time, desa, stunted))
    stream = measurements + rng.sample(measurements, 30)  # redelivered duplicates
    rng.shuffle(stream)  # corrections before what they correct, late records after
    counting.publish_measurements(stream)

    expected = oracle(measurements)
    counting.wait_for_stunting([march, april], expected, "stunting sums equal the oracle")
    # Every stunted child here is below -3 SD, so severe stunting counts the same children.
    assert counting.stunting([march, april], "severe_stunting_prevalence") == expected

    # The facts are the records that count: one per child and month, keyed by the HMAC, never the NIK.
    latest: dict[tuple[bytes, date], Measurement] = {}
    for m in measurements:
        key = (m.child.key, m.measure_date.replace(day=1))
        if key not in latest or m.rank > latest[key].rank:
            latest[key] = m
    winners = {m.event_id: pseudonymise(m.child.key.decode(), SECRET) for m in latest.values()}
    counting.signal.wait_for(lambda: facts(counting, [march, april]) == winners, "facts are the winners")
    stored = counting.client.query(
        "SELECT * FROM satudata.fact_child_measurement FINAL WHERE has({periods:Array(Date)}, period)",
        parameters={"periods": [march, april]},
    ).result_rows
    niks = {m.child.nik for m in measurements if m.child.nik}
    assert not any(nik in str(row) for row in stored for nik in niks)


def test_duplicates_change_nothing_and_only_a_later_measurement_replaces(counting: Counting) -> None:
    rng, run = counting.rng, counting.run
    period = own_month()
    child = make_child(rng, period, 0, run)
    first_desa, second_desa, marker_desa = DESA[0], DESA[1], DESA[3]

    def measured(event_id: str, day: int, desa: str, stunted: bool) -> Measurement:
        on = period.replace(day=day)
        return Measurement(f"{run}-{event_id}", child, on, f"{on.isoformat()}T01:00:00Z", desa, stunted)

    markers = 0

    def marked(partition: int) -> Measurement:
        """A record of another child on `partition`: once it is counted, all before it there was too."""
        nonlocal markers
        while True:
            markers += 1
            marker = Child(None, f"{run}-marker-{markers}", "L", child.birth_date)
            if counting.partition_of(marker.key) == partition:
                on = period.replace(day=2)
                return Measurement(f"{run}-m{markers}", marker, on, f"{on}T00:00:00Z", marker_desa, False)

    # The first measurement counts.
    early = measured("early", 5, first_desa, stunted=True)
    [meta] = counting.publish_measurements([early])
    expected = {(first_desa, period.isoformat()): (1, 1)}
    counting.wait_for_stunting([period], expected, "the first record counts")

    # The same event twice more: nothing changes (the marker behind them proves they were read).
    counting.publish_measurements([early, early, marked(meta.partition)])
    expected = {(first_desa, period.isoformat()): (1, 1), (marker_desa, period.isoformat()): (0, 1)}
    counting.wait_for_stunting([period], expected, "duplicates change nothing")
    assert facts(counting, [period])[early.event_id] == pseudonymise(child.nik or "", SECRET)

    # Measured again later in the month, taller, in another desa: it replaces the first everywhere.
    later = measured("later", 20, second_desa, stunted=False)
    counting.publish_measurements([later])
    expected = {(second_desa, period.isoformat()): (0, 1), (marker_desa, period.isoformat()): (0, 1)}
    counting.wait_for_stunting([period], expected, "the later measurement replaces the earlier")
    counting.signal.wait_for(lambda: later.event_id in facts(counting, [period]), "the later one is the fact")
    assert early.event_id not in facts(counting, [period])

    # A measurement dated between the two, arriving last: it does not replace the later one.
    between = measured("between", 10, first_desa, stunted=True)
    counting.publish_measurements([between, marked(meta.partition)])
    expected[(marker_desa, period.isoformat())] = (0, 2)
    counting.wait_for_stunting([period], expected, "an earlier-dated record arriving late replaces nothing")
    assert between.event_id not in facts(counting, [period])


def test_a_restarted_app_recovers_its_tables_and_still_replaces(
    indicators_bootstrap: str, store: Client, tmp_path: Path, chdb_clients: Callable[[], Client]
) -> None:
    # The tables live in memory and in their changelogs (written in bulk, not by Faust): a restarted app must
    # recover them, or the replacement below would leave the first desa counting a child who moved away.
    run = uuid.uuid4().hex[:10]
    with running_counting(indicators_bootstrap, store, tmp_path, run, chdb_clients) as first:
        period = own_month()
        child = make_child(first.rng, period, 0, run)
        on = period.replace(day=5)
        early = Measurement(f"{run}-early", child, on, f"{on}T01:00:00Z", DESA[0], stunted=True)
        first.publish_measurements([early])
        first.wait_for_stunting([period], {(DESA[0], period.isoformat()): (1, 1)}, "the first record counts")

    with running_counting(indicators_bootstrap, store, tmp_path, run, chdb_clients) as second:
        on = period.replace(day=25)
        later = Measurement(f"{run}-later", child, on, f"{on}T01:00:00Z", DESA[1], stunted=False)
        second.publish_measurements([early, later])
        expected = {(DESA[1], period.isoformat()): (0, 1)}
        second.wait_for_stunting([period], expected, "after a restart, the later record still replaces")
