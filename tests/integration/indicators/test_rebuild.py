"""`satudata indicators rebuild`, end to end on the real broker, real Faust and chDB: the request reaches every
partition of every feed's clean topic, each owner recounts with today's method and answers, and ClickHouse then
holds exactly what the new method gives, while the stream keeps counting.

The change of method is the extreme-poverty line of the households' year, changed in the running service's
Methodology (as a restart with a new SATUDATA_EXTREME_POVERTY_LINE_RP would), so the rebuild is what must bring
ClickHouse along.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client

from satudata import events
from satudata.kafka import BulkProducer, topic_partitions
from satudata.nik import make_kk
from satudata.settings import IndicatorsSettings, KafkaSettings, Settings
from services.bootstrap import make_faust_app
from services.indicators import COUNTED_FEEDS, Indicators, register_indicators
from services.indicators.rebuild import RebuildDone, request_rebuild
from tests.integration.faust_runner import running
from tests.integration.indicators.conftest import DEADLINE_S
from tests.waiting import wait_until

pytestmark = [pytest.mark.integration]

DESA = ("5301042003", "5301042004")
OLD_LINE, NEW_LINE = 300_000, 400_000


def _household(rng: random.Random, year: int, i: int) -> tuple[bytes, bytes, dict[str, Any]]:
    kk = make_kk("530104", date(year - 5, 3, 1), serial=i + 1)
    data = {
        "record_id": f"KK-{year}-{i}",
        "kk_number": kk,
        "head_nik": None,
        "members": rng.randint(1, 7),
        "per_capita_expenditure_rp": rng.choice((250_000, 350_000, 450_000)),
        "welfare_decile": 2,
        "receives_pkh": False,
        "receives_bpnt": False,
        "receives_pbi": False,
        "child_niks": [],
        "reference_date": f"{year}-03-{rng.randint(1, 28):02d}",
        "desa_code": rng.choice(DESA),
    }
    event = events.make_event("household_welfare", data, source="p3ke/5301", event_id=str(uuid.uuid4()))
    clean = {"event": event, "reasons": [], "contract": "household_welfare/v1", "validated_at": event["time"]}
    return kk.encode(), orjson.dumps(clean), data


def _expected(households: list[dict[str, Any]], line: int) -> dict[str, tuple[int, int]]:
    """desa → (people below the line, people), counted by hand: every household is its own subject here."""
    out: dict[str, tuple[int, int]] = {}
    for h in households:
        poor, people = out.get(h["desa_code"], (0, 0))
        below = h["per_capita_expenditure_rp"] < line
        out[h["desa_code"]] = (poor + h["members"] * below, people + h["members"])
    return out


def _observed(client: Client, month: date) -> dict[str, tuple[int, int]]:
    rows = client.query(
        "SELECT desa_code, sum(numerator), sum(denominator) FROM satudata.indicator_value FINAL "
        "WHERE indicator = 'extreme_poverty_rate' AND period = {month:Date} GROUP BY desa_code",
        parameters={"month": month},
    ).result_rows
    return {desa: (int(n), int(d)) for desa, n, d in rows if (n, d) != (0, 0)}


@pytest.fixture
def service(
    indicators_bootstrap: str, store: Client, chdb_clients: Callable[[], Client], tmp_path: Path
) -> Iterator[tuple[Indicators, int]]:
    year = random.Random().randint(1990, 2015)
    settings = Settings(
        kafka=KafkaSettings(bootstrap=indicators_bootstrap),
        var_dir=tmp_path,
        hmac_secret="rebuild-test",
        extreme_poverty_line_rp={year: OLD_LINE},
        indicators=IndicatorsSettings(batch_size=500, batch_seconds=0.2, convergence_interval_s=1.0),
    )
    app = make_faust_app(settings, f"indicators-rebuild-{uuid.uuid4().hex[:8]}", datadir=tmp_path / "faust")
    indicators = register_indicators(app, settings, clients=chdb_clients)
    with running(app):
        yield indicators, year


def test_a_rebuild_recounts_every_partition_with_todays_method(
    indicators_bootstrap: str, store: Client, service: tuple[Indicators, int]
) -> None:
    indicators, year = service
    rng = random.Random(year)
    month = date(year, 3, 1)
    published = [_household(rng, year, i) for i in range(40)]
    with BulkProducer(indicators_bootstrap) as producer:
        producer.publish_batch([(events.feed("household_welfare").clean_topic, k, v) for k, v, _ in published])
    households = [data for _, _, data in published]
    before = _expected(households, OLD_LINE)
    assert any(poor for poor, _ in before.values()) and before != _expected(households, NEW_LINE)
    wait_until(lambda: _observed(store, month) == before, "counted with the old line", DEADLINE_S)

    indicators.convergence.methodology.extreme_poverty_line_rp[year] = NEW_LINE  # the method changes
    answers: list[RebuildDone] = []
    topics = {feed: events.feed(feed).clean_topic for feed in COUNTED_FEEDS}
    with ThreadPoolExecutor(1) as pool:
        rebuilding = pool.submit(
            request_rebuild,
            indicators_bootstrap,
            topics,
            month,
            month,
            timeout_s=DEADLINE_S,
            on_answer=lambda d, _n: answers.append(d),
        )
        # the stream goes on meanwhile: these are counted with the new line whether before or after the request
        more = [_household(rng, year, i) for i in range(40, 60)]
        with BulkProducer(indicators_bootstrap) as producer:
            producer.publish_batch([(events.feed("household_welfare").clean_topic, k, v) for k, v, _ in more])
        done = rebuilding.result()
    households += [data for _, _, data in more]
    wait_until(lambda: _observed(store, month) == _expected(households, NEW_LINE), "all counted", DEADLINE_S)

    partitions = topic_partitions(indicators_bootstrap, list(topics.values()))
    assert {(d.feed, d.partition) for d in done} == {(f, p) for f, t in topics.items() for p in range(partitions[t])}
    assert len(answers) == len(done)
    # the households had sums of that month to rewrite (other feeds may too: tests share the topics)
    assert "household_welfare" in {d.feed for d in done if d.sums}
