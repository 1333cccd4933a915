"""`satudata anthro`: WHO z-scores for a CSV of children, like WHO Anthro's calculator."""

from __future__ import annotations

from pathlib import Path

import typer


def anthro(
    input_csv: Path = typer.Argument(
        ...,
        exists=True,
        dir_okay=False,
        help="CSV anak / children: sex, age_days (atau/or birth_date + measure_date), weight_kg, lenhei_cm, "
        "measure, oedema, muac_cm. Pemisah koma atau titik koma / comma or semicolon separated.",
    ),
    output: Path = typer.Option(..., "-o", "--output", help="CSV keluaran / output: input + z-scores."),
    by: str | None = typer.Option(None, "--by", help="Kolom kelompok / column for prevalence groups."),
) -> None:
    """Z-score WHO seperti WHO Anthro / WHO z-scores and prevalence, like WHO Anthro's calculator."""
    # Imported here so that other commands do not pay for numpy, polars and the LMS tables at start-up.
    import polars as pl
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from satudata.growth import calculator

    chunk_rows = 100_000
    console, errors = Console(), Console(stderr=True)
    with input_csv.open("rb") as handle:
        header = handle.readline().decode("utf-8", "replace")
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        table = pl.read_csv(input_csv, separator=separator, infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as error:
        message = f"Berkas tidak dapat dibaca sebagai CSV / the file cannot be read as CSV: {error}"
        errors.print(message, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    parts, counts = [], []
    try:
        with Progress(console=errors, disable=table.height <= chunk_rows) as progress:
            task = progress.add_task("Menghitung z-score / computing z-scores", total=table.height)
            for start in range(0, max(table.height, 1), chunk_rows):
                chunk = table.slice(start, chunk_rows)
                result = calculator.calculate(chunk, first_row=start + calculator.HEADER_ROWS + 1, by=by)
                parts.append(result.table)
                if by is not None:
                    counts.append(calculator.prevalence_counts(result.scored))
                progress.advance(task, chunk.height)
    except calculator.AnthroInputError as error:
        message = f"Galat: {error.message_id}\nError: {error.message_en}"
        errors.print(message, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    # Answer in the user's own style: a semicolon file with decimal commas is what Excel writes in Indonesia.
    decimal_comma = separator == ";" and calculator.has_decimal_comma(table)
    try:
        result = pl.concat(parts)
        result.write_csv(output, separator=separator, decimal_comma=decimal_comma, float_precision=2)
    except OSError as error:
        errors.print(f"Tidak dapat menulis / cannot write {output}: {error}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    console.print(f"{table.height:,} baris / rows -> {output}", markup=False, highlight=False)
    if by is not None and table.height > 0:
        shares = Table(title=f"Prevalensi per '{by}' / prevalence by '{by}' (% of n)")
        for heading in ("Kelompok / group", "Indikator / indicator", "n", "< -3 SD", "< -2 SD", "> +2 SD"):
            shares.add_column(heading, justify="left" if "/" in heading else "right")
        for row in calculator.prevalence(pl.concat(counts)).iter_rows(named=True):
            cells = [row["below_minus3_pct"], row["below_minus2_pct"], row["above_plus2_pct"]]
            shares.add_row(
                row["group"],
                calculator.INDICATOR_LABELS[row["indicator"]],
                str(row["n"]),
                *("-" if cell is None else f"{cell:.1f}" for cell in cells),
            )
        console.print(shares)
