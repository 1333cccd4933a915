"""The quality agents: raw topic → contract → clean or quarantine topic (and, given a store, ClickHouse rows).

A thin shell around `routing.route`: Faust delivers a batch (size or time, whichever first), routing decides
everything, and this module only produces, stores and logs. Offsets are acknowledged when the loop moves to
the next batch (`take_events`), i.e. after every message of this one was confirmed by the broker and its rows
were flushed: a crash replays the batch (at least once; consumers dedupe by event id).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import faust
from faust.types import AgentT, StreamT

from satudata import events
from satudata.logs import get_logger
from satudata.store import Store
from services.quality.routing import (
    COUNT_COLUMNS,
    QUARANTINE_COLUMNS,
    Incoming,
    Outgoing,
    Routed,
    Validator,
    route,
)

QUARANTINE_TABLE = "quarantine"
COUNTS_TABLE = "pipeline_counts"
DEFAULT_MAX_EVENT_BYTES = 64 * 1024
_RETRY_FIRST_S = 0.5
_RETRY_MAX_S = 30.0
DRAIN_SECONDS = 30.0

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
    ) -> None:
        self.app = app
        self.validator = validator
        self.store = store
        self.max_event_bytes = max_event_bytes
        self.executor = executor

    async def process(self, batch: Sequence[Incoming]) -> Routed:
        started = time.perf_counter()
        # GX holds the CPU for a few hundred ms per batch: off the loop, so heartbeats and fetches go on.
        routed = await asyncio.get_running_loop().run_in_executor(self.executor, self._route, batch)
        routed_at = time.perf_counter()
        await self.produce(routed.messages)
        produced_at = time.perf_counter()
        if self.store is not None:
            self.store.add(QUARANTINE_TABLE, routed.quarantine_rows, QUARANTINE_COLUMNS)
            self.store.add(COUNTS_TABLE, routed.count_rows, COUNT_COLUMNS)
            await self.flush()
        # Counts only: a record's content (a NIK among it) never reaches a log line.
        log.info(
            "quality batch",
            feed=self.validator.feed.name,
            received=len(batch),
            clean=routed.clean,
            quarantined=routed.quarantined,
            warned=routed.warned,
            route_s=round(routed_at - started, 3),
            produce_s=round(produced_at - routed_at, 3),
            store_s=round(time.perf_counter() - produced_at, 3),
        )
        return routed

    def _route(self, batch: Sequence[Incoming]) -> Routed:
        return route(batch, self.validator, max_event_bytes=self.max_event_bytes)

    async def produce(self, messages: Sequence[Outgoing]) -> None:
        """Hand the whole batch to the producer, then wait for every acknowledgement (acks=all on the app).

        If the broker refuses, the whole batch is sent again after a pause: a duplicate downstream is
        harmless (event ids), a gap is not.
        """
        producer = self.app.producer
        delay = _RETRY_FIRST_S
        while True:
            try:
                pending = [await producer.send(m.topic, m.key, m.value, None, None, None) for m in messages]
                await asyncio.gather(*pending)
                return
            except Exception as exc:  # any failure means "not confirmed": keep the batch
                log.error("produce failed; retrying", error=type(exc).__name__, retry_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX_S)

    async def flush(self) -> None:
        """Flush the store in a thread; while ClickHouse refuses, pause and retry rather than move on."""
        assert self.store is not None
        delay = _RETRY_FIRST_S
        while True:
            try:
                await asyncio.to_thread(self.store.flush)
                return
            except Exception as exc:  # the writer keeps unwritten rows pending
                log.error("clickhouse write failed; retrying", error=type(exc).__name__, retry_s=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _RETRY_MAX_S)


def register(
    app: faust.App,
    *,
    feeds: list[str],
    validator_for: Callable[[str], Validator],
    store_writer: Store | None = None,
    batch_size: int = 5000,
    batch_seconds: float = 1.0,
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
) -> dict[str, AgentT]:
    """Add one quality agent per feed to `app` (built by services/bootstrap.make_faust_app).

    Each feed's validator is built here, before the app starts, so a broken contract stops the service
    at once instead of at the first message.
    """
    # One thread for every feed: GX is not known to be thread-safe, and the GIL would serialise it anyway.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quality-gx")
    agents: dict[str, AgentT] = {}
    for name in feeds:
        feed = events.feed(name)
        gateway = Gateway(
            app, validator_for(name), store=store_writer, max_event_bytes=max_event_bytes, executor=executor
        )
        topic = app.topic(
            feed.raw_topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
        )
        agents[name] = app.agent(topic, name=f"quality-{feed.name}")(
            _agent(gateway, batch_size=batch_size, batch_seconds=batch_seconds)
        )
    return agents


def _agent(gateway: Gateway, *, batch_size: int, batch_seconds: float) -> Callable[[StreamT[bytes]], object]:
    async def check(stream: StreamT[bytes]) -> None:
        async for taken in stream.take_events(batch_size, within=batch_seconds):
            messages = [event.message for event in taken]
            batch = [Incoming(m.value, m.topic, m.partition, m.offset, m.timestamp) for m in messages]
            work = asyncio.ensure_future(gateway.process(batch))
            try:
                await asyncio.shield(work)
            except asyncio.CancelledError:
                # take_events acknowledges the batch once this body is left, cancelled or not: a stopping
                # worker first finishes the batch it holds (bounded, so a dead broker cannot hold it forever).
                await asyncio.wait([work], timeout=DRAIN_SECONDS)
                raise

    return check
