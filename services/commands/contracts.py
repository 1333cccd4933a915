"""`satudata contracts check`: every feed's contract loaded through GX, its examples judged, its rules listed."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Kontrak data / data contracts (Great Expectations).", no_args_is_help=True)


@app.command("check")
def check(
    feed: list[str] = typer.Option(
        [], "--feed", help="Hanya feed ini (boleh diulang) / only this feed (repeatable); default: every feed."
    ),
    contracts: Path | None = typer.Option(
        None, "--contracts-dir", help="Folder kontrak / contracts folder (default: settings, then the checkout's)."
    ),
) -> None:
    """Muat setiap kontrak, uji contoh, cetak tabel aturan / load every contract, run its examples, print its rules.

    Keluar 0 hanya bila semua benar / exits 0 only when every suite loaded whole, every good example passed, every
    bad example failed exactly its rule, every rule has a bad example, and the compiled evaluator judged every
    example as GX did.
    """
    # Imported here: GX costs seconds, other commands should not pay for it.
    from rich.console import Console
    from rich.table import Table

    from satudata.events import FEEDS, UnknownFeedError
    from satudata.settings import Settings
    from services.quality.bootstrap import CONTRACTED_FEEDS
    from services.quality.examples import FeedCheck, check_feed
    from services.quality.suite import ContractError, contract_path, contracts_dir, read_contract

    console = Console()
    if not console.is_terminal:
        console.width = 200  # a log or a pipe: wide enough that the messages stay on one line
    unknown = [name for name in feed if name not in FEEDS]
    if unknown:
        console.print(str(UnknownFeedError(unknown[0])), markup=False, highlight=False)
        raise typer.Exit(2)
    names = feed or list(CONTRACTED_FEEDS)
    try:
        directory = contracts_dir(contracts or Settings().quality.contracts_dir)
    except ContractError as error:
        console.print(str(error), markup=False, highlight=False)
        raise typer.Exit(1) from None

    results: list[FeedCheck] = []
    with console.status("memeriksa kontrak / checking contracts"):
        for name in names:
            f = FEEDS[name]
            try:
                contract = read_contract(f, contract_path(f, directory))
            except ContractError as error:
                results.append(FeedCheck(name, error=str(error)))
                continue
            results.append(check_feed(contract, directory))

    rules = Table(title="Aturan kontrak / contract rules", show_lines=False)
    for column in ("feed", "rule", "severity", "pesan (Bahasa Indonesia)", "message (English)"):
        rules.add_column(column, overflow="fold")
    for result in results:
        for reason in result.contract.reasons if result.contract else ():
            rules.add_row(result.feed, reason.rule, reason.severity, reason.message_id, reason.message_en)
    console.print(rules)

    summary = Table(title="Hasil / results")
    for column in ("feed", "expectations", "compiled", "good", "bad", "status"):
        summary.add_column(column)
    for result in results:
        written = len(result.contract.reasons) if result.contract else 0
        status = "[green]OK[/green]" if result.ok else "[red]GAGAL / FAILED[/red]"
        loaded = f"{result.loaded}/{written}"
        summary.add_row(result.feed, loaded, str(result.compiled), str(result.good), str(result.bad), status)
    console.print(summary)

    for result in results:
        if result.error:
            console.print(f"{result.feed}: {result.error}", markup=False, highlight=False)
        for miss in result.mismatches:
            # Event ids and rule names only: an example's content (a NIK) never reaches the terminal.
            console.print(
                f"{result.feed} {miss.event_id}: diharapkan / expected {miss.expected or '[]'}, "
                f"didapat / got {miss.got or '[]'}",
                markup=False,
                highlight=False,
            )
        for miss in result.evaluator_differences:
            console.print(
                f"{result.feed} {miss.event_id}: evaluator terkompilasi berbeda dengan GX / the compiled evaluator "
                f"differs from GX: GX {miss.expected or '[]'}, compiled {miss.got or '[]'}",
                markup=False,
                highlight=False,
            )
        if result.uncovered:
            rules = ", ".join(result.uncovered)
            console.print(
                f"{result.feed}: aturan tanpa contoh buruk / rules without a bad example: {rules}",
                markup=False,
                highlight=False,
            )
    if not all(result.ok for result in results):
        raise typer.Exit(1)
    console.print(f"Semua kontrak benar / every contract is right ({len(results)} feed).")
