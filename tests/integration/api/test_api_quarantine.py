"""GET /v1/quarantine over rows the test writes itself: paging, filters, the latest version, and NIK masking."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient
from httpx import Response

from satudata.events import FEEDS, make_event
from satudata.nik import make_kk, make_nik, mask
from satudata.regions import Region, master
from satudata.settings import Settings
from services.api import create_app
from tests.keys import admin_keyring

pytestmark = pytest.mark.integration

PROBLEM_JSON = "application/problem+json"
T0 = datetime(2025, 3, 10, 0, 0, tzinfo=UTC)
SOURCES = ("puskesmas-a", "puskesmas-b", "bkkbn-ntt")
RULES = ("nik_format", "height_cm_out_of_range", "birth_date_missing", "desa_code_unknown")
COLUMNS = [
    "event_id", "feed", "source", "desa_code", "record_id", "rules", "reasons", "event", "received_at", "version",
]  # fmt: skip
OUTCOME_COLUMNS = ["feed", "event_id", "source", "record_id", "outcome", "received_at", "version"]


@dataclass(frozen=True)
class Row:
    event_id: str
    feed: str
    source: str
    desa: str
    record_id: str
    rules: tuple[str, ...]
    event: str
    received_at: datetime
    version: int
    status: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.feed, self.event_id)

    def values(self) -> list[Any]:
        reasons = [
            {"rule": r, "severity": "error", "message_id": f"aturan {r} gagal", "message_en": f"rule {r} failed"}
            for r in self.rules
        ]
        return [
            self.event_id, self.feed, self.source, self.desa, self.record_id, list(self.rules),
            orjson.dumps(reasons).decode(), self.event, self.received_at, self.version,
        ]  # fmt: skip

    def outcomes(self) -> list[list[Any]]:
        """What the quality gateway wrote that makes this row's status: the status is derived, never stored."""
        later = self.received_at + timedelta(days=1)
        quarantined = [self.feed, self.event_id, self.source, self.record_id, "quarantined", self.received_at, 1]
        if self.status == "resolved":  # the same event passed later (a replay after a contract fix)
            return [quarantined, [self.feed, self.event_id, self.source, self.record_id, "clean", later, 2]]
        if self.status == "replaced":  # the agency's corrected record passed later
            fix = [self.feed, f"{self.event_id}-fix", self.source, self.record_id, "clean", later, 1]
            return [quarantined, fix]
        return [quarantined]


@dataclass(frozen=True)
class Seeded:
    latest: dict[tuple[str, str], Row]
    personal: tuple[str, ...]  # every NIK and KK number written anywhere
    desa: tuple[Region, ...]


def _data(feed: str, rng: random.Random, desa: Region, n: int) -> tuple[dict[str, Any], list[str]]:
    kecamatan = desa.digits[:6]
    nik = make_nik(kecamatan, date(2023, 1, 1) + timedelta(days=n), rng.choice(("L", "P")), n + 1)
    kk = make_kk(kecamatan, date(2019, 5, 2), n + 1)
    child = make_nik(kecamatan, date(2022, 6, 1) + timedelta(days=n), "L", n + 100)
    base = {"record_id": f"R-{n}", "desa_code": desa.digits}
    if feed == "child_measurement":
        return {**base, "child_nik": nik, "sex": "L", "height_cm": 300.0, "catatan": f"ibu NIK {child}"}, [nik, child]
    if feed == "pregnancy_check":
        # A NIK sent as a JSON number must be masked too.
        return {**base, "mother_nik": int(nik), "kk_number": kk}, [nik, kk]
    # A KK number as a float in a field the feed does not know: only the digit-run scrub can catch it.
    return {**base, "kk_number": kk, "head_nik": nik, "child_niks": [child], "nomor": float(kk)}, [nik, kk, child]


def seed(client: Client) -> Seeded:
    rng = random.Random(4)
    desa = (*master().desa()[:3], master().desa()[-1])
    feeds = ("child_measurement", "pregnancy_check", "family_risk")
    rows: list[Row] = []
    personal: list[str] = []
    for n in range(45):
        feed = feeds[n % 3]
        where = desa[n % len(desa)]
        data, niks = _data(feed, rng, where, n)
        personal += niks
        # Several rows share a millisecond, so the cursor must break ties, and one event id is in two feeds.
        received = T0 + timedelta(hours=7 * (n // 3))
        event_id = "shared-id" if n in (0, 1) else f"ev-{n:03d}"
        event = make_event(feed, data, source=SOURCES[n % 3], event_id=event_id, time=received)
        rules = tuple(rng.sample(RULES, k=rng.randint(1, 2)))
        status = ("open", "open", "resolved", "replaced")[n % 4]
        record_id = niks[0] if n == 5 else f"R-{n}"  # an agency using a NIK as its record id
        rows.append(
            Row(event_id, feed, SOURCES[n % 3], where.digits, record_id, rules, orjson.dumps(event).decode(),
                received, 10, status)
        )  # fmt: skip
    text_nik = make_nik("530104", date(2024, 2, 2), "P", 77)
    personal.append(text_nik)
    rows.append(
        Row("kafka:satudata.raw.child_measurement.v1/0/9", "child_measurement", SOURCES[0], "", "", ("not_json",),
            f"{{broken nik={text_nik}", T0 + timedelta(days=20), 10, "open")
    )  # fmt: skip
    client.insert("satudata.quarantine", [r.values() for r in rows], column_names=COLUMNS)
    # Later versions in later inserts (another part): only FINAL tells which one counts. Version 30 is written
    # before version 20, so the highest version must win, not the last insert.
    resolved = [_replace(r, 30, "resolved") for r in rows[:12]]
    older = [_replace(r, 20, "open") for r in rows[:12:2]]
    for batch in (resolved, older):
        client.insert("satudata.quarantine", [r.values() for r in batch], column_names=COLUMNS)
    latest = {r.key: r for r in rows} | {r.key: r for r in resolved}
    outcomes = [o for r in latest.values() for o in r.outcomes()]
    client.insert("satudata.record_outcome", outcomes, column_names=OUTCOME_COLUMNS)
    return Seeded(latest, tuple(personal), desa)


def _replace(row: Row, version: int, status: str) -> Row:
    return Row(row.event_id, row.feed, row.source, row.desa, row.record_id, row.rules, row.event, row.received_at,
               version, status)  # fmt: skip


@pytest.fixture
def seeded(store: Client) -> Seeded:
    return seed(store)


@pytest.fixture
def api(store: Client) -> Iterator[TestClient]:
    keyring, headers = admin_keyring()
    with TestClient(create_app(store, Settings(environment="test"), keyring=keyring), headers=headers) as client:
        yield client


def _all_pages(api: TestClient, params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    texts: list[str] = []
    answer = api.get("/v1/quarantine", params=params)
    for _ in range(200):
        assert answer.status_code == 200, answer.text
        texts.append(answer.text)
        body = answer.json()
        assert len(body["items"]) <= body["limit"]
        items += body["items"]
        if body["next"] is None:
            assert body["next_cursor"] is None
            return items, texts
        answer = api.get(body["next"])
    raise AssertionError("paging did not end")


def _keys(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["feed"], i["event_id"]) for i in items]


def _expected(seeded: Seeded, **where: Any) -> set[tuple[str, str]]:
    rows = seeded.latest.values()
    if "feed" in where:
        rows = [r for r in rows if r.feed == where["feed"]]
    if "source" in where:
        rows = [r for r in rows if r.source == where["source"]]
    if "rule" in where:
        rows = [r for r in rows if where["rule"] in r.rules]
    if "status" in where:
        rows = [r for r in rows if r.status == where["status"]]
    if "start" in where:
        rows = [r for r in rows if r.received_at >= where["start"]]
    if "end" in where:
        rows = [r for r in rows if r.received_at < where["end"]]
    return {r.key for r in rows}


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_pages_hold_every_row_once_newest_first(api: TestClient, seeded: Seeded, limit: int) -> None:
    items, _ = _all_pages(api, {"limit": limit})
    keys = _keys(items)
    assert len(keys) == len(set(keys)) == len(seeded.latest)
    assert set(keys) == set(seeded.latest)
    times = [datetime.fromisoformat(i["received_at"]) for i in items]
    assert times == sorted(times, reverse=True)
    assert {(i["feed"], i["event_id"]): i["status"] for i in items} == {k: r.status for k, r in seeded.latest.items()}


def test_default_limit_is_100_and_limit_is_bounded(api: TestClient, seeded: Seeded) -> None:
    assert api.get("/v1/quarantine").json()["limit"] == 100
    assert len(api.get("/v1/quarantine").json()["items"]) == len(seeded.latest)  # 46 < 100
    assert api.get("/v1/quarantine", params={"limit": 1001}).status_code == 422
    assert api.get("/v1/quarantine", params={"limit": 0}).status_code == 422


@pytest.mark.parametrize(
    "where",
    [
        {"feed": "pregnancy_check"},
        {"source": "puskesmas-b"},
        {"rule": "nik_format"},
        {"status": "open"},
        {"status": "resolved"},
        {"status": "replaced"},
        {"feed": "child_measurement", "rule": "height_cm_out_of_range", "status": "open"},
        {"feed": "family_risk", "source": "bkkbn-ntt"},
    ],
)
def test_filters_match_the_rows_written(api: TestClient, seeded: Seeded, where: dict[str, str]) -> None:
    items, _ = _all_pages(api, {**where, "limit": 5})
    expected = _expected(seeded, **where)
    assert expected, "the seed must give every filter something to find"
    assert sorted(_keys(items)) == sorted(expected)


def test_the_window_is_inclusive_from_and_exclusive_to(api: TestClient, seeded: Seeded) -> None:
    start, end = T0 + timedelta(hours=21), T0 + timedelta(hours=63)
    params = {"from": start.isoformat(), "to": end.isoformat()}
    items, _ = _all_pages(api, params)
    expected = _expected(seeded, start=start, end=end)
    assert sorted(_keys(items)) == sorted(expected)
    assert any(r.received_at == start for r in seeded.latest.values())  # the inclusive edge is exercised


def test_a_date_is_a_whole_wita_day(api: TestClient, seeded: Seeded) -> None:
    # 2025-03-11 WITA is 2025-03-10T16:00Z .. 2025-03-11T16:00Z.
    items, _ = _all_pages(api, {"from": "2025-03-11", "to": "2025-03-11"})
    start = datetime(2025, 3, 10, 16, tzinfo=UTC)
    expected = _expected(seeded, start=start, end=start + timedelta(days=1))
    assert expected and sorted(_keys(items)) == sorted(expected)


def test_no_nik_or_kk_leaves_the_api(api: TestClient, seeded: Seeded) -> None:
    items, texts = _all_pages(api, {"limit": 4})
    text = "".join(texts)
    for number in seeded.personal:
        assert number not in text
    assert not re.search(r"\d{16}", text)
    by_key = {(i["feed"], i["event_id"]): i for i in items}
    for key, row in seeded.latest.items():
        sent = orjson.loads(row.event) if row.event.startswith('{"') else None
        if sent is None:
            assert "*" in by_key[key]["event"] and "broken" in by_key[key]["event"]
            continue
        shown = by_key[key]["event"]["data"]
        for name, value in sent["data"].items():
            kind = next((f.kind for f in FEEDS[row.feed].fields if f.name == name), None)
            if kind in ("nik", "kk"):
                assert shown[name] == mask(str(value))  # region digits and the last two
                assert shown[name][:4] == str(value)[:4] and shown[name][-2:] == str(value)[-2:]
            elif kind == "nik_list":
                assert shown[name] == [mask(v) for v in value]
            elif name == "nomor":
                assert shown[name] == mask(str(int(value)))
            elif name == "catatan":
                assert shown[name].startswith("ibu NIK ") and "*" in shown[name]
            else:
                assert shown[name] == value  # nothing else is touched


def test_reasons_and_region_names(api: TestClient, seeded: Seeded) -> None:
    items, _ = _all_pages(api, {"feed": "family_risk"})
    desa = {d.digits: d for d in seeded.desa}
    for item in items:
        row = seeded.latest[(item["feed"], item["event_id"])]
        assert item["rules"] == list(row.rules)
        assert [r["rule"] for r in item["reasons"]] == list(row.rules)
        assert all(r["severity"] == "error" and r["message_id"] and r["message_en"] for r in item["reasons"])
        region = desa[row.desa]
        assert (item["desa_code"], item["desa_name"]) == (region.code, region.name)
        assert item["kabupaten_code"] == region.code[:5]
        assert item["kabupaten_name"] == master().get(region.code[:5]).name
        assert item["kecamatan_name"] == master().get(region.code[:8]).name
        assert (item["resolved_at"] is not None) == (item["status"] != "open")
        assert item["resolved_by"] == {"open": "", "resolved": "replay", "replaced": "correction"}[item["status"]]


def _problem(answer: Response, status: int, slug: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body = answer.json()
    assert body["type"] == f"/problems/{slug}"
    assert " / " in body["title"] and " / " in body["detail"]
    return body


def test_refusals_are_problems(api: TestClient, seeded: Seeded) -> None:
    body = _problem(api.get("/v1/quarantine", params={"feed": "anak"}), 422, "unknown-feed")
    assert body["known"] == sorted(FEEDS)
    for bad in ("2025-13-01", "kemarin", "2025-03-1"):
        _problem(api.get("/v1/quarantine", params={"from": bad}), 422, "invalid-request")
    _problem(api.get("/v1/quarantine", params={"from": "2025-03-12", "to": "2025-03-11"}), 422, "invalid-request")
    _problem(api.get("/v1/quarantine", params={"cursor": "not-a-cursor"}), 422, "invalid-request")
    _problem(api.get("/v1/quarantine", params={"status": "closed"}), 422, "invalid-request")
