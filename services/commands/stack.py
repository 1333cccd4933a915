"""`satudata up`, `satudata run <service>` and `satudata selftest`."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from satudata.logs import configure_logging, get_logger
from satudata.settings import Settings, get_settings
from services import embedded

console = Console()
log = get_logger(__name__)

DEMO_EVENTS_PER_S = 20.0
DEMO_BATCH = 1000
DEMO_BACKFILL_MONTHS = 5


def _announce(endpoints: embedded.Endpoints) -> None:
    console.print("[bold green]Satu Data NTT berjalan / is running[/]")
    console.print(f"  Kafka            {endpoints.bootstrap}")
    if endpoints.ingest:
        console.print(f"  Ingest (HTTP)    {endpoints.ingest}/v1/events")
    if endpoints.api:
        console.print(f"  API              {endpoints.api}/v1/indicators/stunting_prevalence?region=53")
        console.print(f"  OpenAPI          {endpoints.api}/docs")
        console.print(f"  Papan / board    {endpoints.api}/board")
    if endpoints.ingest or endpoints.api:
        console.print(
            "  Kunci API / API keys: tanpa kunci hanya agregat publik / without one, public aggregates only;\n"
            "    satudata keys create --role admin --name saya   (kirim / send: X-API-Key: <kunci / key>)"
        )
    console.print("Hentikan dengan / stop with Ctrl+C")


async def demo_feed(settings: Settings) -> None:
    """Synthetic records of every feed from one synthetic NTT (NIKs and KKs join across feeds): the last
    DEMO_BACKFILL_MONTHS months at once, so trends have a past, then the current month at a steady rate."""
    from satudata.kafka import BulkProducer

    today = date.today()
    producer = BulkProducer(settings.kafka.bootstrap)
    try:
        for back in range(DEMO_BACKFILL_MONTHS, 0, -1):
            month = _months_before(today, back)
            happened = await asyncio.to_thread(_demo_events, month, settings.synth.seed + back, today)
            for start in range(0, len(happened), DEMO_BATCH):
                await asyncio.to_thread(producer.publish_batch, _records(happened[start : start + DEMO_BATCH]))
            log.info("demo.month_backfilled", month=month, events=len(happened))
        for seed in itertools.count(settings.synth.seed):
            happened = await asyncio.to_thread(_demo_events, today.strftime("%Y-%m"), seed, today)
            for start in range(0, len(happened), int(DEMO_EVENTS_PER_S)):
                chunk = happened[start : start + int(DEMO_EVENTS_PER_S)]
                await asyncio.to_thread(producer.publish_batch, _records(chunk))
                await asyncio.sleep(1.0)  # the demo's pace, not a wait for a condition
            log.info("demo.batch_published", seed=seed, events=len(happened))
    finally:
        producer.close()


def _demo_events(month: str, seed: int, today: date) -> list[dict[str, Any]]:
    from satudata.synth import generate_all

    batch = generate_all(month=month, count=DEMO_BATCH, seed=seed, bad_rate=0.02, dup_rate=0.01, correction_rate=0.02)
    # Records dated after today would only be quarantined as "in the future"; the demo shows today.
    return [e for e in batch.events if _happened(e) <= today.isoformat()]


def _months_before(today: date, months: int) -> str:
    from satudata.indicators import shift_period

    return shift_period(today.replace(day=1), -months).strftime("%Y-%m")


def _happened(event: dict[str, Any]) -> str:
    from satudata import events

    feed = events.feed_for_type(str(event["type"]))
    value = (event.get("data") or {}).get(feed.date_field, "") if feed else ""
    return f"{value}-01-01" if isinstance(value, int) else str(value)


def _records(chunk: list[dict[str, Any]]) -> list[tuple[str, bytes, bytes]]:
    return [(event_topic(event), str(event.get("subject") or "").encode(), _dumps(event)) for event in chunk]


def event_topic(event: dict[str, object]) -> str:
    from satudata import events

    feed = events.feed_for_type(str(event["type"]))
    assert feed is not None
    return feed.raw_topic


def _dumps(event: dict[str, object]) -> bytes:
    import orjson

    return orjson.dumps(event)


def up(
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Alirkan data sintetis / stream synthetic feeds."),
    api_port: int = typer.Option(8000, help="Port API & papan / API port."),
    ingest_port: int = typer.Option(8001, help="Port ingest HTTP / ingest HTTP port."),
    host: str = typer.Option("127.0.0.1", help="Alamat / bind address."),
) -> None:
    """Jalankan semuanya dalam satu proses / run everything in one process: local Kafka, ingest, quality,
    indicators, api, embedded ClickHouse."""
    settings = get_settings()
    configure_logging()
    embedded.run(
        settings,
        local_broker=True,
        host=host,
        ingest_port=ingest_port,
        api_port=api_port,
        on_ready=_announce,
        demo=demo_feed if demo else None,
    )


def run(
    service: str = typer.Argument(..., help="ingest | quality | indicators | api"),
    port: int = typer.Option(8000, help="Port HTTP (ingest, api)."),
    host: str = typer.Option("0.0.0.0", help="Alamat / bind address."),
) -> None:
    """Jalankan satu layanan / run one service alone (distributed mode), against the configured Kafka and
    ClickHouse."""
    if service not in embedded.SERVICES:
        console.print(f"[red]Layanan tidak dikenal / unknown service {service!r}[/]: {', '.join(embedded.SERVICES)}")
        raise typer.Exit(2)
    settings = get_settings()
    configure_logging()
    embedded.run(
        settings,
        (service,),  # type: ignore[arg-type]
        local_broker=False,
        host=host,
        ingest_port=port,
        api_port=port,
        on_ready=_announce,
    )


def selftest(
    count: int = typer.Option(1500, help="Rekaman per feed / records per feed to publish."),
    seed: int = typer.Option(53),
    timeout: float = typer.Option(180.0, help="Detik menunggu angka / seconds to wait for the numbers."),
) -> None:
    """Uji seluruh sistem / test the whole system: start it in a temporary folder, publish a synthetic month,
    compare the API with the truth; exit 0 on PASS, 1 on FAIL."""
    from services.selftest import run_selftest

    report = run_selftest(
        count=count, seed=seed, timeout_s=timeout, on_progress=lambda text: console.print(f"[dim]… {text}[/]")
    )
    table = Table(title=f"Swauji / self-test {report.month}")
    for heading in ("indikator / indicator", "wilayah / region", "benar / truth", "API", ""):
        table.add_column(heading)
    # the province of every indicator, and any region that differs (all 22 kabupaten are compared)
    for c in (c for c in report.comparisons if c.region == "53" or not c.ok):
        table.add_row(
            c.indicator,
            c.region,
            f"{c.expected[0]}/{c.expected[1]}",
            f"{c.actual[0]}/{c.actual[1]}",
            "[green]ok[/]" if c.ok else "[red]BEDA / DIFFERS[/]",
        )
    console.print(table)
    agree = sum(c.ok for c in report.comparisons)
    console.print(
        f"sama / equal: {agree} dari / of {len(report.comparisons)} (indikator × wilayah / indicator × region)"
    )
    console.print(
        f"dikirim / published {report.published:,}; diterima / accepted {report.accepted:,}; "
        f"raw {report.raw:,} = bersih / clean {report.clean:,} + karantina / quarantined {report.quarantined:,}; "
        f"menunggu / waited {report.waited_s:.1f} s"
    )
    for problem in report.problems:
        console.print(f"[red]{problem}[/]")
    console.print("[bold green]PASS[/]" if report.passed else "[bold red]FAIL[/]")
    raise typer.Exit(0 if report.passed else 1)
