"""`satudata kafka start|status|stop`: the local Kafka broker."""

from __future__ import annotations

import typer

app = typer.Typer(help="Broker Kafka lokal / the local Kafka broker (KRaft, 127.0.0.1).", no_args_is_help=True)


@app.command("start")
def kafka_start(
    foreground: bool = typer.Option(False, "--foreground", help="Tetap jalan sampai Ctrl-C / run until Ctrl-C."),
    port: int | None = typer.Option(
        None,
        "--port",
        min=0,
        max=65535,
        help="0: port bebas / any free port (default: SATUDATA_KAFKA__BOOTSTRAP).",
    ),
) -> None:
    """Mulai broker lokal / start the local broker; returns once it answers (unless --foreground)."""
    import signal

    from satudata.kafka import KAFKA_VERSION, KafkaBroker, KafkaSetupError
    from satudata.settings import Settings

    # Settings(), not the cached get_settings(): each invocation reads the environment it is given.
    broker = KafkaBroker.from_settings(Settings(), port=port)
    try:
        bootstrap = broker.start()
    except KafkaSetupError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"Kafka {KAFKA_VERSION} siap / ready: {bootstrap} (log {broker.log_file})")
    if not foreground:
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it as cleanly as Ctrl-C
    try:
        broker.wait()
    except KeyboardInterrupt:
        pass
    finally:
        broker.stop()


@app.command("status")
def kafka_status() -> None:
    """Status broker lokal / the local broker's status: exit 0 when it runs and answers, else 1."""
    from satudata.kafka import broker_status
    from satudata.settings import Settings

    status = broker_status(Settings().var_dir, probe=True)
    if not status.running or status.state is None:
        typer.echo("tidak berjalan / not running")
        raise typer.Exit(1)
    s = status.state
    answer = "menjawab / answering" if status.answering else "TIDAK menjawab / NOT answering"
    typer.echo(f"berjalan / running: {s.bootstrap} (pid {s.pid}, Kafka {s.version}), {answer}; log {s.log_file}")
    raise typer.Exit(0 if status.answering else 1)


@app.command("stop")
def kafka_stop() -> None:
    """Hentikan broker lokal / stop the local broker (SIGTERM, then SIGKILL after 30 s)."""
    from satudata.kafka import stop_broker
    from satudata.settings import Settings

    stopped = stop_broker(Settings().var_dir)
    if stopped is None:
        typer.echo("tidak ada broker yang berjalan / no broker running")
    else:
        typer.echo(f"dihentikan / stopped: {stopped.bootstrap} (pid {stopped.pid})")
