"""Running services in one process: the embedded default (`satudata up`) and one service alone (`satudata run`).

The composition root's machinery, used only by cli.py: it builds the infrastructure from settings and hands it to
the services. One asyncio loop carries the Faust app (quality, indicators) and the HTTP servers (ingest, api);
this module owns the process's signals, so Ctrl+C or SIGTERM stops everything in order: HTTP first, then the
stream processors (which finish the batch they hold), then ClickHouse, then the broker we started.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import uvicorn

from satudata.logs import get_logger
from satudata.settings import Settings

log = get_logger(__name__)

Service = Literal["ingest", "quality", "indicators", "api"]
SERVICES: tuple[Service, ...] = ("ingest", "quality", "indicators", "api")


@dataclass
class Endpoints:
    """Where a running stack answers; printed for the user and read by `satudata selftest`."""

    bootstrap: str
    ingest: str | None = None
    api: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The runner owns SIGINT/SIGTERM for the whole process; uvicorn must not take them over.
        yield


def _http_server(app: object, host: str, port: int) -> _EmbeddedServer:
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="on")
    return _EmbeddedServer(config)


def with_bootstrap(settings: Settings, bootstrap: str) -> Settings:
    return settings.model_copy(update={"kafka": settings.kafka.model_copy(update={"bootstrap": bootstrap})})


async def _serve(
    settings: Settings,
    services: tuple[Service, ...],
    *,
    host: str,
    ingest_port: int,
    api_port: int,
    on_ready: Callable[[Endpoints], None],
    demo: Callable[[Settings], Awaitable[None]] | None,
) -> None:
    # Imported here: each service pulls in heavy libraries (GX, Faust), and `satudata run api` needs none of them.
    from satudata.kafka.publisher import KafkaPublisher
    from satudata.store import Writer, connect, migrate, wait_for
    from services.bootstrap import make_faust_app

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    client = None
    if {"quality", "indicators", "api"} & set(services):
        client = wait_for(settings.store_url, deadline=60.0)
        migrate(client)

    faust_app = None
    if {"quality", "indicators"} & set(services):
        faust_app = make_faust_app(settings, "satudata")
        faust_app.loop = loop
        if "quality" in services:
            from services.quality.bootstrap import register_quality

            # A client of its own for the alert timer: one client's session serves one query at a time.
            register_quality(faust_app, settings, store=Writer(client), reader=connect(settings.store_url))
        if "indicators" in services:
            from services.indicators.bootstrap import register_indicators

            register_indicators(faust_app, settings, clients=lambda: connect(settings.store_url))

    servers: list[_EmbeddedServer] = []
    endpoints = Endpoints(bootstrap=settings.kafka.bootstrap)
    publisher = None
    keyring = None
    if {"ingest", "api"} & set(services):
        from satudata.kafka.keyring import KafkaKeyring

        # One producer for both doors: the API needs it only to replay the quarantine to the raw topics.
        publisher = KafkaPublisher(settings.kafka.bootstrap, timeout_s=settings.ingest.publish_timeout_s)
        # One keyring for both, following the keys topic: a key created or revoked by `satudata keys` from
        # another shell takes effect here within a second or two.
        keyring = KafkaKeyring(settings.kafka.bootstrap, publisher)
    if "ingest" in services:
        from satudata.events import UPLOADS_TOPIC
        from satudata.kafka.ledger import KafkaIdLedger
        from services.ingest.app import create_app as create_ingest

        assert publisher is not None
        ledger = KafkaIdLedger(settings.kafka.bootstrap, UPLOADS_TOPIC, publisher)
        servers.append(_http_server(create_ingest(publisher, settings, ledger, keyring=keyring), host, ingest_port))
        endpoints.ingest = f"http://{host}:{ingest_port}"
    if "api" in services:
        from services.api.app import create_app as create_api

        api = create_api(client, settings, publisher=publisher, keyring=keyring)
        servers.append(_http_server(api, host, api_port))
        endpoints.api = f"http://{host}:{api_port}"

    tasks: list[asyncio.Task[None]] = []
    demo_task: asyncio.Task[None] | None = None
    try:
        if faust_app is not None:
            await faust_app.start()
        # What is built by now lives as long as the process: frozen, full collections stop walking it (~130k
        # objects; their 50-140 ms pauses were the API's p99 under load, bench/api.py).
        gc.collect()
        gc.freeze()
        tasks = [asyncio.create_task(server.serve()) for server in servers]
        while servers and not all(server.started for server in servers):
            if any(task.done() for task in tasks):
                raise RuntimeError("a HTTP server could not start / server HTTP gagal mulai (port in use?)")
            await asyncio.sleep(0.05)
        on_ready(endpoints)
        if demo is not None:
            demo_task = asyncio.create_task(demo(settings))
        waiters = [asyncio.ensure_future(stop.wait())]
        if faust_app is not None:
            waiters.append(asyncio.ensure_future(faust_app.wait_until_stopped()))
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
    finally:
        log.info("stack.stopping")
        if demo_task is not None:
            demo_task.cancel()  # the demo feed never ends by itself
            await asyncio.gather(demo_task, return_exceptions=True)
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
        if faust_app is not None:
            await faust_app.stop()
        if keyring is not None:
            keyring.close()
        if publisher is not None:
            publisher.close()
        if client is not None:
            client.close()
    if faust_app is not None and faust_app.crash_reason is not None:
        raise faust_app.crash_reason


def run(
    settings: Settings,
    services: tuple[Service, ...] = SERVICES,
    *,
    local_broker: bool,
    host: str = "127.0.0.1",
    ingest_port: int = 8001,
    api_port: int = 8000,
    on_ready: Callable[[Endpoints], None] = lambda _: None,
    demo: Callable[[Settings], Awaitable[None]] | None = None,
) -> None:
    """Run `services` until SIGINT/SIGTERM; with `local_broker`, start (and finally stop) a local Kafka first."""
    from satudata.kafka import KafkaBroker, ensure_all_topics

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    broker = KafkaBroker.from_settings(settings) if local_broker else None
    try:
        if broker is not None:
            settings = with_bootstrap(settings, broker.start())
        if set(services) - {"api"}:  # the API alone reads only ClickHouse
            ensure_all_topics(settings)
        asyncio.run(
            _serve(
                settings,
                services,
                host=host,
                ingest_port=ingest_port,
                api_port=api_port,
                on_ready=on_ready,
                demo=demo,
            )
        )
    finally:
        if broker is not None:
            broker.stop()
