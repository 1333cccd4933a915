"""`satudata keys create|list|revoke`: API keys, kept hashed in a compacted Kafka topic (satudata.kafka.keyring),
so these commands work from any shell while `satudata up` runs (the broker, unlike chDB, serves many processes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    from satudata.kafka.keyring import KafkaKeyring

app = typer.Typer(
    help="Kunci API / API keys: buat, daftar, cabut / create, list, revoke.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True)
EXIT_REFUSED, EXIT_USAGE = 1, 2

_KAFKA = typer.Option(None, "--kafka", help="Kafka BOOTSTRAP (bawaan / default SATUDATA_KAFKA__BOOTSTRAP).")
_TIMEOUT = typer.Option(30.0, "--timeout", min=1.0, help="Detik / seconds to wait for Kafka.")


def _fail(message: str, code: int) -> Any:
    errors.print(f"[red]{message}[/]")
    raise typer.Exit(code)


@contextmanager
def _keyring(kafka: str | None, timeout: float) -> Iterator[KafkaKeyring]:
    from satudata.events import KEYS_TOPIC
    from satudata.kafka import ensure_topics
    from satudata.kafka.keyring import KafkaKeyring
    from satudata.kafka.publisher import KafkaPublisher
    from satudata.settings import get_settings

    bootstrap = kafka or get_settings().kafka.bootstrap
    try:
        ensure_topics(bootstrap, [KEYS_TOPIC], timeout_s=timeout)
    except Exception as error:
        _fail(f"Kafka tidak terjangkau / Kafka unreachable at {bootstrap}: {type(error).__name__}", EXIT_REFUSED)
    publisher = KafkaPublisher(bootstrap, timeout_s=timeout, client_id="satudata-keys")
    keyring = KafkaKeyring(bootstrap, publisher, timeout_s=timeout)
    try:
        yield keyring
    finally:
        keyring.close()
        publisher.close()


@app.command("create")
def create(
    role: str = typer.Option(..., "--role", help="publisher | operator | official | admin"),
    name: str = typer.Option(..., "--name", help="Untuk siapa / who holds it, e.g. 'Dinkes Kota Kupang'."),
    agency: str | None = typer.Option(None, "--agency", help="publisher: instansi / agency (source before '/')."),
    feeds: list[str] = typer.Option([], "--feed", help="publisher: feed yang boleh / a feed it may publish."),
    kafka: str | None = _KAFKA,
    timeout: float = _TIMEOUT,
) -> None:
    """Buat kunci / create a key; its text is shown once, only its hash is kept."""
    from satudata.access import KeyScopeError, Role, check_scope, generate
    from satudata.events import FEEDS

    try:
        chosen = Role(role)
    except ValueError:
        _fail(f"peran tidak dikenal / unknown role {role!r}; dikenal / known: {', '.join(Role)}", EXIT_USAGE)
    if not name.strip():
        _fail("--name kosong / --name is empty", EXIT_USAGE)
    try:
        check_scope(chosen, agency, feeds, list(FEEDS))
    except KeyScopeError as error:
        _fail(str(error), EXIT_USAGE)
    plaintext, record = generate(chosen, name.strip(), agency=agency, feeds=frozenset(feeds))
    with _keyring(kafka, timeout) as keyring:
        try:
            keyring.put(record)
        except Exception as error:
            _fail(f"Kafka tidak mengonfirmasi / Kafka did not confirm: {type(error).__name__}", EXIT_REFUSED)
    console.print(f"kunci dibuat / key created: {record.key_id} ({record.role.value})")
    console.print(plaintext, soft_wrap=True, highlight=False)
    console.print(
        "[yellow]Simpan kunci ini sekarang: ia tidak akan ditampilkan lagi (hanya hash-nya yang disimpan). / "
        "Store this key now: it will not be shown again (only its hash is kept).[/]"
    )
    console.print("Kirim sebagai header / send it as the header  X-API-Key: <kunci / key>")


@app.command("list")
def list_keys(kafka: str | None = _KAFKA, timeout: float = _TIMEOUT) -> None:
    """Daftar kunci / list keys (never their secrets or hashes), revoked ones included."""
    from satudata.access import KeyringUnavailableError

    with _keyring(kafka, timeout) as keyring:
        try:
            records = keyring.all()
        except KeyringUnavailableError as error:
            _fail(f"daftar kunci tidak terbaca / keys cannot be read: {error}", EXIT_REFUSED)
    table = Table()
    table.add_column("id", no_wrap=True, min_width=12)
    for heading in (
        "nama / name",
        "peran / role",
        "instansi / agency",
        "feed",
        "dibuat / created",
        "dicabut / revoked",
    ):
        table.add_column(heading, overflow="fold")  # a narrow terminal wraps, never cuts, what an admin reads
    for r in records:
        table.add_row(
            r.key_id,
            r.name,
            r.role.value,
            r.agency or "",
            ", ".join(sorted(r.feeds)),
            r.created_at.strftime("%Y-%m-%d %H:%M"),
            r.revoked_at.strftime("%Y-%m-%d %H:%M") if r.revoked_at else "",
        )
    Console().print(table)  # built now, so it reads the terminal's width (COLUMNS) of this call


@app.command("revoke")
def revoke(
    key_id: str = typer.Argument(..., help="Id kunci / key id (12 hex, the part after sdn_)."),
    kafka: str | None = _KAFKA,
    timeout: float = _TIMEOUT,
) -> None:
    """Cabut kunci / revoke a key: refused everywhere within a second or two."""
    from satudata.access import KeyringUnavailableError, is_key_id

    if not is_key_id(key_id):
        _fail(f"bukan id kunci (12 hex) / not a key id (12 hex): {key_id[:16]!r}", EXIT_USAGE)
    with _keyring(kafka, timeout) as keyring:
        try:
            record = keyring.lookup(key_id)
        except KeyringUnavailableError as error:
            _fail(f"daftar kunci tidak terbaca / keys cannot be read: {error}", EXIT_REFUSED)
        if record is None:
            _fail(f"kunci tidak ada / no such key: {key_id}", EXIT_REFUSED)
        if record.revoked:
            console.print(f"sudah dicabut / already revoked: {key_id}")
            return
        keyring.put(record.revoke())
    console.print(f"dicabut / revoked: {key_id}")
