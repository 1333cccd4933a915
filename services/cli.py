"""The composition root: every `satudata` command. Commands parse options, build what they need, and call
the kernel or a service; the logic lives there, not here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="satudata",
    help="Satu Data NTT: satu pipa data, satu aturan, satu cara menghitung / one data pipe, one rule set, one count.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Commands are added below, one function each.


if __name__ == "__main__":
    app()
