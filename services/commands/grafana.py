"""`satudata grafana build|sync`: the boards as Grafana dashboards, data source and alert rules, written to
deploy/grafana/ (committed) or pushed to a running Grafana."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Grafana: papan sebagai kode / boards as code.", no_args_is_help=True)
_ENV = "SATUDATA_GRAFANA_CLICKHOUSE_"


@app.command("build")
def build(
    out: Path | None = typer.Option(None, "--out", help="Folder tujuan / target folder (default: deploy/grafana)."),
    check: bool = typer.Option(
        False, "--check", help="Hanya bandingkan / only compare: exit 1 when the committed files differ."
    ),
) -> None:
    """Tulis dasbor, sumber data dan aturan peringatan / write dashboards, data source and alert rules."""
    from services.commands import grafana_files

    folder = out or grafana_files.DEFAULT_OUT
    files = grafana_files.rendered()
    if check:
        changed = grafana_files.differences(folder, files)
        for name in changed:
            typer.echo(f"berbeda / differs: {folder / name}")
        if changed:
            typer.echo("jalankan / run: satudata grafana build", err=True)
            raise typer.Exit(1)
        typer.echo(f"sama / up to date: {len(files)} berkas / files in {folder}")
        return
    written = grafana_files.write(folder, files)
    typer.echo(f"{len(written)} berkas ditulis / files written, {len(files) - len(written)} sama / unchanged: {folder}")


@app.command("sync")
def sync(
    url: str = typer.Option(..., "--url", envvar="SATUDATA_GRAFANA_URL", help="Grafana, e.g. http://localhost:3000"),
    token: str = typer.Option(..., "--token", envvar="SATUDATA_GRAFANA_TOKEN", help="Token akun layanan / token."),
    host: str = typer.Option("clickhouse", "--clickhouse-host", envvar=f"{_ENV}HOST"),
    port: int = typer.Option(8123, "--clickhouse-port", envvar=f"{_ENV}PORT"),
    protocol: str = typer.Option("http", "--clickhouse-protocol", envvar=f"{_ENV}PROTOCOL", help="http | native"),
    secure: bool = typer.Option(False, "--clickhouse-secure", envvar=f"{_ENV}SECURE"),
    user: str = typer.Option("default", "--clickhouse-user", envvar=f"{_ENV}USER"),
    password: str = typer.Option("", "--clickhouse-password", envvar=f"{_ENV}PASSWORD"),
) -> None:
    """Kirim ke Grafana / push data source, folder "Satu Data NTT", dashboards and alert rules (update or create)."""
    from grafana_client import GrafanaApi
    from grafana_client.client import GrafanaException

    from satudata.boards.grafana_provisioning import alert_rules, datasource
    from services.commands import grafana_files
    from services.commands.grafana_sync import sync as push

    settings = {"host": host, "port": port, "protocol": protocol, "secure": secure, "username": user}
    quality = grafana_files.quality_defaults()
    try:
        done = push(
            GrafanaApi.from_url(url, credential=token),
            datasource=datasource(settings | {"password": password}),
            dashboards=list(grafana_files.dashboards().values()),
            rules=alert_rules(quality.validity_threshold, quality.validity_min_records),
        )
    except GrafanaException as error:
        # the status and Grafana's message only: a request body could hold the data source password
        typer.echo(f"Grafana menolak / Grafana refused: {error.status_code} {error.message}", err=True)
        raise typer.Exit(1) from None
    for what, count in sorted(done.items()):
        typer.echo(f"{what}: {count}")
