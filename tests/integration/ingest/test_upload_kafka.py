"""Uploads against the real broker: rows land on the raw topic with deterministic ids, a file uploaded again
publishes nothing, and a restarted ingest still knows what was published (the compacted ledger topic)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from satudata.events import UPLOADS_TOPIC
from satudata.kafka.ledger import KafkaIdLedger
from satudata.kafka.publisher import KafkaPublisher
from services.ingest import create_app
from services.ingest.uploads.mapping import plan_columns
from services.ingest.uploads.reader import read_sheet
from services.ingest.uploads.rows import convert_rows
from tests.integration.ingest.conftest import ingest_settings
from tests.keys import admin_keyring
from tests.unit.ingest.upload_files import csv_bytes, good_row, xlsx_bytes, xlsx_row

pytestmark = pytest.mark.integration

CSV = {"content-type": "text/csv"}


def new_app(publisher: KafkaPublisher, bootstrap: str) -> TestClient:
    """An ingest app as a fresh process builds it: a new ledger that knows only what the topic holds."""
    ledger = KafkaIdLedger(bootstrap, UPLOADS_TOPIC, publisher, timeout_s=20.0)
    keyring, headers = admin_keyring()
    return TestClient(create_app(publisher, ingest_settings(bootstrap), ledger, keyring=keyring), headers=headers)


@pytest.fixture
def uploads(kafka_publisher: KafkaPublisher, ingest_bootstrap: str) -> TestClient:
    return new_app(kafka_publisher, ingest_bootstrap)


@pytest.fixture
def source() -> str:
    # A unit of its own per test: ids depend on the source, so reruns on one broker never meet old ids.
    return f"puskesmas/{uuid.uuid4().hex[:8]}"


def expected_ids(raw: bytes, source: str) -> list[str]:
    sheet = read_sheet(raw)
    records, _ = convert_rows(plan_columns("child_measurement", sheet.header), source, sheet.rows)
    return [r.event_id for r in records]


def test_upload_publishes_mapped_rows_with_deterministic_ids(uploads: TestClient, raw: Any, source: str) -> None:
    file = csv_bytes([good_row(1), good_row(2, desa="5371031001"), good_row(3)])
    before = raw.end_offsets()
    response = uploads.post("/v1/uploads/child_measurement", content=file, headers=CSV, params={"source": source})
    assert response.status_code == 202, response.text
    report = response.json()
    assert report["event_ids"] == expected_ids(file, source)
    records = raw.read_since(before, 3)
    got = {(event := orjson.loads(r.value))["id"]: (r.key, event) for r in records}
    assert set(got) == set(report["event_ids"])
    key, event = got[report["event_ids"][1]]
    assert key == b"5371031001"
    assert event["source"] == source
    assert event["type"] == "id.ntt.satudata.child_measurement.v1"
    assert event["data"]["weight_kg"] == 10.4
    assert event["data"]["sex"] == "P"
    assert event["data"]["measure_position"] == "standing"
    assert event["data"]["desa_code"] == "5371031001"


def test_the_same_file_again_publishes_nothing_even_after_a_restart(
    uploads: TestClient, raw: Any, source: str, kafka_publisher: KafkaPublisher, ingest_bootstrap: str
) -> None:
    file = xlsx_bytes([xlsx_row(1), xlsx_row(2)])
    first = uploads.post("/v1/uploads/child_measurement", content=file, headers=CSV, params={"source": source})
    assert first.json()["published"] == 2
    after_first = raw.end_offsets()

    again = uploads.post("/v1/uploads/child_measurement", content=file, headers=CSV, params={"source": source})
    assert again.status_code == 200
    assert again.json()["already_published"] == 2
    assert again.json()["event_ids"] == first.json()["event_ids"]
    assert raw.end_offsets() == after_first

    restarted = new_app(kafka_publisher, ingest_bootstrap)
    after_restart = restarted.post(
        "/v1/uploads/child_measurement", content=file, headers=CSV, params={"source": source}
    )
    assert after_restart.status_code == 200
    assert after_restart.json()["already_published"] == 2
    assert raw.end_offsets() == after_first


def test_a_corrected_row_is_published_and_the_rest_is_not(uploads: TestClient, raw: Any, source: str) -> None:
    rows = [good_row(1), good_row(2)]
    uploads.post("/v1/uploads/child_measurement", content=csv_bytes(rows), headers=CSV, params={"source": source})
    before = raw.end_offsets()
    rows[1][5] = "11,2"
    response = uploads.post(
        "/v1/uploads/child_measurement", content=csv_bytes(rows), headers=CSV, params={"source": source}
    )
    assert (response.json()["published"], response.json()["already_published"]) == (1, 1)
    [record] = raw.read_since(before, 1)
    event = orjson.loads(record.value)
    assert event["data"]["record_id"] == "R2"
    assert event["data"]["weight_kg"] == 11.2


def test_the_ledger_topic_is_compacted(ingest_bootstrap: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=ingest_bootstrap)
    try:
        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, UPLOADS_TOPIC)])
    finally:
        admin.close()
    assert described["topic"][UPLOADS_TOPIC]["cleanup.policy"]["value"] == "compact"
