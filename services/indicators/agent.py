"""The indicators agent: a feed's clean topic → exact counts (a Faust table of counted records, sums in
memory) → ClickHouse.

Per batch (up to `batch_size` records or `batch_seconds`): decode and enrich the whole batch, let
`counting.apply` decide what changes, write the changed sums and the facts to ClickHouse and flush, then send
each changed subject once to the table's changelog (in bulk, acknowledged) and keep it in the table's memory.
The batch's offsets are acknowledged only after that. A crash replays the batch: the subjects it had already
written to the changelog change nothing again, the others count again, and the sums the worker rebuilds from the
recovered subjects when it takes the partition are written whole (counting.resync), so ClickHouse ends where the
state is. A rebuild request in the batch (rebuild.py) recounts its partition's sums after the batch's records.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import faust
import polars as pl
from faust.types import AgentT, StreamT

from satudata import events
from satudata.indicators import Methodology, contributions
from satudata.kafka import batches
from satudata.logs import get_logger
from satudata.retry import until_done
from satudata.store import Store
from services.indicators import feeds, rebuild, tables
from services.indicators.changelog import BulkChangelog, Changelog, ChangelogRecord
from services.indicators.counting import Changes, Record, Row, State, SumKey, Sums, apply, resync
from services.indicators.decode import Message, decode

log = get_logger(__name__)
OnRebuild = Callable[[rebuild.RebuildRequest], None]
# (feed, partitions, periods or None) → the keys ClickHouse holds with a nonzero sum
StoredSums = Callable[[str, set[int], tuple[str, str] | None], set[SumKey]]


class Counter:
    """Everything one batch of one feed goes through, apart from how Faust delivers it.

    The counted records live in the Faust table (changelogged); the partial sums live in memory and are built
    from them when the worker takes a partition (`take`), then written to ClickHouse whole, zeros included, so
    ClickHouse holds exactly what the state says whatever happened before (a crash between ClickHouse and the
    changelog, a change of rules).
    """

    def __init__(
        self,
        *,
        feed: str,
        writer: Store,
        stored: StoredSums,
        secret: str,
        methodology: Methodology,
        subjects: tables.BytesTable,
        changelog: Changelog,
        on_rebuild: OnRebuild | None = None,
    ):
        self.feed = feed
        self.writer = writer
        self.stored = stored
        self.secret = secret
        self.methodology = methodology
        self.subjects = subjects
        self.changelog = changelog
        self.on_rebuild = on_rebuild
        self.sums: dict[SumKey, Sums] = {}
        self.ready: set[int] = set()  # partitions whose sums are built

    def contribute(self, rows: Sequence[Row]) -> pl.DataFrame:
        return contributions(self.feed, feeds.rows_frame(self.feed, rows), self.methodology)

    async def process(self, messages: Sequence[Message]) -> Changes:
        await self.take({m.partition for m in messages} - self.ready)
        controls = [m for m in messages if rebuild.is_control(m.value)]
        if controls:
            messages = [m for m in messages if not rebuild.is_control(m.value)]
        clock = _Clock()
        frame = self.prepare(messages)
        state = State(tables.SubjectsView(self.subjects), self.sums)
        changes = apply(state, records(self.feed, frame), self.contribute, _now_us())
        now = datetime.now(UTC)
        if changes.winners:
            self.writer.add(*feeds.fact_rows(self.feed, frame, [r.row for r in changes.winners], now))
        if changes.sums:
            self.writer.add(feeds.SUM_TABLE, feeds.sum_rows(self.feed, changes.sums, now))
        clock.lap("count")
        await until_done("clickhouse write", lambda: asyncio.to_thread(self.writer.flush))
        clock.lap("store")
        records_ = tables.changelog_records(self.subjects, changes)
        await until_done("changelog write", lambda: self.changelog.send(records_))
        tables.store_in_memory(self.subjects, records_)
        self._keep(changes.sums)
        clock.lap("tables")
        log.info(
            "batch counted",
            feed=self.feed,
            messages=len(messages),
            records=frame.height,
            counted=len(changes.winners),
            sums=len(changes.sums),
            **clock.laps,
        )
        for control in controls:
            await self.rebuild(control)
        return changes

    def prepare(self, messages: Sequence[Message]) -> pl.DataFrame:
        """The enriched batch. Should the batch fail as a whole (a bug meeting odd data), it is done message
        by message, so the one that fails is logged and left out and the others still count."""
        feed = events.feed(self.feed)
        try:
            return feeds.enrich(self.feed, decode(feed, messages), self.secret)
        except Exception as exc:  # a service never crashes on data
            log.error("batch failed; counting message by message", feed=self.feed, error=type(exc).__name__)
        frames: list[pl.DataFrame] = []
        for message in messages:
            try:
                frames.append(feeds.enrich(self.feed, decode(feed, [message]), self.secret))
            except Exception as exc:
                where = {"partition": message.partition, "offset": message.offset}
                log.error("clean message skipped", reason="failed", error=type(exc).__name__, **where)
        if not frames:
            return feeds.enrich(self.feed, decode(feed, []), self.secret)
        return pl.concat(frames, how="vertical_relaxed")

    async def take(self, partitions: set[int]) -> None:
        """Build the sums of partitions this worker now owns from the counted state, and write them whole."""
        if not partitions:
            return
        written = await self._resync(partitions, None)
        self.ready |= partitions
        log.info("partitions taken", feed=self.feed, partitions=sorted(partitions), sums=written)

    def forget(self, partitions: set[int]) -> None:
        """Partitions another worker owns now: their sums are its to build."""
        self.ready -= partitions
        for key in [key for key in self.sums if key[0] in partitions]:
            del self.sums[key]

    async def _resync(self, partitions: set[int], periods: tuple[str, str] | None) -> int:
        stored = await until_done(
            "clickhouse read", lambda: asyncio.to_thread(self.stored, self.feed, partitions, periods)
        )
        view = tables.SubjectsView(self.subjects)
        sums = resync(
            {name: view[name] for name in view},
            self.contribute,
            partitions=partitions,
            stored=stored,
            version=_now_us(),
            periods=periods,
        )
        if sums:
            self.writer.add(feeds.SUM_TABLE, feeds.sum_rows(self.feed, sums, datetime.now(UTC)))
            await until_done("clickhouse write", lambda: asyncio.to_thread(self.writer.flush))
        self._keep(sums)
        return len(sums)

    def _keep(self, sums: dict[SumKey, Sums]) -> None:
        for key, value in sums.items():
            if value.numerator or value.denominator:
                self.sums[key] = value
            else:
                self.sums.pop(key, None)

    async def rebuild(self, control: Message) -> None:
        """Recount one partition's sums for the months a request names, and answer it."""
        request = rebuild.parse(control.value or b"")
        if request is None:
            log.warning("control message ignored", partition=control.partition, offset=control.offset)
            return
        written = await self._resync({control.partition}, request.periods)
        if self.on_rebuild is not None:
            self.on_rebuild(request)
        done = rebuild.RebuildDone(request.id, self.feed, control.partition, written)
        answer = ChangelogRecord(events.INDICATOR_REBUILDS_TOPIC, 0, request.id.encode(), done.to_bytes())
        await until_done("rebuild answer", lambda: self.changelog.send([answer]))
        log.info("partition rebuilt", feed=self.feed, partition=control.partition, sums=written)


def _now_us() -> int:
    return time.time_ns() // 1000


def records(feed_name: str, frame: pl.DataFrame) -> list[Record]:
    """One counting record per row of an enriched frame; `row` points back into the frame."""
    values = feeds.values_of(feed_name, frame)
    columns = frame.select(
        "subject_hash",
        pl.col("period").cast(pl.String),
        "desa_code",
        pl.col("record_date").cast(pl.String),
        "time_us",
        "event_id",
        "partition",
        "offset",
    )
    return [
        Record(subject, period, desa, (when, time_us, event_id), values[i], partition, offset, i)
        for i, (subject, period, desa, when, time_us, event_id, partition, offset) in enumerate(columns.iter_rows())
    ]


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


def register_feed(
    app: faust.App,
    feed_name: str,
    *,
    writer: Store,
    stored: StoredSums,
    secret: str,
    methodology: Methodology,
    batch_size: int,
    batch_seconds: float,
    on_rebuild: OnRebuild | None = None,
) -> AgentT:
    """One feed's agent, reading its clean topic, with its table `indicators-<feed>-subjects`."""
    feed = events.feed(feed_name)
    topic = app.topic(feed.clean_topic, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")
    counter = Counter(
        feed=feed_name,
        writer=writer,
        stored=stored,
        secret=secret,
        methodology=methodology,
        subjects=_bytes_table(app, f"indicators-{feed.name}-subjects"),
        changelog=BulkChangelog(_bootstrap(app), client_id=f"satudata-indicators-{feed.name}"),
        on_rebuild=on_rebuild,
    )

    @app.on_partitions_revoked.connect  # type: ignore[misc]
    async def forget(_app: faust.App, revoked: set[Any], **_: Any) -> None:
        counter.forget({tp.partition for tp in revoked if tp.topic == feed.clean_topic})

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
