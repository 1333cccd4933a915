"""Who may read what: the access matrix of the API with real keys of every role (in a MemoryKeyring, our own
port; the Kafka keyring is tested on the real broker in tests/integration/access), and small-cell suppression
for the public on real chDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.access import MemoryKeyring, Role
from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from tests.integration.api.conftest import COLUMNS, MARCH
from tests.keys import Issued, issue

pytestmark = pytest.mark.integration

PUBLIC = [
    ("GET", "/healthz"),
    ("GET", "/v1/indicators"),
    ("GET", "/v1/indicators/stunting_prevalence/definition"),
    ("GET", "/v1/indicators/stunting_prevalence?period=2025-03"),
    ("GET", "/v1/indicators/stunting_prevalence/series?from=2025-01&to=2025-03"),
    ("GET", "/v1/regions/53"),
    ("GET", "/openapi.json"),
]
OFFICIAL = [("GET", "/v1/convergence/not-reached?region=53.01&period=2025-03")]
OPERATOR = [
    ("GET", "/v1/quality/scorecard"),
    ("GET", "/v1/quality/alerts"),
    ("GET", "/v1/quality/conflicts"),
    ("GET", "/v1/quarantine"),
    ("POST", "/v1/quarantine/replay?feed=child_measurement"),  # 503 here: this app has no publisher
]


@pytest.fixture
def keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def keys(keyring: MemoryKeyring) -> dict[str, Issued]:
    return {
        "publisher": issue(keyring, Role.PUBLISHER, agency="puskesmas", feeds={"child_measurement"}),
        "official": issue(keyring, Role.OFFICIAL),
        "operator": issue(keyring, Role.OPERATOR),
        "admin": issue(keyring, Role.ADMIN),
    }


@pytest.fixture
def api(store: Client, keyring: MemoryKeyring) -> Iterator[TestClient]:
    with TestClient(create_app(store, Settings(environment="test"), keyring=keyring)) as client:
        yield client


def call(api: TestClient, route: tuple[str, str], key: Issued | None) -> int:
    method, url = route
    return api.request(method, url, headers=key.headers if key else {}).status_code


def allowed(status: int) -> bool:
    return status not in (401, 403)


@pytest.mark.parametrize("who", ["anonymous", "publisher", "official", "operator", "admin"])
def test_the_access_matrix(api: TestClient, keys: dict[str, Issued], who: str) -> None:
    key = keys.get(who)
    may_official = who in ("official", "admin")
    may_operator = who in ("operator", "admin")
    for route in PUBLIC:
        assert call(api, route, key) == 200, (who, route)
    refused = 401 if key is None else 403
    for routes, may in ((OFFICIAL, may_official), (OPERATOR, may_operator)):
        for route in routes:
            status = call(api, route, key)
            assert allowed(status) if may else status == refused, (who, route, status)


def test_refusals_are_bilingual_problems_that_never_echo_the_key(api: TestClient, keys: dict[str, Issued]) -> None:
    anonymous = api.get("/v1/quarantine")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["type"] == "/problems/key-required" and " / " in anonymous.json()["detail"]
    forbidden = api.get("/v1/quarantine", headers=keys["official"].headers)
    body = forbidden.json()
    assert forbidden.status_code == 403 and body["type"] == "/problems/forbidden"
    assert body["allowed_roles"] == ["operator", "admin"] and " / " in body["title"]
    assert keys["official"].plaintext not in forbidden.text


def test_unknown_malformed_and_revoked_keys_are_401_even_on_public_routes(
    api: TestClient, keyring: MemoryKeyring, keys: dict[str, Issued]
) -> None:
    stranger = issue(MemoryKeyring(), Role.ADMIN)
    wrong_secret = keys["admin"].plaintext[:-4] + ("AAAA" if not keys["admin"].plaintext.endswith("AAAA") else "BBBB")
    for text, slug in ((stranger.plaintext, "key-invalid"), ("hello", "key-invalid"), (wrong_secret, "key-invalid")):
        answer = api.get("/v1/indicators", headers={"X-API-Key": text})
        assert (answer.status_code, answer.json()["type"]) == (401, f"/problems/{slug}")
        assert text not in answer.text
    operator = keys["operator"]
    assert api.get("/v1/quarantine", headers=operator.headers).status_code == 200
    keyring.put(operator.record.revoke())
    answer = api.get("/v1/quarantine", headers=operator.headers)
    assert (answer.status_code, answer.json()["type"]) == (401, "/problems/key-revoked")
    assert api.get("/v1/indicators", headers=operator.headers).status_code == 401


def test_without_a_keyring_anonymous_works_and_every_key_is_401(store: Client, keys: dict[str, Issued]) -> None:
    with TestClient(create_app(store, Settings(environment="test"))) as bare:
        assert bare.get("/v1/indicators").status_code == 200
        answer = bare.get("/v1/quarantine", headers=keys["admin"].headers)
        assert (answer.status_code, answer.json()["type"]) == (401, "/problems/keys-unavailable")


def test_openapi_documents_the_key_header_and_the_refusals(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-API-Key")
    quarantine = document["paths"]["/v1/quarantine"]["get"]
    assert {"401", "403"} <= set(quarantine["responses"])
    assert {"ApiKey": []} in quarantine["security"]


# --- small-cell suppression -----------------------------------------------------------------------------------

SMALL, LARGE, EMPTY = 3, 12, 0  # denominators of three desa of one kecamatan; the threshold is 5


def _row(desa: str, partition: int, numerator: int, denominator: int) -> tuple[object, ...]:
    return (
        "stunting_prevalence", MARCH, desa, desa[:6], desa[:4], "child_measurement", partition,
        numerator, denominator, 1, datetime.now(UTC),
    )  # fmt: skip


@pytest.fixture
def cells(store: Client) -> dict[str, str]:
    """Three desa of one kecamatan: small (1 of 3, written as two partitions), large (4 of 12), empty (0 of 0)."""
    kecamatan = master().kecamatan()[0]
    small, large, empty = master().children(kecamatan.code)[:3]
    rows = [_row(small.digits, 0, 1, 2), _row(small.digits, 1, 0, 1), _row(large.digits, 0, 4, LARGE)]
    rows.append(_row(empty.digits, 0, 0, EMPTY))
    store.insert("satudata.indicator_value", rows, column_names=COLUMNS)
    return {"kecamatan": kecamatan.code, "small": small.code, "large": large.code, "empty": empty.code}


HIDDEN = {"numerator": None, "denominator": None, "value": None, "suppressed": True}


def _numbers(item: dict[str, object]) -> dict[str, object]:
    return {k: item[k] for k in ("numerator", "denominator", "value", "suppressed")}


def test_a_small_desa_cell_is_null_for_the_public_and_present_for_an_official(
    api: TestClient, keys: dict[str, Issued], cells: dict[str, str]
) -> None:
    url, march = "/v1/indicators/stunting_prevalence", {"period": "2025-03"}
    by_desa = march | {"region": cells["kecamatan"], "by": "desa"}
    for who in ("anonymous", "publisher"):
        headers = keys[who].headers if who in keys else {}
        items = {i["region"]: i for i in api.get(url, params=by_desa, headers=headers).json()["items"]}
        assert _numbers(items[cells["small"]]) == HIDDEN, who
        assert _numbers(items[cells["large"]]) == {
            "numerator": 4,
            "denominator": 12,
            "value": 4 / 12,
            "suppressed": False,
        }
        assert _numbers(items[cells["empty"]]) == {"numerator": 0, "denominator": 0, "value": None, "suppressed": False}
        one = api.get(url, params=march | {"region": cells["small"]}, headers=headers).json()
        assert _numbers(one) == HIDDEN
        series = api.get(f"{url}/series", params={"region": cells["small"], "from": "2025-03", "to": "2025-03"})
        assert _numbers(series.json()["items"][0]) == HIDDEN
        # The kecamatan adds 3 + 12 + 0 = 15 children: no longer a small cell.
        kecamatan = api.get(url, params=march | {"region": cells["kecamatan"]}, headers=headers).json()
        assert _numbers(kecamatan) == {"numerator": 5, "denominator": 15, "value": 5 / 15, "suppressed": False}
    for who in ("official", "operator", "admin"):
        items = api.get(url, params=by_desa, headers=keys[who].headers).json()["items"]
        small = next(i for i in items if i["region"] == cells["small"])
        assert _numbers(small) == {"numerator": 1, "denominator": SMALL, "value": 1 / SMALL, "suppressed": False}, who


def test_the_indicator_s_own_threshold_decides(
    api: TestClient, cells: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from satudata.indicators import INDICATORS

    lowered = dataclasses.replace(INDICATORS["stunting_prevalence"], small_cell_threshold=3)
    monkeypatch.setitem(INDICATORS, "stunting_prevalence", lowered)
    answer = api.get("/v1/indicators/stunting_prevalence", params={"period": "2025-03", "region": cells["small"]})
    assert _numbers(answer.json()) == {"numerator": 1, "denominator": 3, "value": 1 / 3, "suppressed": False}
