"""POST /v1/uploads/{feed}: the HTTP shape, with in-memory fakes of our own ports (Kafka is tested for real in
tests/integration/ingest/test_upload_kafka.py)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from satudata.settings import IngestSettings, Settings
from services.ingest import create_app
from tests.keys import admin_keyring
from tests.unit.ingest.conftest import MemoryPublisher
from tests.unit.ingest.upload_files import HEADER, NIK, csv_bytes, good_row, xlsx_bytes, xlsx_row

CSV = {"content-type": "text/csv"}
XLSX = {"content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SOURCE = {"source": "puskesmas/5301010"}
LIMIT = 64 * 1024


class MemoryLedger:
    def __init__(self) -> None:
        self.ids: dict[str, bytes] = {}

    def known(self, ids: Iterable[str]) -> set[str]:
        return {i for i in ids if i in self.ids}

    def remember(self, entries: Sequence[tuple[str, bytes]]) -> None:
        self.ids.update(entries)


@pytest.fixture
def ledger() -> MemoryLedger:
    return MemoryLedger()


@pytest.fixture
def client(publisher: MemoryPublisher, ledger: MemoryLedger) -> TestClient:
    settings = Settings(ingest=IngestSettings(max_body_bytes=LIMIT))
    keyring, headers = admin_keyring()
    return TestClient(create_app(publisher, settings, ledger, keyring=keyring), headers=headers)


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


def test_a_csv_is_published_once(client: TestClient, publisher: MemoryPublisher, ledger: MemoryLedger) -> None:
    raw = csv_bytes([good_row(1), good_row(2, desa="5371031001")])
    first = client.post("/v1/uploads/child_measurement", content=raw, headers=CSV, params=SOURCE)
    assert first.status_code == 202, first.text
    report = first.json()
    assert report | {"event_ids": None} == {
        "feed": "child_measurement",
        "source": "puskesmas/5301010",
        "rows": 2,
        "published": 2,
        "already_published": 0,
        "refused": [],
        "event_ids": None,
        "ignored_columns": [],
    }
    assert [orjson.loads(value)["id"] for _, _, value in publisher.published] == report["event_ids"]
    assert [key for _, key, _ in publisher.published] == [b"5301042003", b"5371031001"]
    assert set(ledger.ids) == set(report["event_ids"])
    event = orjson.loads(publisher.published[0][2])
    assert event["type"] == "id.ntt.satudata.child_measurement.v1"
    assert event["source"] == "puskesmas/5301010"
    assert event["subject"] == "5301042003"

    again = client.post("/v1/uploads/child_measurement", content=raw, headers=CSV, params=SOURCE)
    assert again.status_code == 200, again.text
    assert again.json()["published"] == 0
    assert again.json()["already_published"] == 2
    assert again.json()["event_ids"] == report["event_ids"]
    assert len(publisher.published) == 2


def test_multipart_with_source_as_a_form_field(client: TestClient, publisher: MemoryPublisher) -> None:
    files = {"file": ("posyandu.xlsx", xlsx_bytes([xlsx_row(1)]), "application/octet-stream")}
    response = client.post("/v1/uploads/child_measurement", files=files, data=SOURCE)
    assert response.status_code == 202, response.text
    assert response.json()["published"] == 1
    assert orjson.loads(publisher.published[0][2])["source"] == "puskesmas/5301010"


def test_refused_rows_are_reported_and_not_published(client: TestClient, publisher: MemoryPublisher) -> None:
    bad = good_row(2)
    bad[1] = "5,30101E+15"
    bad[4] = "kemarin"
    response = client.post(
        "/v1/uploads/child_measurement", content=csv_bytes([good_row(1), bad]), headers=CSV, params=SOURCE
    )
    assert response.status_code == 202
    report = response.json()
    assert report["published"] == 1
    assert [(r["row"], r["column"]) for r in report["refused"]] == [(3, "NIK Anak"), (3, "Tanggal Pengukuran")]
    assert NIK not in response.text
    assert "E+15" not in response.text
    assert len(publisher.published) == 1


def test_a_raw_xlsx_body(client: TestClient) -> None:
    response = client.post(
        "/v1/uploads/child_measurement", content=xlsx_bytes([xlsx_row(1)]), headers=XLSX, params=SOURCE
    )
    assert response.status_code == 202, response.text


def test_unknown_feed_is_404(client: TestClient) -> None:
    body = problem(client.post("/v1/uploads/nope", content=b"a\n1\n", headers=CSV, params=SOURCE), 404)
    assert "child_measurement" in body["feeds"]


def test_unreadable_file_is_400(client: TestClient) -> None:
    body = problem(
        client.post("/v1/uploads/child_measurement", content=b"PK\x03\x04junk", headers=XLSX, params=SOURCE), 400
    )
    assert body["type"] == "/problems/unreadable-file"


def test_too_large_is_413(client: TestClient) -> None:
    raw = csv_bytes([good_row(i) for i in range(2000)])
    assert len(raw) > LIMIT
    problem(client.post("/v1/uploads/child_measurement", content=raw, headers=CSV, params=SOURCE), 413)


def test_missing_column_is_422_with_the_accepted_headers(client: TestClient, publisher: MemoryPublisher) -> None:
    header = [h for h in csv_bytes([]).decode().strip().split(";") if h != "Berat Badan (kg)"]
    row = good_row(1)
    del row[5]
    body = problem(
        client.post("/v1/uploads/child_measurement", content=csv_bytes([row], header), headers=CSV, params=SOURCE), 422
    )
    assert body["missing"][0]["field"] == "weight_kg"
    assert "bb" in body["missing"][0]["accepted_headers"]
    assert "weight_kg" in body["detail"]
    assert publisher.published == []


def test_missing_source_is_422(client: TestClient) -> None:
    body = problem(client.post("/v1/uploads/child_measurement", content=csv_bytes([good_row(1)]), headers=CSV), 422)
    assert body["type"] == "/problems/missing-source"


def test_other_content_types_are_415(client: TestClient) -> None:
    problem(
        client.post(
            "/v1/uploads/child_measurement", content=b"{}", headers={"content-type": "application/json"}, params=SOURCE
        ),
        415,
    )


def test_an_unconfirmed_publish_is_503_and_remembers_nothing(
    ledger: MemoryLedger, failing_publisher: MemoryPublisher
) -> None:
    keyring, headers = admin_keyring()
    client = TestClient(create_app(failing_publisher, Settings(), ledger, keyring=keyring), headers=headers)
    body = problem(
        client.post("/v1/uploads/child_measurement", content=csv_bytes([good_row(1)]), headers=CSV, params=SOURCE), 503
    )
    assert body["report"]["published"] == 0
    assert ledger.ids == {}


def test_without_a_ledger_uploads_answer_503(publisher: MemoryPublisher) -> None:
    keyring, headers = admin_keyring()
    client = TestClient(create_app(publisher, Settings(), keyring=keyring), headers=headers)
    problem(
        client.post("/v1/uploads/child_measurement", content=csv_bytes([good_row(1)]), headers=CSV, params=SOURCE), 503
    )
    assert publisher.published == []


def test_identical_rows_in_one_file_are_published_once(client: TestClient, publisher: MemoryPublisher) -> None:
    response = client.post(
        "/v1/uploads/child_measurement", content=csv_bytes([good_row(1), good_row(1)]), headers=CSV, params=SOURCE
    )
    assert response.json()["published"] == 1
    assert response.json()["already_published"] == 1
    assert len(publisher.published) == 1


def test_a_title_above_the_table_is_skipped(client: TestClient) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Laporan Penimbangan Posyandu Mawar, Maret 2025"])
    sheet.append(["Puskesmas Oesao"])
    sheet.append(list(HEADER))
    bad = xlsx_row(2)
    bad[5] = "berat?"
    for row in (xlsx_row(1), bad):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = client.post("/v1/uploads/child_measurement", content=out.getvalue(), headers=XLSX, params=SOURCE)
    assert response.status_code == 202, response.text
    assert response.json()["rows"] == 2
    assert response.json()["refused"] == [
        {"row": 5, "column": "Berat Badan (kg)", "problem": "bukan angka / not a number"}
    ]


def test_without_any_header_row_the_first_rows_error_stands(client: TestClient) -> None:
    raw = b"Laporan\n" + b"\n".join(b"1;2;3" for _ in range(30)) + b"\n"
    body = problem(client.post("/v1/uploads/child_measurement", content=raw, headers=CSV, params=SOURCE), 422)
    assert {m["field"] for m in body["missing"]} >= {"weight_kg", "record_id"}
