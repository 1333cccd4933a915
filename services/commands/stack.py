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


def _announce(endpoints: embedded.Endpoints) -> None:
    console.print("[bold green]Satu Data NTT berjalan / is running[/]")
    console.print(f"  Kafka            {endpoints.bootstrap}")
    if endpoints.ingest:
        console.print(f"  Ingest (HTTP)    {endpoints.ingest}/v1/events")
    if endpoints.api:
        console.print(f"  API              {endpoints.api}/v1/indicators/stunting_prevalence?region=53")
        console.print(f"  OpenAPI          {endpoints.api}/docs")
    console.print("Hentikan dengan / stop with Ctrl+C")


async def demo_feed(settings: Settings) -> None:
    """Synthetic child measurements of the current month, published at a steady rate, so the numbers move."""
    from satudata.kafka import BulkProducer
    from satudata.synth import generate

    today = date.today()
    month = today.strftime("%Y-%m")
    producer = BulkProducer(settings.kafka.bootstrap)
    try:
        for seed in itertools.count(settings.synth.seed):
            batch = await asyncio.to_thread(
                generate,
                "child_measurement",
                month=month,
                count=DEMO_BATCH,
                seed=seed,
                bad_rate=0.02,
                dup_rate=0.01,
                correction_rate=0.02,
            )
            # Measurements dated after today would only be quarantined as "in the future"; the demo shows today.
            happened = [e for e in batch.events if _measured(e) <= today.isoformat()]
            for start in range(0, len(happened), int(DEMO_EVENTS_PER_S)):
                chunk = happened[start : start + int(DEMO_EVENTS_PER_S)]
                records = [
                    (event_topic(event), str(event.get("subject") or "").encode(), _dumps(event)) for event in chunk
                ]
                await asyncio.to_thread(producer.publish_batch, records)
                await asyncio.sleep(1.0)  # the demo's pace, not a wait for a condition
            log.info("demo.batch_published", seed=seed, events=len(happened))
    finally:
        producer.close()


def _measured(event: dict[str, Any]) -> str:
    return str((event.get("data") or {}).get("measure_date", ""))


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
    count: int = typer.Option(3000, help="Jumlah pengukuran / child measurements to publish."),
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
    for c in report.comparisons:
        table.add_row(
            c.indicator,
            c.region,
            f"{c.expected[0]}/{c.expected[1]}",
            f"{c.actual[0]}/{c.actual[1]}",
            "[green]ok[/]" if c.ok else "[red]BEDA / DIFFERS[/]",
        )
    console.print(table)
    console.print(
        f"dikirim / published {report.published:,}; diterima / accepted {report.accepted:,}; "
        f"raw {report.raw:,} = bersih / clean {report.clean:,} + karantina / quarantined {report.quarantined:,}; "
        f"menunggu / waited {report.waited_s:.1f} s"
    )
    for problem in report.problems:
        console.print(f"[red]{problem}[/]")
    console.print("[bold green]PASS[/]" if report.passed else "[bold red]FAIL[/]")
    raise typer.Exit(0 if report.passed else 1)
