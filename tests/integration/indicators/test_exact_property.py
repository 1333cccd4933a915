"""Property: whatever valid records of all eight feeds are published to the raw topics (duplicates, corrections,
late records included), ClickHouse ends up holding exactly what the independent oracle (tests/oracle) counts, for
every indicator (convergence_reach included), every desa, kecamatan, kabupaten and the province, every month.

One real Faust app runs for the whole test with the quality gateway and the indicators service registered on it,
on the session's broker and chDB. Each example is drawn over a year of its own (2000, 2002, ...: the population
contract refuses years before 2000, and two years apart so that neither the 12 months convergence looks back nor
a population year reaches another example), so the examples never meet in the cumulative state; the app reads
the topics from their start, so other tests' records of other months are counted too and left out of the
comparison, which keeps to the example's months and the regions of its desas.
"""

from __future__ import annotations

import itertools
import time
import traceback
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from satudata import events
from satudata.kafka import BulkProducer
from satudata.settings import IndicatorsSettings, KafkaSettings, QualitySettings, Settings
from satudata.store import Writer
from services.bootstrap import make_faust_app
from services.indicators.bootstrap import Indicators, register_indicators
from services.quality.bootstrap import register_quality
from tests.integration.faust_runner import running
from tests.integration.indicators.offsets import wait_until_committed
from tests.oracle import PROVINCE, Key, Value, oracle
from tests.oracle.indicators import regions_of
from tests.oracle.records import LINES, SECRET, Batch, batches

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: The first example also waits for the app to join, recover and read what other tests left on the topics.
DEADLINE_S = 150.0
POLL_S = 0.25
#: Years of their own, two apart; the last whose every month is in the past whenever this runs (from 2025 on).
FIRST_YEAR, LAST_YEAR, YEAR_STEP = 2000, 2024, 2
_years = itertools.count(FIRST_YEAR, YEAR_STEP)


@dataclass
class Pipeline:
    bootstrap: str
    app_id: str
    reader: Client  # a client of its own on the session's chDB folder: the app's client serves the app
    producer: BulkProducer
    indicators: Indicators


@pytest.fixture
def pipeline(
    indicators_bootstrap: str, store: Client, chdb_clients: Callable[[], Client], tmp_path: Path
) -> Iterator[Pipeline]:
    """Quality and indicators on one Faust app, as `satudata up` composes them (services/embedded.py)."""
    config = Settings(
        kafka=KafkaSettings(bootstrap=indicators_bootstrap),
        var_dir=tmp_path,
        hmac_secret=SECRET,
        extreme_poverty_line_rp=LINES,
        quality=QualitySettings(batch_size=500, batch_seconds=0.2),
        indicators=IndicatorsSettings(batch_size=500, batch_seconds=0.2, convergence_interval_s=0.5),
    )
    app_id = f"indicators-exact-{uuid.uuid4().hex[:8]}"
    app = make_faust_app(config, app_id, datadir=tmp_path / "faust")
    register_quality(app, config, store=Writer(store))
    indicators = register_indicators(app, config, clients=chdb_clients)
    reader = chdb_clients()
    with BulkProducer(indicators_bootstrap) as producer, running(app):
        yield Pipeline(indicators_bootstrap, app_id, reader, producer, indicators)
        # Idle before stopping: Faust's shutdown has been seen to hang on a batch in flight (offsets.py).
        for feed in events.FEEDS.values():
            wait_until_committed(indicators_bootstrap, app_id, feed.clean_topic)


def _publish(pipeline: Pipeline, evs: list[dict[str, Any]]) -> None:
    """Every event to its feed's raw topic, keyed by its subject (the desa code), in the strategy's order."""
    records = []
    for event in evs:
        feed = events.feed_for_type(event["type"])
        assert feed is not None
        records.append((feed.raw_topic, str(event.get("subject") or "").encode(), orjson.dumps(event)))
    pipeline.producer.publish_batch(records)


def _outcomes(reader: Client, ids: list[str]) -> list[tuple[str, str]]:
    return [
        (str(event_id), str(outcome))
        for event_id, outcome in reader.query(
            "SELECT event_id, outcome FROM satudata.record_outcome FINAL WHERE has({ids:Array(String)}, event_id)",
            parameters={"ids": ids},
        ).result_rows
    ]


def _stored(reader: Client, months: list[date]) -> dict[Key, Value]:
    """(indicator, region, 'YYYY-MM-01') -> summed over feed and partition, and up the hierarchy by the region
    columns; cells of 0/0 left out, like the oracle."""
    rows = reader.query(
        "SELECT indicator, toString(period), desa_code, kecamatan_code, kabupaten_code, "
        "sum(numerator), sum(denominator) FROM satudata.indicator_value FINAL "
        "WHERE has({months:Array(Date)}, period) "
        "GROUP BY indicator, period, desa_code, kecamatan_code, kabupaten_code",
        parameters={"months": months},
    ).result_rows
    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for indicator, period, desa, kecamatan, kabupaten, numerator, denominator in rows:
        for region in (desa, kecamatan, kabupaten, PROVINCE):
            total = totals[(str(indicator), str(region), str(period))]
            total[0] += int(numerator)
            total[1] += int(denominator)
    return {key: (n, d) for key, (n, d) in totals.items() if n or d}


def _within(cells: dict[Key, Value], regions: set[str]) -> dict[Key, Value]:
    return {key: value for key, value in cells.items() if key[1] in regions}


def _differences(got: dict[Key, Value], want: dict[Key, Value]) -> dict[Key, tuple[Value, Value]]:
    """key -> (stored, oracle), a missing cell being (0, 0)."""
    return {
        key: (got.get(key, (0, 0)), want.get(key, (0, 0)))
        for key in sorted(set(got) | set(want))
        if got.get(key, (0, 0)) != want.get(key, (0, 0))
    }


def _wait_for_outcomes(pipeline: Pipeline, ids: list[str], give_up: float) -> list[tuple[str, str]]:
    while True:
        found = _outcomes(pipeline.reader, ids)
        if len(found) >= len(ids):
            return found
        assert time.monotonic() < give_up, f"{len(found)} of {len(ids)} events judged within {DEADLINE_S} s"
        time.sleep(POLL_S)


def _convergence_error(pipeline: Pipeline, months: list[date]) -> str:
    """The convergence timer logs only the type of its failure: one run here, to show it in full."""
    try:
        convergence = pipeline.indicators.convergence
        convergence.write(sorted(convergence.changed_months(None) | set(months)), datetime.now(UTC))
    except Exception:
        return "convergence fails:\n" + traceback.format_exc()
    return "convergence runs without error"


def _wait_for_oracle(pipeline: Pipeline, batch: Batch, want: dict[Key, Value], give_up: float) -> None:
    months = [date.fromisoformat(f"{m}-01") for m in batch.months]
    regions = {region for desa in batch.universe.desas for region in regions_of(desa)}
    while True:
        got = _within(_stored(pipeline.reader, months), regions)
        differences = _differences(got, want)
        if not differences:
            return
        if time.monotonic() >= give_up:
            shown = "\n".join(f"  {key}: stored {s}, oracle {o}" for key, (s, o) in list(differences.items())[:60])
            pytest.fail(
                f"year {batch.universe.year}, months {batch.months}: {len(differences)} cells differ from the "
                f"oracle after {DEADLINE_S} s (key: stored, oracle):\n{shown}\n{_convergence_error(pipeline, months)}"
            )
        time.sleep(POLL_S)


@settings(
    max_examples=8,
    deadline=None,
    # Each example spends a year of its own (a finite supply), so a failure is reported as drawn, not shrunk.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one app for the whole test, on purpose
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_clickhouse_equals_the_oracle_for_every_indicator_region_and_month(
    pipeline: Pipeline, data: st.DataObject
) -> None:
    year = next(_years)
    assert year <= LAST_YEAR, "out of years of their own: lower max_examples or widen the range"
    batch = data.draw(batches(year), label=f"batch of {year}")
    want = oracle(batch.events, secret=SECRET, extreme_poverty_line_rp=LINES, months=batch.months)
    # Not vacuous: some numerator is not zero (the stored cells must equal these below).
    assert any(numerator for numerator, _ in want.values()), "the example counts nothing"
    give_up = time.monotonic() + DEADLINE_S

    _publish(pipeline, batch.events)

    # Every distinct event judged once, and clean: the oracle counts them all.
    ids = sorted({str(event["id"]) for event in batch.events})
    outcomes = _wait_for_outcomes(pipeline, ids, give_up)
    assert sorted(event_id for event_id, _ in outcomes) == ids  # exactly one row per event
    assert {event_id: o for event_id, o in outcomes if o != "clean"} == {}

    _wait_for_oracle(pipeline, batch, want, give_up)
