"""The parts of the store adapter that need no engine: URL forms and the shipped migration files."""

from __future__ import annotations

from pathlib import Path

import pytest

from satudata.store.connection import chdb_folder, redacted, server_dsn
from satudata.store.migrator import Migration, shipped


def test_chdb_urls_absolute_and_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert chdb_folder("chdb:///srv/satudata/clickhouse") == Path("/srv/satudata/clickhouse")
    monkeypatch.chdir(tmp_path)
    assert chdb_folder("chdb:var/clickhouse") == tmp_path.resolve() / "var" / "clickhouse"


@pytest.mark.parametrize("url", ["chdb://memory", "chdb://host/folder", "chdb:"])
def test_chdb_url_without_a_folder_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="chdb:///"):
        chdb_folder(url)


def test_server_url_keeps_credentials_and_drops_the_database() -> None:
    assert server_dsn("https://u:p@ch.example:8443/satudata?compress=lz4") == "https://u:p@ch.example:8443?compress=lz4"
    assert server_dsn("http://ch:8123") == "http://ch:8123"
    with pytest.raises(ValueError, match="satudata"):
        server_dsn("http://ch:8123/other")


def test_redacted_hides_the_password_only() -> None:
    assert redacted("http://reader:s3cret@ch:8123/satudata") == "http://reader:***@ch:8123/satudata"
    assert redacted("chdb:///x") == "chdb:///x"


def test_shipped_migrations_are_numbered_and_split_into_statements() -> None:
    migrations = shipped()
    assert [m.version for m in migrations] == sorted({m.version for m in migrations})
    first = migrations[0]
    assert (first.version, first.name) == (1, "initial")
    assert first.statements[0] == "CREATE DATABASE IF NOT EXISTS satudata"
    assert all(s.startswith("CREATE ") and "IF NOT EXISTS" in s for s in first.statements)
    assert not any(";" in s or s.lstrip().startswith("--") for s in first.statements)


def test_checksum_ignores_comments_but_not_statements() -> None:
    base = Migration(9, "x", "-- why\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n")
    recommented = Migration(9, "x", "-- a better why\nCREATE TABLE a (x UInt8) ENGINE = Memory;")
    changed = Migration(9, "x", "CREATE TABLE a (x UInt16) ENGINE = Memory;")
    assert base.checksum == recommented.checksum != changed.checksum
