"""Building the indicators service from settings, for the composition root (services/cli.py) and the tests."""

from __future__ import annotations

import faust
from faust.types import AgentT

from satudata.settings import Settings
from satudata.store import Store
from services.indicators.agent import register


def register_indicators(app: faust.App, settings: Settings, *, store: Store) -> AgentT:
    return register(
        app,
        writer=store,
        secret=settings.hmac_secret,
        batch_size=settings.indicators.batch_size,
        batch_seconds=settings.indicators.batch_seconds,
    )
