"""GET /v1/quality/scorecard, /alerts and /conflicts over rows the test writes, checked against numbers it computes."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.nik import make_nik
from satudata.regions import master
from satudata.settings import Settings
from services.api import create_app
from tests.keys import admin_keyring

pytestmark = pytest.mark.integration

T0 = datetime(2025, 4, 1, tzinfo=UTC)
QUALITY_TABLES = ("record_outcome", "alerts", "conflicts")
FEEDS = {"child_measurement": "Dinkes", "pregnancy_check": "Dinkes", "family_risk": "BKKBN"}
SOURCES = ("pkm-a", "pkm-b", "tpk-c", "pkm-d")
ERRORS = ("height_cm_out_of_range", "birth_date_missing", "record_id_empty", "nik_format", "missing_field")
WARNINGS = ("late_record", "muac_cm_missing", "weight_kg_out_of_range")
OUTCOME_COLUMNS = [
    "feed", "event_id", "source", "agency", "record_id", "desa_code", "kabupaten_code", "outcome", "errors",
    "warnings", "event_date", "received_at", "lateness_days", "version",
]  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    feed: str
    event_id: str
    source: str
    kabupaten: str
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    received_at: datetime
    lateness: int | None
    version: int

    @property
    def agency(self) -> str:
        return FEEDS[self.feed]

    def values(self) -> list[Any]:
        outcome = "quarantined" if self.errors else "clean"
        desa = next(d.digits for d in master().desa() if d.digits.startswith(self.kabupaten))
        return [
            self.feed, self.event_id, self.source, self.agency, f"rec-{self.event_id}", desa, self.kabupaten,
            outcome, list(self.errors), list(self.warnings), date(2025, 3, 1), self.received_at, self.lateness,
            self.version,
        ]  # fmt: skip


def _outcome(rng: random.Random, n: int, version: int, kabupaten: tuple[str, ...]) -> Outcome:
    errors = tuple(rng.sample(ERRORS, k=rng.choice((0, 0, 1, 2))))
    warnings = tuple(rng.sample(WARNINGS, k=rng.choice((0, 0, 1))))
    lateness = rng.choice((None, 0, 3, 7, 8, 30))
    return Outcome(
        rng.choice(list(FEEDS)), f"ev-{n}", rng.choice(SOURCES), rng.choice(kabupaten), errors, warnings,
        T0 + timedelta(hours=n), lateness, version,
    )  # fmt: skip


@pytest.fixture
def store_q(store: Client) -> Client:
    # The shared `store` fixture empties the tables of the first migration; these come from 002.
    for table in QUALITY_TABLES:
        store.command(f"TRUNCATE TABLE IF EXISTS satudata.{table}")
    return store


@pytest.fixture
def api(store_q: Client) -> Iterator[TestClient]:
    keyring, headers = admin_keyring()
    with TestClient(create_app(store_q, Settings(environment="test"), keyring=keyring), headers=headers) as client:
        yield client


@pytest.fixture
def outcomes(store_q: Client) -> list[Outcome]:
    """The latest outcome per event; replays (higher versions, one written before a lower one) included."""
    rng = random.Random(44)
    kabupaten = ("5301", "5371", "5310")
    first = [_outcome(rng, n, 10, kabupaten) for n in range(120)]
    # A replay after a contract fix: same event, newer verdict (often clean now), same arrival time.
    replays = [replace(o, errors=(), version=30) for o in rng.sample(first, k=30)]
    stale = [replace(o, errors=("nik_format",), version=20) for o in replays[::2]]
    for batch in (first, replays, stale):
        store_q.insert("satudata.record_outcome", [o.values() for o in batch], column_names=OUTCOME_COLUMNS)
    latest = {o.event_id: o for o in first} | {o.event_id: o for o in replays}
    return list(latest.values())


def _truth(rows: list[Outcome], key: Callable[[Outcome], str]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    truth = {}
    for name, members in groups.items():
        clean = sum(not m.errors for m in members)
        timed = [m for m in members if m.lateness is not None]
        incomplete = [
            m for m in members
            if any(r == "missing_field" or r.endswith(("_missing", "_empty")) for r in m.errors + m.warnings)
        ]  # fmt: skip
        truth[name] = {
            "received": len(members),
            "clean": clean,
            "quarantined": len(members) - clean,
            "warnings": sum(bool(m.warnings) for m in members),
            "validity": clean / len(members),
            "timeliness": sum(m.lateness <= 7 for m in timed) / len(timed) if timed else None,  # type: ignore[operator]
            "completeness": 1 - len(incomplete) / len(members),
        }
    return truth


def _dotted(code: str) -> str:
    return f"{code[:2]}.{code[2:]}"


BY: dict[str, Callable[[Outcome], str]] = {
    "feed": lambda o: o.feed,
    "agency": lambda o: o.agency,
    "source": lambda o: o.source,
    "kabupaten": lambda o: _dotted(o.kabupaten),
}


def _assert_scores(item: dict[str, Any], expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        assert item[name] == pytest.approx(value) if value is not None else item[name] is None, name


@pytest.mark.parametrize("by", list(BY))
def test_scorecard_equals_the_counts_of_the_latest_outcomes(api: TestClient, outcomes: list[Outcome], by: str) -> None:
    answer = api.get("/v1/quality/scorecard", params={"by": by})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    truth = _truth(outcomes, BY[by])
    assert body["by"] == by and len(truth) > 1
    assert [i["key"] for i in body["items"]] == sorted(truth)
    for item in body["items"]:
        _assert_scores(item, truth[item["key"]])
        if by == "kabupaten":
            assert item["name"] == master().get(item["key"]).name
    _assert_scores(body["total"], _truth(outcomes, lambda _: "all")["all"])
    assert body["total"]["received"] == body["total"]["clean"] + body["total"]["quarantined"] == len(outcomes)


def test_scorecard_window_counts_by_arrival(api: TestClient, outcomes: list[Outcome]) -> None:
    start, end = T0 + timedelta(hours=30), T0 + timedelta(hours=75)
    answer = api.get("/v1/quality/scorecard", params={"by": "source", "from": start.isoformat(), "to": end.isoformat()})
    inside = [o for o in outcomes if start <= o.received_at < end]
    truth = _truth(inside, BY["source"])
    body = answer.json()
    assert {i["key"] for i in body["items"]} == set(truth)
    for item in body["items"]:
        _assert_scores(item, truth[item["key"]])
    assert body["total"]["received"] == len(inside) == 45


def test_scorecard_timeliness_is_null_without_lateness(api: TestClient, store_q: Client) -> None:
    row = Outcome("family_risk", "only", "tpk-c", "5301", (), (), T0, None, 1)
    store_q.insert("satudata.record_outcome", [row.values()], column_names=OUTCOME_COLUMNS)
    body = api.get("/v1/quality/scorecard", params={"by": "feed"}).json()
    assert body["items"] == [
        {"received": 1, "clean": 1, "quarantined": 0, "warnings": 0, "validity": 1.0, "timeliness": None,
         "completeness": 1.0, "key": "family_risk", "name": None}
    ]  # fmt: skip
    empty = api.get("/v1/quality/scorecard", params={"from": "2020-01-01", "to": "2020-01-02"}).json()
    assert empty["items"] == [] and empty["total"]["received"] == 0 and empty["total"]["validity"] is None


ALERT_COLUMNS = [
    "alert_id", "kind", "feed", "source", "kabupaten_code", "rule", "since", "raised_at", "value", "threshold",
    "example_record_id", "message_id", "message_en", "version",
]  # fmt: skip
KINDS = ("validity_low", "rule_new", "volume_drop", "silence", "conflict_burst")


@pytest.fixture
def alerts(store_q: Client) -> dict[str, dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    for n in range(40):
        raised = T0 + timedelta(minutes=30 * (n // 2))  # pairs share a raised_at: the id breaks the tie
        rows.append(
            {
                "alert_id": f"al-{n:02d}", "kind": KINDS[n % 5], "feed": rng.choice(list(FEEDS)),
                "source": SOURCES[n % 4], "kabupaten_code": "5371", "rule": "nik_format", "since": raised,
                "raised_at": raised, "value": 0.5, "threshold": 0.8, "example_record_id": f"rec-{n}",
                "message_id": f"peringatan {n}", "message_en": f"alert {n}", "version": 1,
            }
        )  # fmt: skip
    # A re-raised alert keeps its id with a newer version: it must appear once, with the newer text and time.
    later = timedelta(days=3)
    newer = [{**r, "version": 2, "message_en": "updated", "raised_at": r["raised_at"] + later} for r in rows[:5]]
    for batch in (rows, newer):
        store_q.insert("satudata.alerts", [[r[c] for c in ALERT_COLUMNS] for r in batch], column_names=ALERT_COLUMNS)
    return {r["alert_id"]: r for r in rows} | {r["alert_id"]: r for r in newer}


def _pages(api: TestClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    answer = api.get(path, params=params)
    for _ in range(100):
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        if answer.json()["next"] is None:
            return items
        answer = api.get(answer.json()["next"])
    raise AssertionError("paging did not end")


def _newest_first(rows: list[dict[str, Any]], time: str, ident: str) -> list[str]:
    return [r[ident] for r in sorted(rows, key=lambda r: (r[time], r[ident]), reverse=True)]


@pytest.mark.parametrize(
    "where",
    [{}, {"kind": "silence"}, {"feed": "family_risk"}, {"source": "pkm-b", "kind": "volume_drop"},
     {"from": "2025-04-01T05:00:00+00:00", "to": "2025-04-01T09:00:00Z"}],
)  # fmt: skip
def test_alerts_newest_first_and_filtered(api: TestClient, alerts: dict[str, dict[str, Any]], where: dict) -> None:
    items = _pages(api, "/v1/quality/alerts", {**where, "limit": 3})
    rows = list(alerts.values())
    for name in ("kind", "feed", "source"):
        rows = [r for r in rows if name not in where or r[name] == where[name]]
    if "from" in where:
        start, end = datetime.fromisoformat(where["from"]), datetime.fromisoformat(where["to"])
        rows = [r for r in rows if start <= r["raised_at"] < end]
    assert rows
    assert [i["alert_id"] for i in items] == _newest_first(rows, "raised_at", "alert_id")
    for item in items:
        assert item["message_en"] == alerts[item["alert_id"]]["message_en"]
        assert (item["kabupaten_code"], item["kabupaten_name"]) == ("53.71", master().get("53.71").name)


def test_alerts_limit_and_unknown_feed(api: TestClient, alerts: dict[str, dict[str, Any]]) -> None:
    body = api.get("/v1/quality/alerts", params={"limit": 4}).json()
    assert [i["alert_id"] for i in body["items"]] == _newest_first(list(alerts.values()), "raised_at", "alert_id")[:4]
    assert body["items"][0]["message_en"] == "updated"
    answer = api.get("/v1/quality/alerts", params={"feed": "posyandu"})
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"


CONFLICT_COLUMNS = [
    "conflict_id", "subject_hash", "field", "feed_a", "source_a", "record_id_a", "value_a", "feed_b", "source_b",
    "record_id_b", "value_b", "kabupaten_code", "detected_at", "version",
]  # fmt: skip


def test_conflicts_for_either_side_without_nik(api: TestClient, store_q: Client) -> None:
    nik = make_nik("530104", date(2022, 1, 1), "L", 9)
    rows = [
        ["c1", "h1", "birth_date", "child_measurement", "pkm-a", "r1", "2022-01-01", "family_risk", "tpk-c", "r9",
         "2022-01-02", "5301", T0, 1],
        ["c2", "h2", "sex", "child_measurement", "pkm-b", "r2", "L", "child_measurement", "pkm-a", "r3", "P",
         "5371", T0 + timedelta(hours=1), 1],
        ["c3", "h3", "sex", "pregnancy_check", "pkm-b", nik, "P", "family_risk", "tpk-c", "r4", "L",
         "", T0 + timedelta(hours=2), 1],
    ]  # fmt: skip
    store_q.insert("satudata.conflicts", rows, column_names=CONFLICT_COLUMNS)
    every = api.get("/v1/quality/conflicts")
    assert [c["conflict_id"] for c in every.json()["items"]] == ["c3", "c2", "c1"]
    assert nik not in every.text and not re.search(r"\d{16}", every.text)
    assert "subject_hash" not in every.json()["items"][0]
    pkm_a = api.get("/v1/quality/conflicts", params={"source": "pkm-a"}).json()["items"]
    assert [c["conflict_id"] for c in pkm_a] == ["c2", "c1"]  # on side b of c2, side a of c1
    hour = {"from": T0.isoformat(), "to": (T0 + timedelta(hours=1)).isoformat()}
    window = api.get("/v1/quality/conflicts", params=hour)
    assert [c["conflict_id"] for c in window.json()["items"]] == ["c1"]
    first = every.json()["items"][2]
    assert (first["kabupaten_code"], first["value_a"], first["value_b"]) == ("53.01", "2022-01-01", "2022-01-02")


def test_openapi_documents_the_routes_in_both_languages(api: TestClient) -> None:
    spec = api.get("/openapi.json").json()
    for path, method in (("/v1/quarantine", "get"), ("/v1/quarantine/replay", "post"),
                         ("/v1/quality/scorecard", "get"), ("/v1/quality/alerts", "get"),
                         ("/v1/quality/conflicts", "get")):  # fmt: skip
        operation = spec["paths"][path][method]
        assert " / " in operation["summary"] and " / " in operation["description"]
    assert "completeness" in spec["paths"]["/v1/quality/scorecard"]["get"]["description"]


@pytest.mark.parametrize(
    ("path", "params"),
    [("/v1/quality/scorecard", {"by": "desa"}), ("/v1/quality/scorecard", {"from": "1 April"}),
     ("/v1/quality/scorecard", {"from": "2025-04-02", "to": "2025-04-01"}), ("/v1/quality/alerts", {"limit": 1001}),
     ("/v1/quality/alerts", {"cursor": "W10"}), ("/v1/quality/conflicts", {"to": "2025-02-30"})],
)  # fmt: skip
def test_quality_refusals_are_problems(api: TestClient, path: str, params: dict[str, Any]) -> None:
    answer = api.get(path, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["type"] == "/problems/invalid-request" and " / " in body["detail"]
