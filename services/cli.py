"""The composition root: every `satudata` command, one module each in services/commands/. Commands parse options,
build what they need (services/bootstrap.py, services/embedded.py) and call the kernel or a service; the logic
lives there, not here."""

from __future__ import annotations

import typer

from services.commands import anthro, contracts, grafana, indicators, kafka, keys, publish, stack, synth

app = typer.Typer(
    name="satudata",
    help="Satu Data NTT: satu pipa data, satu aturan, satu cara menghitung / one data pipe, one rule set, one count.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

app.command("up")(stack.up)
app.command("run")(stack.run)
app.command("selftest")(stack.selftest)
app.add_typer(kafka.app, name="kafka")
app.command("anthro")(anthro.anthro)
app.command("synth")(synth.synth)
app.add_typer(contracts.app, name="contracts")
app.add_typer(indicators.app, name="indicators")
app.command("publish")(publish.publish)
app.add_typer(grafana.app, name="grafana")
app.add_typer(keys.app, name="keys")


if __name__ == "__main__":
    app()
