"""Adapter: ClickHouse through clickhouse-connect (embedded chDB or a server), migrations and the writer."""

from satudata.store.connection import DATABASE, StoreUnavailableError, connect, redacted, wait_for
from satudata.store.migrator import MigrationChangedError, migrate
from satudata.store.writer import Store, Writer

__all__ = [
    "DATABASE",
    "MigrationChangedError",
    "Store",
    "StoreUnavailableError",
    "Writer",
    "connect",
    "migrate",
    "redacted",
    "wait_for",
]
