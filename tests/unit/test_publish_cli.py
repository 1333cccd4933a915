"""`satudata publish`: usage and file errors exit 2 before anything is sent; an unreachable ingest exits 1.
Publishing itself is tested against the real broker in tests/integration/ingest/test_upload_cli.py."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.cli import app as cli
from tests.unit.ingest.upload_files import csv_bytes, good_row

runner = CliRunner()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "posyandu.csv"
    path.write_bytes(csv_bytes([good_row(1)]))
    return path


def closed_port() -> int:
    """A loopback port nobody listens on: bound, then released, and never listened on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unknown_feed(good_file: Path) -> None:
    done = runner.invoke(cli, ["publish", str(good_file), "--feed", "nope", "--source", "p/1"])
    assert done.exit_code == 2
    assert "unknown feed" in done.output


def test_both_destinations(good_file: Path) -> None:
    args = ["--ingest-url", "http://127.0.0.1:1", "--kafka", "127.0.0.1:1"]
    done = runner.invoke(cli, ["publish", str(good_file), "--feed", "child_measurement", "--source", "p/1", *args])
    assert done.exit_code == 2


def test_missing_file(tmp_path: Path) -> None:
    done = runner.invoke(cli, ["publish", str(tmp_path / "none.csv"), "--feed", "child_measurement", "--source", "p/1"])
    assert done.exit_code == 2
    assert "cannot read" in done.output


def test_unreadable_file_straight_to_kafka_never_contacts_kafka(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0old")
    done = runner.invoke(
        cli, ["publish", str(path), "--feed", "child_measurement", "--source", "p/1", "--kafka", "127.0.0.1:1"]
    )
    assert done.exit_code == 2
    assert ".xlsx" in done.output


def test_missing_column_straight_to_kafka_names_the_accepted_headers(tmp_path: Path) -> None:
    path = tmp_path / "posyandu.csv"
    path.write_bytes(b"No;JK\n1;L\n")
    done = runner.invoke(
        cli, ["publish", str(path), "--feed", "child_measurement", "--source", "p/1", "--kafka", "127.0.0.1:1"]
    )
    assert done.exit_code == 2
    assert "weight_kg" in done.output
    assert "berat badan" in done.output


def test_unreachable_ingest_exits_1(good_file: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    done = runner.invoke(
        cli, ["publish", str(good_file), "--feed", "child_measurement", "--source", "p/1", "--ingest-url", url]
    )
    assert done.exit_code == 1
    assert "unreachable" in done.output
