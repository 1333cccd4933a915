"""Building the indicators service from settings, for the composition root (services/cli.py) and the tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import faust
from clickhouse_connect.driver import Client
from faust.types import AgentT

from satudata import events
from satudata.indicators import Methodology
from satudata.logs import get_logger
from satudata.settings import Settings
from satudata.store import Writer
from services.indicators.agent import register_feed
from services.indicators.joined import Convergence
from services.indicators.rebuild import RebuildRequest
from services.indicators.stored import stored_sums

log = get_logger(__name__)
#: Every feed is counted; adding a feed to satudata/events.py counts it once its rule exists.
COUNTED_FEEDS = tuple(events.FEEDS)


@dataclass
class Indicators:
    agents: dict[str, AgentT]
    convergence: Convergence


def methodology(settings: Settings) -> Methodology:
    return Methodology(extreme_poverty_line_rp=dict(settings.extreme_poverty_line_rp))


def register_indicators(app: faust.App, settings: Settings, *, clients: Callable[[], Client]) -> Indicators:
    """One agent per feed and the convergence job on the leader. Each agent writes through a ClickHouse client
    of its own (`clients()` makes one), and the reads have one too: a client's session serves one statement at a
    time, and the agents flush from worker threads at once."""
    method = methodology(settings)
    reader = clients()
    joined = Convergence(reader, Writer(clients()), method)

    def on_rebuild(request: RebuildRequest) -> None:
        joined.request(request.first, request.last)

    agents = {
        feed: register_feed(
            app,
            feed,
            writer=Writer(clients()),
            stored=stored_sums(reader),
            secret=settings.hmac_secret,
            methodology=method,
            batch_size=settings.indicators.batch_size,
            batch_seconds=settings.indicators.batch_seconds,
            on_rebuild=on_rebuild,
        )
        for feed in COUNTED_FEEDS
    }

    @app.timer(settings.indicators.convergence_interval_s, on_leader=True)
    async def converge() -> None:
        try:
            await asyncio.to_thread(joined.run)
        except Exception as exc:  # ClickHouse away: the next run takes the months again
            log.error("convergence run failed", error=type(exc).__name__)

    return Indicators(agents, joined)
