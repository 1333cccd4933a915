"""`satudata publish` against a running ingest (uvicorn on a free loopback port) and straight to Kafka: both ways
share one ledger, so a file published one way is already published the other way."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import uvicorn
from typer.testing import CliRunner

from satudata.access import MemoryKeyring, Role
from satudata.events import UPLOADS_TOPIC
from satudata.kafka.ledger import KafkaIdLedger
from satudata.kafka.publisher import KafkaPublisher
from services.cli import app as cli
from services.ingest import create_app
from tests.integration.ingest.conftest import ingest_settings
from tests.keys import issue
from tests.unit.ingest.upload_files import NIK, csv_bytes, good_row, xlsx_bytes, xlsx_row

pytestmark = pytest.mark.integration

runner = CliRunner()
KEYRING = MemoryKeyring()
POSYANDU = issue(KEYRING, Role.PUBLISHER, agency="posyandu", feeds={"child_measurement"})


@pytest.fixture(scope="module")
def ingest_url(kafka_publisher: KafkaPublisher, ingest_bootstrap: str) -> Iterator[str]:
    """A real HTTP server in a thread. The socket is bound and listening before the thread starts, so a request
    sent at once waits in the backlog until uvicorn accepts it: nothing to wait for."""
    ledger = KafkaIdLedger(ingest_bootstrap, UPLOADS_TOPIC, kafka_publisher, timeout_s=20.0)
    app = create_app(kafka_publisher, ingest_settings(ingest_bootstrap), ledger, keyring=KEYRING)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture
def source() -> str:
    return f"posyandu/{uuid.uuid4().hex[:8]}"


def publish(*args: str) -> Any:
    return runner.invoke(cli, ["publish", *args])


def new_ids(raw: Any, before: dict[Any, int], count: int) -> set[str]:
    return {orjson.loads(r.value)["id"] for r in raw.read_since(before, count)}


def test_publish_through_ingest_then_again_straight_to_kafka(
    tmp_path: Path, ingest_url: str, ingest_bootstrap: str, raw: Any, source: str
) -> None:
    file = tmp_path / "posyandu.csv"
    file.write_bytes(csv_bytes([good_row(1), good_row(2)]))
    before = raw.end_offsets()
    done = publish(
        str(file),
        "--feed",
        "child_measurement",
        "--source",
        source,
        "--ingest-url",
        ingest_url,
        "--key",
        POSYANDU.plaintext,
    )
    assert done.exit_code == 0, done.output
    assert "published 2" in done.output
    assert len(new_ids(raw, before, 2)) == 2
    after = raw.end_offsets()

    again = publish(str(file), "--feed", "child_measurement", "--source", source, "--kafka", ingest_bootstrap)
    assert again.exit_code == 0, again.output
    assert "already published 2" in again.output
    assert raw.end_offsets() == after


def test_publish_straight_to_kafka_reports_refused_rows(
    tmp_path: Path, ingest_bootstrap: str, raw: Any, source: str
) -> None:
    bad = xlsx_row(2)
    bad[5] = "berat?"
    bad[1] = "5,30101E+15"
    file = tmp_path / "posyandu.xlsx"
    file.write_bytes(xlsx_bytes([xlsx_row(1), bad, xlsx_row(3)]))
    before = raw.end_offsets()
    done = publish(str(file), "--feed", "child_measurement", "--source", source, "--kafka", ingest_bootstrap)
    assert done.exit_code == 1, done.output
    assert "published 2" in done.output
    assert "Berat Badan (kg)" in done.output
    assert "NIK Anak" in done.output
    assert NIK not in done.output
    assert "E+15" not in done.output
    assert len(new_ids(raw, before, 2)) == 2


def test_a_missing_column_through_ingest_is_a_usage_error(tmp_path: Path, ingest_url: str, source: str) -> None:
    file = tmp_path / "posyandu.csv"
    file.write_bytes(b"No;JK\n1;L\n")
    done = publish(
        str(file),
        "--feed",
        "child_measurement",
        "--source",
        source,
        "--ingest-url",
        ingest_url,
        "--key",
        POSYANDU.plaintext,
    )
    assert done.exit_code == 2, done.output
    assert "weight_kg" in done.output


def test_publish_through_ingest_without_a_key_is_refused_and_publishes_nothing(
    tmp_path: Path, ingest_url: str, raw: Any, source: str
) -> None:
    file = tmp_path / "posyandu.csv"
    file.write_bytes(csv_bytes([good_row(1)]))
    before = raw.end_offsets()
    done = publish(str(file), "--feed", "child_measurement", "--source", source, "--ingest-url", ingest_url)
    assert done.exit_code == 2, done.output
    assert "API key required" in done.output
    other = f"bkkbn/{uuid.uuid4().hex[:8]}"
    done = publish(
        str(file),
        "--feed",
        "child_measurement",
        "--source",
        other,
        "--ingest-url",
        ingest_url,
        "--key",
        POSYANDU.plaintext,
    )
    assert done.exit_code == 2, done.output
    assert "may not publish" in done.output
    assert raw.end_offsets() == before
