"""`satudata synth`: seeded synthetic CloudEvents and the truth behind them."""

from __future__ import annotations

from pathlib import Path

import typer


def synth(
    feed: str = typer.Option(..., "--feed", help="Nama feed, atau 'all' / feed name, or 'all' (every feed)."),
    month: str = typer.Option(..., "--month", help="Bulan / month, YYYY-MM."),
    count: int = typer.Option(1000, "--count", min=0, help="Rekaman per feed / records per feed."),
    seed: int | None = typer.Option(None, "--seed", help="Benih acak / random seed (default: settings)."),
    bad_rate: float = typer.Option(0.0, "--bad-rate", min=0.0, max=1.0, help="Rekaman salah / invalid."),
    dup_rate: float = typer.Option(0.0, "--dup-rate", min=0.0, max=1.0, help="Duplikat / duplicates."),
    correction_rate: float = typer.Option(0.0, "--correction-rate", min=0.0, max=1.0, help="Koreksi."),
    late_rate: float = typer.Option(0.0, "--late-rate", min=0.0, max=1.0, help="Terlambat / late."),
    output: Path = typer.Option(..., "-o", "--output", help="NDJSON; kebenaran / truth: <name>.truth.json."),
) -> None:
    """Data sintetis berbenih + kebenarannya / seeded synthetic CloudEvents and the truth behind them."""
    # Imported here so that other commands do not pay for numpy and the region master at start-up.
    import orjson
    from rich.console import Console
    from rich.progress import Progress

    from satudata.events import FEEDS, UnknownFeedError
    from satudata.settings import get_settings
    from satudata.synth import generate

    console = Console(stderr=True)
    if feed != "all" and feed not in FEEDS:
        message = f"{UnknownFeedError(feed)} (atau / or 'all')"
        console.print(message, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2)
    settings = get_settings()
    with console.status(f"membuat / generating {feed} {month} x{count}"):
        try:
            batch = generate(
                feed,
                month=month,
                count=count,
                seed=settings.synth.seed if seed is None else seed,
                bad_rate=bad_rate,
                dup_rate=dup_rate,
                correction_rate=correction_rate,
                late_rate=late_rate,
                extreme_poverty_line_rp=settings.extreme_poverty_line_rp,
            )
        except ValueError as error:
            console.print(str(error), markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
    truth_path = output.with_name(output.name.removesuffix(output.suffix) + ".truth.json")
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as sink, Progress(console=console, transient=True) as progress:
        total = len(batch.events)
        task = progress.add_task("menulis / writing", total=total, visible=total >= 10_000)
        for start in range(0, len(batch.events), 5000):
            chunk = batch.events[start : start + 5000]
            sink.write(b"".join(orjson.dumps(event) + b"\n" for event in chunk))
            progress.advance(task, len(chunk))
    truth_path.write_bytes(batch.truth.to_json())
    summary = f"{len(batch.events):,} events -> {output}; truth / kebenaran -> {truth_path}"
    console.print(summary, markup=False, highlight=False, soft_wrap=True)
