"""The API against its own OpenAPI document (schemathesis): no 5xx and no answer the document does not describe
(status, content type, headers, body schema), for every operation, anonymous and with an admin key.

The app runs on the session's real chDB store, seeded with indicator sums, quarantine rows, alerts and conflicts,
and with a real Kafka publisher, so list answers have items to validate and the replay has somewhere to publish.
Examples are few and derandomized: a reproducible contract check, not a search that differs per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from satudata.access import MemoryKeyring, Role, generate
from satudata.events import FEEDS
from satudata.kafka import ensure_topics
from satudata.kafka.publisher import KafkaPublisher
from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from services.quality.rows import CONFLICT_COLUMNS
from tests.integration.api.conftest import seed as seed_sums
from tests.integration.api.test_api_quarantine import seed as seed_quarantine

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
T0 = datetime(2025, 4, 1, tzinfo=UTC)


def _seed_quality(client: Client) -> None:
    for table in ("alerts", "conflicts"):
        client.command(f"TRUNCATE TABLE IF EXISTS satudata.{table}")
    kabupaten = master().kabupaten()[0].digits
    alerts = [
        [f"al-{n}", "validity_low", "child_measurement", "pkm-a", kabupaten, "", T0, T0 + timedelta(minutes=n),
         0.5, 0.8, f"rec-{n}", f"validitas {n}", f"validity {n}", 1]
        for n in range(3)
    ]  # fmt: skip
    client.insert(
        "satudata.alerts",
        alerts,
        column_names=[
            "alert_id",
            "kind",
            "feed",
            "source",
            "kabupaten_code",
            "rule",
            "since",
            "raised_at",
            "value",
            "threshold",
            "example_record_id",
            "message_id",
            "message_en",
            "version",
        ],
    )
    conflicts = [
        [f"c{n}", f"h{n}", "sex", "child_measurement", "pkm-a", f"r{n}", "L", "family_risk", "tpk-c", f"s{n}", "P",
         kabupaten, T0 + timedelta(minutes=n), 1]
        for n in range(3)
    ]  # fmt: skip
    client.insert("satudata.conflicts", conflicts, column_names=list(CONFLICT_COLUMNS))


@pytest.fixture
def admin_key() -> tuple[str, MemoryKeyring]:
    plaintext, record = generate(Role.ADMIN, "schemathesis")
    return plaintext, MemoryKeyring([record])


@pytest.fixture
def publisher(kafka_broker: str) -> Iterator[KafkaPublisher]:
    ensure_topics(kafka_broker, [feed.raw_topic for feed in FEEDS.values()])
    kafka = KafkaPublisher(kafka_broker, timeout_s=15.0, client_id="satudata-schemathesis")
    yield kafka
    kafka.close()


@pytest.fixture
def api(store: Client, publisher: KafkaPublisher, admin_key: tuple[str, MemoryKeyring]) -> Iterator[TestClient]:
    seed_sums(store, master())
    seed_quarantine(store)
    _seed_quality(store)
    app = create_app(store, Settings(environment="test"), publisher=publisher, keyring=admin_key[1])
    with TestClient(app) as client:
        yield client


def _call_and_validate(case: schemathesis.Case, api: TestClient, headers: dict[str, str] | None = None) -> Response:
    """The case sent through Starlette's TestClient and its answer checked. Not `case.call`: its requests transport
    counts urllib3 pools with an API that urllib3-future (installed beside grafana-client) does not have."""
    if headers:
        # The document names X-API-Key, so schemathesis may make one up; the caller's own key replaces it.
        names = {name.lower() for name in headers}
        case.headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in names} | headers
    request = case.as_transport_kwargs(base_url=str(api.base_url))
    if "data" in request:
        request["content"] = request.pop("data")
    response = api.request(**request)
    case.validate_response(response, checks=CHECKS, headers=headers)
    return response


def _unused_store() -> Client:
    raise AssertionError("the document is built without ClickHouse")


# The document as the app serves it, read at collection so that each operation is a test of its own.
# (schemathesis.pytest.from_fixture would read it from the fixture's app, but fails on pytest 9.2.)
schema = schemathesis.openapi.from_dict(create_app(_unused_store, Settings(environment="test")).openapi())


@schema.parametrize()
@EXAMPLES
def test_anonymous_callers_meet_only_documented_answers(case: schemathesis.Case, api: TestClient) -> None:
    _call_and_validate(case, api)


@schema.parametrize()
@EXAMPLES
def test_an_admin_meets_only_documented_answers(
    case: schemathesis.Case, api: TestClient, admin_key: tuple[str, MemoryKeyring]
) -> None:
    response = _call_and_validate(case, api, headers={"X-API-Key": admin_key[0]})
    assert response.status_code not in (401, 403), response.text
