"""Building the quality service from settings, for the composition root (services/cli.py) and the tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import faust
from faust.types import AgentT

from satudata import events
from satudata.settings import Settings
from satudata.store import Store
from services.quality.agent import register
from services.quality.contract import ContractValidator
from services.quality.suite import contract_path, contracts_dir, read_contract

#: The feeds that have a contract so far; a feed joins by shipping contracts/<feed>/v<version>.json.
CONTRACTED_FEEDS: tuple[str, ...] = ("child_measurement",)


def validator_factory(settings: Settings) -> Callable[[str], ContractValidator]:
    directory = contracts_dir(settings.quality.contracts_dir)

    def validator_for(name: str) -> ContractValidator:
        feed = events.feed(name)
        return ContractValidator(read_contract(feed, contract_path(feed, directory)))

    return validator_for


def register_quality(
    app: faust.App,
    settings: Settings,
    *,
    store: Store | None = None,
    feeds: Sequence[str] = CONTRACTED_FEEDS,
) -> dict[str, AgentT]:
    return register(
        app,
        feeds=list(feeds),
        validator_for=validator_factory(settings),
        store_writer=store,
        batch_size=settings.quality.batch_size,
        batch_seconds=settings.quality.batch_seconds,
        max_event_bytes=settings.quality.max_event_bytes,
    )
