"""Numbered SQL migrations shipped inside the package, applied in order, once each.

A file `NNN_name.sql` holds plain ClickHouse SQL statements separated by `;` (no `;` inside literals: the
split is textual, because a ClickHouse server runs one statement per request). Every statement is written
to be safe to repeat (IF NOT EXISTS), so a process that dies between a statement and its record simply
applies the migration again at the next start.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from clickhouse_connect.driver import Client

from satudata.logs import get_logger
from satudata.store.connection import DATABASE

MIGRATIONS_TABLE = f"{DATABASE}.schema_migrations"
_FILE_NAME = re.compile(r"(?P<version>[0-9]{3})_(?P<name>[a-z0-9_]+)\.sql")

log = get_logger(__name__)


class MigrationChangedError(RuntimeError):
    """An applied migration's statements differ from the file shipped now: history must not be rewritten."""

    def __init__(self, version: int, name: str) -> None:
        super().__init__(
            f"Migrasi {version:03d}_{name} sudah diterapkan tetapi isinya berubah; jangan ubah migrasi lama, "
            f"tambahkan yang baru. / Migration {version:03d}_{name} was applied but its statements changed; "
            f"never edit an applied migration, add a new one."
        )


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @cached_property
    def statements(self) -> tuple[str, ...]:
        lines = [line for line in self.sql.splitlines() if not line.lstrip().startswith("--")]
        return tuple(s.strip() for s in "\n".join(lines).split(";") if s.strip())

    @cached_property
    def checksum(self) -> str:
        # Over the statements, not the file: improving a comment must not look like rewriting history.
        return hashlib.sha256("\n;\n".join(self.statements).encode()).hexdigest()


def shipped() -> list[Migration]:
    """The migrations inside the package, by version."""
    folder = resources.files("satudata.store").joinpath("migrations")
    found: dict[int, Migration] = {}
    for entry in folder.iterdir():
        match = _FILE_NAME.fullmatch(entry.name)
        if not match:
            continue
        version = int(match["version"])
        if version in found:
            names = f"{found[version].name}, {match['name']}"
            raise RuntimeError(f"two migrations numbered {version:03d}: {names}")
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return [found[v] for v in sorted(found)]


def applied(client: Client) -> dict[int, str]:
    """Version → checksum of the migrations already recorded (none before the first one ran)."""
    if not client.command(f"EXISTS TABLE {MIGRATIONS_TABLE}"):
        return {}
    rows = client.query(f"SELECT version, checksum FROM {MIGRATIONS_TABLE} FINAL").result_rows
    return {int(version): str(checksum) for version, checksum in rows}


def migrate(client: Client) -> list[int]:
    """Apply every shipped migration not yet recorded, in order; return the versions applied now."""
    done = applied(client)
    now: list[int] = []
    for migration in shipped():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                raise MigrationChangedError(migration.version, migration.name)
            continue
        for statement in migration.statements:
            client.command(statement)
        client.insert(
            MIGRATIONS_TABLE,
            [(migration.version, migration.name, migration.checksum)],
            column_names=["version", "name", "checksum"],
        )
        log.info("migration applied", version=migration.version, name=migration.name)
        now.append(migration.version)
    return now
