"""The quality agents: raw topic → contract and memory → clean or quarantine topic (and, given a store,
ClickHouse rows), a metric event per feed × source of each batch on the quality topic, and the alert timer.

A thin shell around `routing.route`: Faust delivers a batch (size or time, whichever first), routing decides
everything, and this module only produces, stores and logs. Offsets are acknowledged when the loop moves to
the next batch (`take_events`), i.e. after every message of this one was confirmed by the broker, its rows
were flushed and memory's changed keys were in their changelogs: a crash replays the batch (at least once;
consumers dedupe by event id, and memory knows a replayed message by its Kafka position).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import faust
import orjson
from clickhouse_connect.driver import Client
from faust.types import AgentT, StreamT

from satudata import events
from satudata.kafka import batches
from satudata.logs import get_logger
from satudata.retry import until_done
from satudata.store import Store
from services.quality.alerts import ALERT_COLUMNS, Alert, Thresholds, evaluator_mismatch_alert
from services.quality.compiled import CompiledValidator
from services.quality.memory import Memory
from services.quality.metrics import batch_metrics
from services.quality.routing import (
    QUARANTINE_COLUMNS,
    Incoming,
    Outgoing,
    Routed,
    Validator,
    route,
)
from services.quality.rows import CONFLICT_COLUMNS, OUTCOME_COLUMNS
from services.quality.watch import ALERTS_TABLE, Watcher
from services.quality.webhook import Webhook

QUARANTINE_TABLE = "quarantine"
OUTCOME_TABLE = "record_outcome"
CONFLICTS_TABLE = "conflicts"
DEFAULT_MAX_EVENT_BYTES = 64 * 1024

log = get_logger(__name__)


class Gateway:
    """One feed's batch path, apart from how Faust delivers it."""

    def __init__(
        self,
        app: faust.App,
        validator: Validator,
        *,
        store: Store | None,
        max_event_bytes: int,
        executor: ThreadPoolExecutor,
        memory: Memory | None = None,
        late_after_days: int | None = None,
    ) -> None:
        self.app = app
        self.validator = validator
        self.store = store
        self.max_event_bytes = max_event_bytes
        self.executor = executor
        self.memory = memory
        self.late_after_days = late_after_days
        self.raised: set[str] = set()  # evaluator_mismatch alert ids already sent

    async def process(self, batch: Sequence[Incoming]) -> Routed:
        started = time.perf_counter()
        # GX holds the CPU for a few hundred ms per batch: off the loop, so heartbeats and fetches go on.
        routed, alerts = await asyncio.get_running_loop().run_in_executor(self.executor, self._route, batch)
        routed_at = time.perf_counter()
        metrics = [
            Outgoing(events.QUALITY_TOPIC, f"{m['feed']}|{m['source']}".encode(), orjson.dumps(m))
            for m in batch_metrics(routed.outcome_rows, datetime.now(UTC))
        ]
        # Memory's keys are sent with the batch's messages: all acknowledged before the offsets are.
        changelog = [Outgoing(r.topic, r.key, r.value, r.partition) for r in routed.changelog]
        raised = [Outgoing(events.QUALITY_TOPIC, a.alert_id.encode(), orjson.dumps(a.event())) for a in alerts]
        await self.produce([*routed.messages, *metrics, *changelog, *raised])
        produced_at = time.perf_counter()
        if self.store is not None:
            self.store.add(QUARANTINE_TABLE, routed.quarantine_rows, QUARANTINE_COLUMNS)
            self.store.add(OUTCOME_TABLE, routed.outcome_rows, OUTCOME_COLUMNS)
            self.store.add(CONFLICTS_TABLE, routed.conflict_rows, CONFLICT_COLUMNS)
            self.store.add(ALERTS_TABLE, [a.row() for a in alerts], ALERT_COLUMNS)
            await self.flush()
        # Counts only: a record's content (a NIK among it) never reaches a log line.
        log.info(
            "quality batch",
            feed=self.validator.feed.name,
            received=len(batch),
            clean=routed.clean,
            quarantined=routed.quarantined,
            warned=routed.warned,
            conflicts=len(routed.conflict_rows),
            route_s=round(routed_at - started, 3),
            produce_s=round(produced_at - routed_at, 3),
            store_s=round(time.perf_counter() - produced_at, 3),
        )
        return routed

    def _route(self, batch: Sequence[Incoming]) -> tuple[Routed, list[Alert]]:
        routed = route(
            batch,
            self.validator,
            max_event_bytes=self.max_event_bytes,
            memory=self.memory,
            late_after_days=self.late_after_days,
        )
        return routed, self._mismatch_alerts()

    def _mismatch_alerts(self) -> list[Alert]:
        """The compiled evaluator's disagreements with GX on this batch, as alerts (each id once per process)."""
        if not isinstance(self.validator, CompiledValidator):
            return []
        now = datetime.now(UTC)
        found = [
            evaluator_mismatch_alert(m.feed, dict(m.rules), m.rows, m.differing_rows, now)
            for m in self.validator.take_mismatches()
        ]
        fresh = [a for a in found if a.alert_id not in self.raised]
        self.raised.update(a.alert_id for a in fresh)
        return fresh

    async def produce(self, messages: Sequence[Outgoing]) -> None:
        await produce(self.app, messages)

    async def flush(self) -> None:
        """Flush the store in a thread; while ClickHouse refuses, retry (the writer keeps unwritten rows)."""
        store = self.store
        assert store is not None
        await until_done("clickhouse write", lambda: asyncio.to_thread(store.flush))


async def produce(app: faust.App, messages: Sequence[Outgoing]) -> None:
    """Hand the whole batch to the producer, then wait for every acknowledgement (acks=all on the app).

    If the broker refuses, the whole batch is sent again after a pause: a duplicate downstream is
    harmless (event ids), a gap is not.
    """
    producer = app.producer

    async def send_all() -> None:
        pending = [await producer.send(m.topic, m.key, m.value, m.partition, None, None) for m in messages]
        await asyncio.gather(*pending)

    await until_done("produce", send_all)


def register(
    app: faust.App,
    *,
    feeds: list[str],
    validator_for: Callable[[str], Validator],
    store_writer: Store | None = None,
    batch_size: int = 5000,
    batch_seconds: float = 1.0,
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    memory_secret: str | None = None,
    late_after_days: int | None = None,
    reader: Client | None = None,
    thresholds: Thresholds | None = None,
    alert_interval_s: float = 60.0,
    webhook: Webhook | None = None,
) -> dict[str, AgentT]:
    """Add one quality agent per feed to `app` (built by services/bootstrap.make_faust_app).

    Each feed's validator is built here, before the app starts, so a broken contract stops the service
    at once instead of at the first message. With `memory_secret` (the HMAC secret that keys the person
    table) the agents get their Faust tables; with a store and a `reader` too, the alert timer runs.
    """
    # One thread for every feed: GX is not known to be thread-safe, and the GIL would serialise it anyway.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality-gx")
    memory = _memory(app, feeds, memory_secret) if memory_secret is not None else None
    agents: dict[str, AgentT] = {}
    for name in feeds:
        feed = events.feed(name)
        gateway = Gateway(
            app,
            validator_for(name),
            store=store_writer,
            max_event_bytes=max_event_bytes,
            executor=executor,
            memory=memory,
            late_after_days=late_after_days,
        )
        topic = app.topic(
            feed.raw_topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )
        agents[name] = app.agent(topic, name=f"quality-{feed.name}")(
            _agent(gateway, batch_size=batch_size, batch_seconds=batch_seconds)
        )
    if store_writer is not None and reader is not None:

        async def publish(records: Sequence[tuple[str, bytes, bytes]]) -> None:
            await produce(app, [Outgoing(topic, key, value) for topic, key, value in records])

        watcher = Watcher(
            reader=reader,
            store=store_writer,
            produce=publish,
            reported=memory.reported if memory is not None else None,
            thresholds=thresholds or Thresholds(),
            webhook=webhook,
        )

        # On the leader only: one evaluator per app; alert ids make a second one harmless anyway.
        @app.timer(alert_interval_s, on_leader=True, name="quality-alerts")
        async def quality_alerts() -> None:
            await watcher.tick()

    return agents


def _memory(app: faust.App, feeds: list[str], secret: str) -> Memory:
    """The gateway's tables: per feed the event ids seen; shared, the persons and the units' last month."""

    def table(name: str) -> Any:
        # bytes types give the "raw" codec to the table and its changelog; we encode values ourselves
        return app.Table(name, key_type=bytes, value_type=bytes)

    return Memory(
        seen={name: table(f"quality-{name}-seen") for name in feeds},
        persons=table("quality-persons"),
        reported=table("quality-reported"),
        secret=secret,
    )


def _agent(gateway: Gateway, *, batch_size: int, batch_seconds: float) -> Callable[[StreamT[bytes]], object]:
    async def check(stream: StreamT[bytes]) -> None:
        async for taken in stream.take_events(batch_size, within=batch_seconds):
            messages = [event.message for event in taken]
            batch = [Incoming(m.value, m.topic, m.partition, m.offset, m.timestamp) for m in messages]
            await batches.finish(taken, gateway.process(batch))

    return check
