"""`satudata indicators list|rebuild`: the indicator registry, and recounting after a change of method."""

from __future__ import annotations

import re
from datetime import date

import typer

app = typer.Typer(
    help="Indikator / indicators: daftar dan hitung ulang / the registry and rebuilds.", no_args_is_help=True
)
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _month(text: str) -> date:
    match = _MONTH.match(text)
    if match is None:
        raise typer.BadParameter(f"bukan bulan YYYY-MM / not a YYYY-MM month: {text!r}")
    return date(int(match[1]), int(match[2]), 1)


@app.command("list")
def indicators_list() -> None:
    """Daftar indikator / the indicator registry: code, method, target, name."""
    from rich.console import Console
    from rich.table import Table

    from satudata.indicators import INDICATORS

    table = Table("code", "metode / method", "target", "nama / name")
    for indicator in INDICATORS.values():
        target = "" if indicator.target is None else f"{indicator.target:.0%}"
        table.add_row(indicator.code, indicator.method, target, f"{indicator.name_id} / {indicator.name_en}")
    Console().print(table)


@app.command("rebuild")
def indicators_rebuild(
    first: str = typer.Option(..., "--from", help="Bulan pertama / first month, YYYY-MM."),
    last: str = typer.Option(..., "--to", help="Bulan terakhir / last month, YYYY-MM (inclusive)."),
    timeout_s: float = typer.Option(600.0, "--timeout", min=1, help="Detik menunggu / seconds to wait for answers."),
) -> None:
    """Hitung ulang indikator dari fakta / recount every indicator of these months from the facts, with today's
    rules and settings (after a change of method, e.g. the extreme-poverty line). The running indicators service
    does the work, partition by partition in order with the live stream, so the numbers stay consistent."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from satudata import events
    from satudata.kafka import ensure_all_topics
    from satudata.settings import Settings
    from services.indicators import COUNTED_FEEDS
    from services.indicators.rebuild import RebuildDone, RebuildTimeoutError, request_rebuild

    start, end = _month(first), _month(last)
    if start > end:
        raise typer.BadParameter("--from sesudah --to / --from is after --to")
    settings = Settings()
    ensure_all_topics(settings)
    topics = {feed: events.feed(feed).clean_topic for feed in COUNTED_FEEDS}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        task = progress.add_task("partisi dihitung ulang / partitions recounted", total=None)

        def answered(done: RebuildDone, expected: int) -> None:
            progress.update(task, total=expected, advance=1, description=f"{done.feed}/{done.partition}")

        try:
            answers = request_rebuild(
                settings.kafka.bootstrap, topics, start, end, timeout_s=timeout_s, on_answer=answered
            )
        except RebuildTimeoutError as error:
            typer.echo(str(error), err=True)
            raise typer.Exit(1) from None
    changed = sum(done.sums for done in answers)
    typer.echo(
        f"selesai / done: {len(answers)} partisi / partitions, {changed} jumlah berubah / sums changed "
        f"({first}..{last}); konvergensi dihitung ulang berikutnya / convergence recomputed on its next run"
    )
