"""GET /v1/indicators (the registry) and /v1/indicators/{code}/definition."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.indicators import INDICATORS
from satudata.settings import Settings
from services.api import create_app

pytestmark = pytest.mark.integration

FIELDS = [
    "code", "name_id", "name_en", "definition_id", "definition_en", "numerator", "denominator", "feeds", "method",
    "unit", "higher_is_better", "target", "target_source", "small_cell_threshold",
]  # fmt: skip


@pytest.fixture
def api7(store: Client) -> Iterator[TestClient]:
    with TestClient(create_app(store, Settings(environment="test", small_cell_threshold=7))) as client:
        yield client


def test_the_registry_lists_every_indicator_with_every_field(api7: TestClient) -> None:
    answer = api7.get("/v1/indicators")
    assert answer.status_code == 200, answer.text
    items = answer.json()["items"]
    assert [i["code"] for i in items] == list(INDICATORS)
    assert len(items) == 16
    for item in items:
        indicator = INDICATORS[item["code"]]
        assert list(item) == FIELDS
        assert item["name_id"] == indicator.name_id and item["definition_en"] == indicator.definition_en
        assert item["feeds"] == list(indicator.feeds)
        assert item["small_cell_threshold"] == 7  # no indicator sets its own: the settings' default
    by_code = {i["code"]: i for i in items}
    stunting = by_code["stunting_prevalence"]
    assert (stunting["feeds"], stunting["method"], stunting["target"]) == (["child_measurement"], "stream", 0.12)
    assert stunting["higher_is_better"] is False and stunting["unit"] == "percent"
    assert by_code["weighing_coverage"]["feeds"] == ["child_measurement", "population"]
    assert by_code["convergence_reach"]["method"] == "joined"
    validity = by_code["validity_rate"]
    assert (validity["method"], validity["feeds"], validity["target"]) == ("quality", [], 0.95)
    assert by_code["severe_stunting_prevalence"]["target"] is None
    assert by_code["severe_stunting_prevalence"]["target_source"] is None


def test_an_indicator_s_own_threshold_wins(api7: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    own = dataclasses.replace(INDICATORS["bride_risk_rate"], small_cell_threshold=11)
    monkeypatch.setitem(INDICATORS, "bride_risk_rate", own)
    by_code = {i["code"]: i for i in api7.get("/v1/indicators").json()["items"]}
    assert by_code["bride_risk_rate"]["small_cell_threshold"] == 11
    assert by_code["family_risk_rate"]["small_cell_threshold"] == 7
    assert api7.get("/v1/indicators/bride_risk_rate/definition").json()["small_cell_threshold"] == 11


def test_the_definition_is_the_registry_entry(api: TestClient) -> None:
    items = {i["code"]: i for i in api.get("/v1/indicators").json()["items"]}
    for code in ("stunting_prevalence", "validity_rate", "convergence_reach"):
        answer = api.get(f"/v1/indicators/{code}/definition")
        assert answer.status_code == 200, answer.text
        assert answer.json() == items[code]
        assert answer.json()["small_cell_threshold"] == Settings(environment="test").small_cell_threshold == 5
    missing = api.get("/v1/indicators/stunting/definition")
    assert missing.status_code == 404 and missing.json()["type"] == "/problems/unknown-indicator"


def test_the_value_route_still_answers_values(api: TestClient) -> None:
    body = api.get("/v1/indicators/stunting_prevalence", params={"period": "2025-03"}).json()
    assert (body["indicator"], body["numerator"], body["denominator"], body["value"]) == (
        "stunting_prevalence", 0, 0, None,
    )  # fmt: skip


def test_openapi_documents_the_registry_with_examples(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert schemas["IndicatorDefinition"]["examples"][0]["code"] == "stunting_prevalence"
    assert "/v1/indicators" in document["paths"] and "/v1/indicators/{code}/definition" in document["paths"]
    assert "/v1/convergence/not-reached" in document["paths"]
