"""Building the quality service from settings, for the composition root (services/cli.py) and the tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import faust
from clickhouse_connect.driver import Client
from faust.types import AgentT

from satudata import events
from satudata.settings import Settings
from satudata.store import Store
from services.quality.agent import register
from services.quality.alerts import Thresholds
from services.quality.compiled import CompiledValidator
from services.quality.contract import ContractValidator
from services.quality.suite import contract_path, contracts_dir, read_contract
from services.quality.webhook import Webhook

#: The feeds that have a contract so far; a feed joins by shipping contracts/<feed>/v<version>.json.
CONTRACTED_FEEDS: tuple[str, ...] = tuple(events.FEEDS)


def validator_factory(settings: Settings) -> Callable[[str], ContractValidator]:
    """Each feed's validator: the compiled evaluator (GX re-checking a sample) or GX alone, as settings say."""
    q = settings.quality
    directory = contracts_dir(q.contracts_dir)

    def validator_for(name: str) -> ContractValidator:
        feed = events.feed(name)
        contract = read_contract(feed, contract_path(feed, directory))
        if q.evaluator == "gx":
            return ContractValidator(contract)
        return CompiledValidator(contract, recheck_every=q.gx_recheck_every)

    return validator_for


def thresholds(settings: Settings) -> Thresholds:
    q = settings.quality
    return Thresholds(
        validity=q.validity_threshold,
        validity_min_records=q.validity_min_records,
        volume_ratio=q.volume_ratio,
        volume_min_weekly=q.volume_min_weekly,
        conflict_burst=q.conflict_burst,
        silence_day=q.silence_day,
    )


def register_quality(
    app: faust.App,
    settings: Settings,
    *,
    store: Store | None = None,
    reader: Client | None = None,
    feeds: Sequence[str] = CONTRACTED_FEEDS,
) -> dict[str, AgentT]:
    """`reader`: a ClickHouse client the alert timer reads counts with (no alerts without it and `store`)."""
    q = settings.quality
    webhook = (
        Webhook(q.webhook_url, attempts=q.webhook_attempts, timeout_s=q.webhook_timeout_s) if q.webhook_url else None
    )
    return register(
        app,
        feeds=list(feeds),
        validator_for=validator_factory(settings),
        store_writer=store,
        batch_size=q.batch_size,
        batch_seconds=q.batch_seconds,
        max_event_bytes=q.max_event_bytes,
        memory_secret=settings.hmac_secret,
        late_after_days=q.late_after_days,
        reader=reader,
        thresholds=thresholds(settings),
        alert_interval_s=q.alert_interval_s,
        webhook=webhook,
    )
