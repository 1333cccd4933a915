"""The indicators agent on the real broker and the session's chDB, in a real Faust app run in-process.

Every test counts in months of its own (a random month of 2001-2019), because the app reads the whole clean
topic, other tests' records included; sums are compared only for the test's months and desa.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from kafka.partitioner.default import murmur2
from kafka.producer.future import RecordMetadata

from satudata.events import feed, make_event
from satudata.kafka import BulkProducer, ensure_topics, topic_partitions
from satudata.settings import KafkaSettings, Settings
from satudata.store import Writer
from services.bootstrap import make_faust_app
from services.indicators.agent import register_feed
from services.indicators.bootstrap import methodology
from services.indicators.stored import stored_sums
from tests.integration.faust_runner import running
from tests.integration.indicators.offsets import wait_until_committed

SECRET = "indicators-integration-secret"
CLEAN_TOPIC = feed("child_measurement").clean_topic
DEADLINE_S = 90.0  # a fresh consumer group joins, rebalances and reads the clean topic from its start
DESA = ("5301042003", "5301042004", "5301042005", "5301052001")
STUNTED_CM, NORMAL_CM = 75.0, 90.0  # at 25-26 months: below -3 SD, and above the median, for both sexes


@pytest.fixture(scope="session")
def indicators_bootstrap(kafka_broker: str) -> str:
    ensure_topics(kafka_broker)
    return kafka_broker


# Each test's app is a new consumer group that reads the shared clean topic from its start, so it also counts what
# earlier tests published there. So each test takes months no other test publishes (the property test publishes in
# even years from 2000, the SIGKILL test in 2023, the others in the present) and three months away from the next
# test's: a month and the one after it are its own. (Random months of 2001-2019 met the property test's now and
# then; years before 1972 would give birth dates a ClickHouse Date cannot hold.)
_OWN_MONTHS = (date(year, month, 1) for year in range(2001, 2022, 2) for month in (1, 4, 7, 10))


def own_month() -> date:
    return next(_OWN_MONTHS)


@dataclass(frozen=True)
class Child:
    nik: str | None
    record_id: str  # without a NIK, the agency's record id is the subject: its corrections keep it
    sex: str
    birth_date: date

    @property
    def key(self) -> bytes:
        return (self.nik or f"rec:{self.record_id}").encode()


def make_child(rng: random.Random, period: date, i: int, run: str, *, with_nik: bool = True) -> Child:
    birth = period - timedelta(days=760 + rng.randint(0, 20))
    serial = rng.randint(1, 9999)
    sex = rng.choice("LP")
    day = birth.day + (40 if sex == "P" else 0)
    nik = f"530104{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}" if with_nik else None
    return Child(nik, f"{run}-R{i}", sex, birth)


@dataclass(frozen=True)
class Measurement:
    event_id: str
    child: Child
    measure_date: date
    time: str  # the CloudEvent time, UTC
    desa: str
    stunted: bool

    @property
    def rank(self) -> tuple[date, str, str]:
        return (self.measure_date, self.time, self.event_id)

    def message(self) -> bytes:
        data = {
            "record_id": self.child.record_id,
            "child_nik": self.child.nik,
            "sex": self.child.sex,
            "birth_date": self.child.birth_date.isoformat(),
            "measure_date": self.measure_date.isoformat(),
            "weight_kg": 11.0,
            "height_cm": STUNTED_CM if self.stunted else NORMAL_CM,
            "measure_position": "standing",
            "muac_cm": 14.5,
            "oedema": False,
            "posyandu_id": "P-1",
            "desa_code": self.desa,
        }
        source = f"posyandu/{self.desa}-01"
        event = make_event("child_measurement", data, source=source, event_id=self.event_id)
        event["time"] = self.time
        clean = {"event": event, "reasons": [], "contract": "child_measurement/v1", "validated_at": self.time}
        return orjson.dumps(clean)


def oracle(measurements: Sequence[Measurement]) -> dict[tuple[str, str], tuple[int, int]]:
    """(desa, period) → (stunted, measured): each child's latest measurement of a month, counted by hand."""
    latest: dict[tuple[bytes, date], Measurement] = {}
    for m in measurements:
        key = (m.child.key, m.measure_date.replace(day=1))
        if key not in latest or m.rank > latest[key].rank:
            latest[key] = m
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for (_, period), m in latest.items():
        stunted, measured = totals.get((m.desa, period.isoformat()), (0, 0))
        totals[(m.desa, period.isoformat())] = (stunted + m.stunted, measured + 1)
    return totals


class FlushSignal:
    """The real Writer, telling waiting tests that a flush happened: they wait on the agent, not a clock."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer
        self._flushed = threading.Condition()

    def add(self, table: str, rows: Any, column_names: Sequence[str] | None = None) -> None:
        self._writer.add(table, rows, column_names)

    def flush(self) -> dict[str, int]:
        try:
            return self._writer.flush()
        finally:
            with self._flushed:
                self._flushed.notify_all()

    def wait_for(self, holds: Callable[[], bool], what: str, deadline_s: float = DEADLINE_S) -> None:
        give_up = time.monotonic() + deadline_s
        with self._flushed:
            while not holds():
                remaining = give_up - time.monotonic()
                assert remaining > 0, f"not within {deadline_s} s: {what}"
                self._flushed.wait(remaining)


@dataclass
class Counting:
    """A running indicators app, with what a test needs around it."""

    bootstrap: str
    client: Client
    signal: FlushSignal
    producer: BulkProducer
    run: str
    partitions: int
    rng: random.Random = field(default_factory=random.Random)

    def publish(self, messages: Sequence[tuple[bytes, bytes]]) -> list[RecordMetadata]:
        return self.producer.publish_batch([(CLEAN_TOPIC, key, value) for key, value in messages])

    def publish_measurements(self, measurements: Sequence[Measurement]) -> list[RecordMetadata]:
        return self.publish([(m.child.key, m.message()) for m in measurements])

    def partition_of(self, key: bytes) -> int:
        # The Java client's (and kafka-python's) default partitioner.
        return (murmur2(key) & 0x7FFFFFFF) % self.partitions

    def stunting(self, periods: Sequence[date], indicator: str = "stunting_prevalence") -> dict[Any, Any]:
        """(desa, period) → (numerator, denominator) in ClickHouse over all partitions; zero rows left out."""
        rows = self.client.query(
            "SELECT desa_code, toString(period), sum(numerator), sum(denominator) "
            "FROM satudata.indicator_value FINAL "
            "WHERE indicator = {indicator:String} AND has({periods:Array(Date)}, period) "
            "GROUP BY desa_code, period",
            parameters={"indicator": indicator, "periods": list(periods)},
        ).result_rows
        return {(desa, period): (int(n), int(d)) for desa, period, n, d in rows if (n, d) != (0, 0)}

    def wait_for_stunting(self, periods: Sequence[date], expected: dict[Any, Any], what: str) -> None:
        self.signal.wait_for(lambda: self.stunting(periods) == expected, what)


@contextmanager
def running_counting(
    bootstrap: str, store: Client, folder: Path, run: str, clients: Callable[[], Client]
) -> Iterator[Counting]:
    """An indicators app of consumer group `indicators-test-<run>`; the same run again is the same app restarted."""
    # The agent writes and reads through clients of its own: the test polls `store` meanwhile, and one client's
    # session serves one statement at a time.
    signal = FlushSignal(Writer(clients()))
    settings = Settings(kafka=KafkaSettings(bootstrap=bootstrap), var_dir=folder)
    app = make_faust_app(settings, f"indicators-test-{run}", datadir=folder / "faust")
    register_feed(
        app,
        "child_measurement",
        writer=signal,
        stored=stored_sums(clients()),
        secret=SECRET,
        methodology=methodology(settings),
        batch_size=500,
        batch_seconds=0.2,
    )
    partitions = topic_partitions(bootstrap, [CLEAN_TOPIC])[CLEAN_TOPIC]
    with BulkProducer(bootstrap) as producer, running(app):
        yield Counting(bootstrap, store, signal, producer, run, partitions, random.Random(run))
        wait_until_committed(bootstrap, app.conf.id, CLEAN_TOPIC)


@pytest.fixture
def counting(
    indicators_bootstrap: str, store: Client, tmp_path: Path, chdb_clients: Callable[[], Client]
) -> Iterator[Counting]:
    with running_counting(indicators_bootstrap, store, tmp_path, uuid.uuid4().hex[:10], chdb_clients) as started:
        yield started
