"""Every refusal is RFC 9457 problem+json, titled in Bahasa Indonesia and English."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from satudata.indicators import INDICATORS

pytestmark = pytest.mark.integration

PROBLEM_JSON = "application/problem+json"


def _problem(answer: Response, status: int) -> dict[str, object]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body = answer.json()
    assert body["status"] == status
    assert str(body["type"]).startswith("/problems/")
    assert " / " in str(body["title"]) and " / " in str(body["detail"])  # Indonesian / English
    return body


def test_unknown_indicator_lists_the_known_ones(api: TestClient) -> None:
    body = _problem(api.get("/v1/indicators/stunting"), 404)
    assert body["type"] == "/problems/unknown-indicator"
    assert body["known"] == sorted(INDICATORS)
    _problem(api.get("/v1/indicators/stunting/series"), 404)


@pytest.mark.parametrize(
    ("region", "status", "kind"),
    [("99", 404, "unknown-region"), ("53.99", 404, "unknown-region"), ("5301042", 422, "invalid-region"),
     ("NTT", 422, "invalid-region")],
)  # fmt: skip
def test_unknown_or_malformed_region(api: TestClient, region: str, status: int, kind: str) -> None:
    body = _problem(api.get("/v1/indicators/stunting_prevalence", params={"region": region}), status)
    assert body["type"] == f"/problems/{kind}"
    _problem(api.get(f"/v1/regions/{region}"), status)


@pytest.mark.parametrize("period", ["2025-13", "2025-3", "25-03", "2025-03-01", "0000-01", ""])
def test_bad_period(api: TestClient, period: str) -> None:
    body = _problem(api.get("/v1/indicators/stunting_prevalence", params={"period": period}), 422)
    assert body["errors"][0]["in"] == "query" and body["errors"][0]["name"] == "period"  # type: ignore[index]
    assert body["errors"][0]["message_id"] and body["errors"][0]["message_en"]  # type: ignore[index]


def test_bad_series_range(api: TestClient) -> None:
    _problem(api.get("/v1/indicators/stunting_prevalence/series", params={"from": "2025-05", "to": "2025-04"}), 422)
    _problem(api.get("/v1/indicators/stunting_prevalence/series", params={"from": "1990-01", "to": "2025-04"}), 422)
    body = _problem(api.get("/v1/indicators/stunting_prevalence/series", params={"from": "2025-1"}), 422)
    assert body["errors"][0]["name"] == "from"  # type: ignore[index]


def test_by_must_be_below_the_region(api: TestClient) -> None:
    params = {"region": "53.01", "by": "kabupaten"}
    _problem(api.get("/v1/indicators/stunting_prevalence", params=params), 422)
    _problem(api.get("/v1/indicators/stunting_prevalence", params={"by": "provinsi"}), 422)


def test_framework_errors_are_problems_too(api: TestClient) -> None:
    body = _problem(api.get("/v1/nothing-here"), 404)
    assert body["type"] == "/problems/http-404"
    _problem(api.post("/v1/indicators/stunting_prevalence"), 405)
