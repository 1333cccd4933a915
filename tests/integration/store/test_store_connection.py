"""Connecting and waiting, on the real engine, including what chDB refuses (one engine folder per process)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from clickhouse_connect.driver import Client
from clickhouse_connect.driver.exceptions import ProgrammingError

from satudata.store import StoreUnavailableError, connect, wait_for

pytestmark = pytest.mark.integration


def test_clients_on_the_same_folder_share_the_engine(store: Client, chdb_url: str) -> None:
    store.command(
        "INSERT INTO satudata.record_outcome (feed, event_id, outcome, received_at, version) VALUES "
        "('child_measurement', 'e1', 'clean', now64(3), 1)"
    )
    other = wait_for(chdb_url, deadline=5)
    try:
        assert other.command("SELECT count() FROM satudata.record_outcome") == 1
    finally:
        other.close()
    assert store.command("SELECT 1") == 1  # closing one client leaves the others working


def test_a_second_folder_cannot_open_while_one_is_open(store: Client, tmp_path: Path) -> None:
    # The fact the test fixtures are built around; if chDB ever lifts it, this test says so.
    with pytest.raises(ProgrammingError, match="already initialized"):
        connect(f"chdb://{tmp_path / 'second'}")
    assert store.command("SELECT 1") == 1  # the refused attempt did not disturb the open engine


def test_wait_for_names_the_chdb_folder_it_could_not_open(store: Client, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    with pytest.raises(StoreUnavailableError) as raised:
        wait_for(f"chdb://{folder}", deadline=0.3, first_delay=0.1)
    message = str(raised.value)
    assert str(folder) in message and "one process" in message and "satu proses" in message


def test_wait_for_names_the_server_without_its_password() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://reader:s3cret@127.0.0.1:{port}/satudata"
    with pytest.raises(StoreUnavailableError) as raised:
        wait_for(url, deadline=0.5, first_delay=0.1)
    message = str(raised.value)
    assert f"127.0.0.1:{port}" in message and "attempt" in message
    assert "s3cret" not in message


def test_a_bad_url_fails_at_once() -> None:
    with pytest.raises(ValueError, match="scheme"):
        wait_for("mysql://x", deadline=30)
