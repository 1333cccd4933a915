"""The indicators agent: a feed's clean topic → exact counts in Faust tables → ClickHouse.

Per batch (up to `batch_size` records or `batch_seconds`): decode and enrich the whole batch, let
`counting.apply` decide what changes, write the changed sums and the facts to ClickHouse and flush, then send
each changed table key once to its changelog (in bulk, acknowledged) and keep it in the table's memory. The
batch's offsets are acknowledged only after that; so a crash replays a batch whose rows are either not yet in
ClickHouse (written again, same versions) or whose table writes are recovered from the changelogs (the
replay changes nothing, and ClickHouse already holds the rows).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import faust
import polars as pl
from faust.types import AgentT, StreamT

from satudata import events
from satudata.kafka import batches
from satudata.logs import get_logger
from satudata.retry import until_done
from satudata.store import Store
from services.indicators import tables
from services.indicators.changelog import BulkChangelog, Changelog
from services.indicators.child_measurement import COUNTING as CHILD_MEASUREMENT
from services.indicators.counting import Changes, State, apply
from services.indicators.feeds import SUM_TABLE, FeedCounting, Message, sum_rows

log = get_logger(__name__)


class Counter:
    """Everything one batch goes through, apart from how Faust delivers it."""

    def __init__(
        self,
        *,
        feed: FeedCounting,
        writer: Store,
        secret: str,
        counted: tables.BytesTable,
        sums: tables.BytesTable,
        changelog: Changelog,
    ):
        self.feed = feed
        self.writer = writer
        self.secret = secret
        self.counted = counted
        self.sums = sums
        self.changelog = changelog

    async def process(self, messages: Sequence[Message]) -> Changes:
        clock = _Clock()
        frame = self.prepare(messages)
        state = State(tables.CountedView(self.counted), tables.SumsView(self.sums))
        changes = apply(state, self.feed.records(frame))
        now = datetime.now(UTC)
        if changes.winners:
            self.writer.add(self.feed.fact_table, self.feed.fact_rows(frame, changes.winners, now))
        if changes.sums:
            self.writer.add(SUM_TABLE, sum_rows(changes.sums, now))
        clock.lap("count")
        await until_done("clickhouse write", lambda: asyncio.to_thread(self.writer.flush))
        clock.lap("store")
        await self.write_tables(changes)
        clock.lap("tables")
        log.info(
            "batch counted",
            messages=len(messages),
            records=frame.height,
            counted=len(changes.winners),
            sums=len(changes.sums),
            **clock.laps,
        )
        return changes

    def prepare(self, messages: Sequence[Message]) -> pl.DataFrame:
        """The enriched batch. Should the batch fail as a whole (a bug meeting odd data), it is done message
        by message, so the one that fails is logged and left out and the others still count."""
        try:
            return self.feed.enrich(self.feed.decode(messages), self.secret)
        except Exception as exc:  # a service never crashes on data
            log.error("batch failed; counting message by message", error=type(exc).__name__)
        frames: list[pl.DataFrame] = []
        for message in messages:
            try:
                frames.append(self.feed.enrich(self.feed.decode([message]), self.secret))
            except Exception as exc:
                where = {"partition": message.partition, "offset": message.offset}
                log.error("clean message skipped", reason="failed", error=type(exc).__name__, **where)
        if not frames:
            return self.feed.enrich(self.feed.decode([]), self.secret)
        return pl.concat(frames, how="vertical_relaxed")

    async def write_tables(self, changes: Changes) -> None:
        """Each changed key once: to its changelog in bulk, then, acknowledged, into the table's memory."""
        records = tables.changelog_records(self.counted, self.sums, changes)
        await until_done("changelog write", lambda: self.changelog.send(records))
        tables.store_in_memory((self.counted, self.sums), records)


class _Clock:
    """Seconds spent per step of a batch, for the log line that tells an operator where time goes."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[f"{name}_s"] = round(now - self._last, 3)
        self._last = now


def _bootstrap(app: faust.App) -> str:
    """The app's own brokers, for the changelog producer beside Faust's."""
    return ",".join(f"{url.host}:{url.port or 9092}" for url in app.conf.broker)


def _bytes_table(app: faust.App, name: str) -> Any:
    # bytes types give the "raw" codec to the table and its changelog
    return app.Table(name, key_type=bytes, value_type=bytes)


def register(
    app: faust.App, *, writer: Store, secret: str, batch_size: int = 5000, batch_seconds: float = 1.0
) -> AgentT:
    """Add the indicators agent of child_measurement and its two tables to `app` (services/bootstrap.py)."""
    return register_feed(
        app, CHILD_MEASUREMENT, writer=writer, secret=secret, batch_size=batch_size, batch_seconds=batch_seconds
    )


def register_feed(
    app: faust.App, counting: FeedCounting, *, writer: Store, secret: str, batch_size: int, batch_seconds: float
) -> AgentT:
    """One feed's agent, reading its clean topic, with tables `indicators-<feed>-counted` and `-sums`."""
    feed = events.feed(counting.feed)
    topic = app.topic(feed.clean_topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
    counter = Counter(
        feed=counting,
        writer=writer,
        secret=secret,
        counted=_bytes_table(app, f"indicators-{feed.name}-counted"),
        sums=_bytes_table(app, f"indicators-{feed.name}-sums"),
        changelog=BulkChangelog(_bootstrap(app)),
    )

    async def count(stream: StreamT[bytes]) -> None:
        try:
            await _consume(stream)
        finally:
            await counter.changelog.stop()

    async def _consume(stream: StreamT[bytes]) -> None:
        async for taken in stream.take_events(batch_size, within=batch_seconds):
            messages = [Message(e.message.partition, e.message.offset, e.value) for e in taken]
            await batches.finish(taken, counter.process(messages))

    return app.agent(topic, name=f"indicators-{feed.name}")(count)
