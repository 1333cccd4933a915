"""`satudata publish FILE --feed F --source S`: a CSV or XLSX file as an agency keeps it → the raw topic.

Through the ingest upload endpoint (default), or straight to Kafka with `--kafka` using the same mapping code and
the same ledger of published ids, so the two ways never publish one row twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

DEFAULT_INGEST_URL = "http://127.0.0.1:8001"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_FROM_BYTES = 1024 * 1024  # below this an upload is over before a bar could say anything
PROGRESS_FROM_ROWS = 5000
CHUNK_BYTES = 64 * 1024

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

console = Console()
errors = Console(stderr=True)


def publish(
    file: Path = typer.Argument(..., help="Berkas CSV atau XLSX / a CSV or XLSX file."),
    feed: str = typer.Option(..., "--feed", help="Nama feed / feed name, e.g. child_measurement."),
    source: str = typer.Option(..., "--source", help="Unit pengirim / publishing unit, e.g. puskesmas/5301010."),
    ingest_url: str | None = typer.Option(None, "--ingest-url", help=f"Ingest HTTP (default {DEFAULT_INGEST_URL})."),
    kafka: str | None = typer.Option(None, "--kafka", help="Langsung ke Kafka / straight to Kafka: BOOTSTRAP."),
    timeout: float = typer.Option(120.0, "--timeout", min=1.0, help="Detik / seconds to wait for an answer."),
    api_key: str | None = typer.Option(
        None, "--key", envvar="SATUDATA_API_KEY", help="Kunci API publisher / publisher API key (through ingest)."
    ),
) -> None:
    """Terbitkan berkas instansi / publish an agency's file; exit 0 all published (or already), 1 rows refused
    or not confirmed, 2 usage or file error."""
    from satudata.events import FEEDS

    if feed not in FEEDS:
        _fail(f"feed tidak dikenal / unknown feed {feed!r}; dikenal / known: {', '.join(FEEDS)}")
    if ingest_url is not None and kafka is not None:
        _fail("pilih --ingest-url atau --kafka, bukan keduanya / choose --ingest-url or --kafka, not both")
    if not source.strip():
        _fail("--source kosong / --source is empty")
    try:
        raw = file.read_bytes()
    except OSError as error:
        _fail(f"tidak dapat membaca / cannot read {file}: {error.strerror}")
    if kafka is not None:
        report = _via_kafka(raw, feed, source.strip(), kafka, timeout)
    else:
        report = _via_http(raw, feed, source.strip(), ingest_url or DEFAULT_INGEST_URL, timeout, api_key)
    _print_report(report)
    raise typer.Exit(EXIT_REFUSED if report["refused"] else EXIT_OK)


def _fail(message: str, code: int = EXIT_USAGE) -> Any:
    errors.print(message, markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _via_http(raw: bytes, feed: str, source: str, base_url: str, timeout: float, api_key: str | None) -> dict[str, Any]:
    import httpx

    kind = XLSX if raw.startswith(b"PK\x03\x04") else "text/csv"
    url = f"{base_url.rstrip('/')}/v1/uploads/{feed}"
    with Progress(console=errors, transient=True, disable=len(raw) < PROGRESS_FROM_BYTES) as progress:
        task = progress.add_task("Mengunggah / uploading", total=len(raw))

        def body() -> Iterator[bytes]:
            for start in range(0, len(raw), CHUNK_BYTES):
                chunk = raw[start : start + CHUNK_BYTES]
                yield chunk
                progress.advance(task, len(chunk))

        try:
            response = httpx.post(
                url,
                params={"source": source},
                content=body(),
                headers={"content-type": kind, "content-length": str(len(raw))}
                | ({"X-API-Key": api_key} if api_key else {}),
                timeout=timeout,
            )
        except httpx.HTTPError as error:
            _fail(f"ingest tidak terjangkau / ingest unreachable at {url}: {type(error).__name__}", EXIT_REFUSED)
    if response.status_code in (200, 202):
        return response.json()
    _print_problem(response)
    raise typer.Exit(EXIT_USAGE if 400 <= response.status_code < 500 else EXIT_REFUSED)


def _print_problem(response: Any) -> None:
    try:
        problem = response.json()
    except ValueError:
        problem = {"title": f"HTTP {response.status_code}", "detail": response.text[:500]}
    errors.print(f"{problem.get('title')}: {problem.get('detail')}", markup=False, highlight=False, soft_wrap=True)
    for missing in problem.get("missing", []):
        accepted = ", ".join(missing["accepted_headers"])
        errors.print(f"  {missing['field']}: {accepted}", markup=False, highlight=False, soft_wrap=True)


def _via_kafka(raw: bytes, feed: str, source: str, bootstrap: str, timeout: float) -> dict[str, Any]:
    from satudata.events import FEEDS, UPLOADS_TOPIC
    from satudata.kafka import ensure_topics
    from satudata.kafka.ledger import KafkaIdLedger
    from satudata.kafka.publisher import KafkaPublisher
    from services.ingest.uploads import (
        LedgerUnavailableError,
        PublishFailedError,
        UnreadableFileError,
        Uploader,
        read_sheet,
    )
    from services.ingest.uploads.mapping import AmbiguousColumnsError, MissingColumnsError
    from services.ingest.uploads.service import plan_sheet

    try:
        sheet = read_sheet(raw)
        _, sheet = plan_sheet(feed, sheet)  # a file error is told before Kafka is even asked
    except UnreadableFileError as error:
        _fail(f"berkas tidak dapat dibaca / the file cannot be read: {error}")
    except MissingColumnsError as error:
        lines = [f"  {field}: {', '.join(headers)}" for field, headers in error.missing.items()]
        _fail("kolom wajib tidak ada / required columns missing:\n" + "\n".join(lines))
    except AmbiguousColumnsError as error:
        _fail(f"beberapa kolom untuk / several columns for {error.field}: {', '.join(error.headers)}")
    try:
        ensure_topics(bootstrap, [FEEDS[feed].raw_topic, UPLOADS_TOPIC], timeout_s=timeout)
    except Exception as error:
        _fail(f"Kafka tidak terjangkau / Kafka unreachable at {bootstrap}: {type(error).__name__}", EXIT_REFUSED)
    publisher = KafkaPublisher(bootstrap, timeout_s=timeout, client_id="satudata-publish")
    ledger = KafkaIdLedger(bootstrap, UPLOADS_TOPIC, publisher, timeout_s=timeout)
    try:
        with Progress(console=errors, transient=True, disable=sheet.total_rows < PROGRESS_FROM_ROWS) as progress:
            task = progress.add_task("Mengonversi & menerbitkan / converting & publishing", total=sheet.total_rows)
            report = Uploader(publisher, ledger).upload(
                feed, source, sheet, on_progress=lambda rows: progress.advance(task, rows)
            )
    except (LedgerUnavailableError, PublishFailedError) as error:
        _fail(f"Kafka tidak mengonfirmasi / Kafka did not confirm: {type(error).__name__}", EXIT_REFUSED)
    finally:
        publisher.close()
    return report.to_dict()


def _print_report(report: dict[str, Any]) -> None:
    refused = report["refused"]
    if refused:
        table = Table(title="Ditolak / refused")
        for heading in ("baris / row", "kolom / column", "masalah / problem"):
            table.add_column(heading)
        for problem in refused:
            table.add_row(str(problem["row"]), problem["column"], problem["problem"])
        console.print(table)
    bad_rows = len({p["row"] for p in refused})
    console.print(
        f"{report['feed']} dari / from {report['source']}: {report['rows']:,} baris / rows; "
        f"diterbitkan / published {report['published']:,}; sudah / already published "
        f"{report['already_published']:,}; ditolak / refused {bad_rows:,}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if report.get("ignored_columns"):
        ignored = ", ".join(report["ignored_columns"])
        console.print(f"kolom diabaikan / ignored columns: {ignored}", markup=False, highlight=False, soft_wrap=True)
