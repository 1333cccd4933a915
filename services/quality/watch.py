"""The alert watcher: a Faust timer that reads the counts (ClickHouse, and the reported table for silence),
asks the pure rules of alerts.py, and delivers each new alert once: a row in `alerts`, an event on
`satudata.quality.v1` (key = alert id) and, when configured, a webhook POST.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

import orjson
from clickhouse_connect.driver import Client

from satudata import events
from satudata.logs import get_logger
from satudata.store import Store
from services.quality import metrics
from services.quality.alerts import (
    ALERT_COLUMNS,
    Alert,
    SilentUnit,
    Thresholds,
    conflict_alerts,
    new_rule_alerts,
    silence_alerts,
    validity_alerts,
    volume_alerts,
)
from services.quality.facts import WITA
from services.quality.memory import BytesTable, last_reported, previous_month, silent_units
from services.quality.webhook import Webhook

ALERTS_TABLE = "alerts"

log = get_logger(__name__)

Produce = Callable[[Sequence[tuple[str, bytes, bytes]]], Awaitable[None]]


class Watcher:
    def __init__(
        self,
        *,
        reader: Client,
        store: Store,
        produce: Produce,
        reported: BytesTable | None,
        thresholds: Thresholds,
        webhook: Webhook | None = None,
    ) -> None:
        self.reader = reader
        self.store = store
        self.produce = produce
        self.reported = reported
        self.thresholds = thresholds
        self.webhook = webhook
        self.raised: set[str] = set()

    def candidates(self, now: datetime) -> list[Alert]:
        """Every alert the counts call for now (blocking: run it in a thread)."""
        t = self.thresholds
        found = validity_alerts(metrics.source_hours(self.reader, now), t, now)
        found += new_rule_alerts(metrics.rule_failures(self.reader, now), now)
        found += volume_alerts(metrics.source_volumes(self.reader, now), t, now)
        found += conflict_alerts(metrics.conflict_hours(self.reader, now), t, now)
        if self.reported is not None:
            today = now.astimezone(WITA).date()
            silent = silent_units(last_reported(self.reported), today, from_day=t.silence_day)
            if silent:
                units = [SilentUnit(f, s, month, previous_month(today)) for f, s, month in silent]
                found += silence_alerts(units, now, metrics.last_record_ids(self.reader))
        return found

    async def evaluate(self, now: datetime | None = None) -> list[Alert]:
        """Raise what is new since the last evaluation (and not already stored by an earlier process)."""
        now = now or datetime.now(UTC)
        found = await asyncio.to_thread(self.candidates, now)
        fresh = [a for a in found if a.alert_id not in self.raised]
        stored = await asyncio.to_thread(metrics.existing_alert_ids, self.reader, [a.alert_id for a in fresh])
        fresh = [a for a in fresh if a.alert_id not in stored]
        if not fresh:
            return []
        self.store.add(ALERTS_TABLE, [a.row() for a in fresh], ALERT_COLUMNS)
        await asyncio.to_thread(self.store.flush)
        await self.produce([(events.QUALITY_TOPIC, a.alert_id.encode(), orjson.dumps(a.event())) for a in fresh])
        self.raised.update(a.alert_id for a in fresh)
        log.info("quality alerts raised", count=len(fresh), kinds=sorted({a.kind for a in fresh}))
        if self.webhook is not None:
            for alert in fresh:
                await self.webhook.deliver(alert.event())
        return fresh

    async def tick(self) -> None:
        """The timer's body: a failed evaluation is logged and tried again at the next tick."""
        try:
            await self.evaluate()
        except Exception as exc:  # ClickHouse or the broker away: the next tick sees the same counts
            log.error("alert evaluation failed", error=type(exc).__name__)
