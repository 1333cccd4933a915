"""The API's app factory: routers per domain, problem+json for every error, one ClickHouse client per app."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from clickhouse_connect.driver import Client
from fastapi import Depends, FastAPI

from satudata.access import Keyring
from satudata.boards import BOARDS, Board
from satudata.regions import RegionMaster, master
from satudata.settings import Settings, get_settings
from services.api import answer_cache, caching, errors, openapi
from services.api.auth import resolve_caller
from services.api.boards import page as board_page
from services.api.boards.views import router as boards_router
from services.api.clients import ClientFactory, ClientProvider
from services.api.convergence.views import router as convergence_router
from services.api.health.views import router as health_router
from services.api.indicators.snapshot import Snapshots
from services.api.indicators.views import router as indicators_router
from services.api.ports import Publisher
from services.api.quality.views import router as quality_router
from services.api.quarantine.views import router as quarantine_router
from services.api.regions.views import router as regions_router

DESCRIPTION = (
    "Indikator stunting dan kemiskinan ekstrem NTT dari satu pipa data, dengan agregasi wilayah dan deret "
    "waktu. Setiap kesalahan dijawab sebagai application/problem+json (RFC 9457).\n\n"
    "NTT's stunting and extreme-poverty indicators from one data pipe, with region roll-ups and time series. "
    "Every error is answered as application/problem+json (RFC 9457)."
)


def create_app(
    store: Client | ClientFactory,
    settings: Settings | None = None,
    *,
    regions: RegionMaster | None = None,
    publisher: Publisher | None = None,
    keyring: Keyring | None = None,
    boards: Mapping[str, Board] | None = None,
) -> FastAPI:
    """`store` is a client the caller owns, or a factory called on first use whose client the app closes.

    `publisher` (owned by the caller) lets the quarantine replay reach the raw topics; without one it answers 503.
    `keyring` (owned by the caller) resolves `X-API-Key`; without one only anonymous access works (keys get 401).
    `boards` replaces the board definitions (satudata.boards.BOARDS), for tests of the boards routes.
    """
    clients = ClientProvider(store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        clients.close()

    app = FastAPI(
        title="Satu Data NTT API",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        # Every route reads the key, so a wrong, unknown or revoked one is refused (401) even where anonymous
        # access would do: a caller who sent a key expects its rights, and a typo should be loud.
        dependencies=[Depends(resolve_caller)],
    )
    app.state.clients = clients
    app.state.settings = settings or get_settings()
    app.state.master = regions or master()
    app.state.snapshots = Snapshots(app.state.settings.api.snapshot_seconds)
    app.state.publisher = publisher
    app.state.keyring = keyring
    app.state.boards = BOARDS if boards is None else boards
    errors.install(app)
    # Added first, so it runs inside CachingMiddleware: a kept answer gets the same ETag and Cache-Control.
    app.add_middleware(answer_cache.AnswerCacheMiddleware, snapshots=app.state.snapshots)
    app.add_middleware(caching.CachingMiddleware)
    openapi.install(app)
    app.include_router(health_router)
    app.include_router(indicators_router)
    app.include_router(regions_router)
    app.include_router(quarantine_router)
    app.include_router(quality_router)
    app.include_router(convergence_router)
    app.include_router(boards_router)
    board_page.install(app)
    return app
