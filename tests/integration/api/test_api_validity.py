"""validity_rate (method quality) from record_outcome FINAL, checked against counts the test computes itself."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.events import FEEDS
from satudata.regions import master

pytestmark = pytest.mark.integration


@pytest.fixture
def api(admin_api: TestClient) -> TestClient:
    """These tests are about the numbers: an admin sees them unsuppressed (access: test_api_access.py)."""
    return admin_api


VALIDITY = "validity_rate"
PROBLEM_JSON = "application/problem+json"
T0 = datetime(2025, 4, 2, tzinfo=UTC)
COLUMNS = [
    "feed", "event_id", "source", "agency", "record_id", "desa_code", "kabupaten_code", "outcome", "errors",
    "warnings", "event_date", "received_at", "lateness_days", "version",
]  # fmt: skip
SOURCES = ("pkm-a", "pkm-b", "tpk-c")
MONTH_DAYS = (date(2025, 2, 27), date(2025, 3, 1), date(2025, 3, 31), date(2025, 4, 1), date(2025, 4, 15), None)


@dataclass(frozen=True)
class Row:
    feed: str
    event_id: str
    source: str
    kabupaten: str  # digits, '' when the record's region was not known
    clean: bool
    event_date: date | None
    version: int

    def values(self) -> list[Any]:
        desa = next((d.digits for d in master().desa() if d.digits.startswith(self.kabupaten)), "")
        desa = desa if self.kabupaten else "99"
        return [
            self.feed, self.event_id, self.source, "agency", f"rec-{self.event_id}", desa, self.kabupaten,
            "clean" if self.clean else "quarantined", [] if self.clean else ["height_cm_out_of_range"], [],
            self.event_date, T0 + timedelta(minutes=self.version), None, self.version,
        ]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    kabupaten: tuple[str, str]  # digits
    latest: tuple[Row, ...]

    def expected(self, period: date, *, kabupaten: str | None = None, **match: str) -> tuple[int, int]:
        rows = [r for r in self.latest if r.event_date is not None and r.event_date.replace(day=1) == period]
        rows = [r for r in rows if kabupaten is None or r.kabupaten == kabupaten]
        rows = [r for r in rows if all(getattr(r, k) == v for k, v in match.items())]
        return sum(r.clean for r in rows), len(rows)


def _insert(client: Client, rows: list[Row]) -> None:
    client.insert("satudata.record_outcome", [r.values() for r in rows], column_names=COLUMNS)


@pytest.fixture
def seeded(store: Client) -> Seeded:
    rng = random.Random(95)
    kab = (master().kabupaten()[0].digits, master().kabupaten()[3].digits)
    feeds = ("child_measurement", "family_risk", "pregnancy_check")
    first = [
        Row(rng.choice(feeds), f"ev-{n}", rng.choice(SOURCES), rng.choice((*kab, *kab, "")), rng.random() < 0.7,
            rng.choice(MONTH_DAYS), 1)
        for n in range(300)
    ]  # fmt: skip
    # Re-judged events (a replay after a contract fix): the newer verdict, and sometimes a corrected date, wins.
    again = [
        Row(r.feed, r.event_id, r.source, r.kabupaten, not r.clean, rng.choice((r.event_date, date(2025, 3, 9))), 2)
        for r in rng.sample(first, k=90)
    ]
    _insert(store, first)
    _insert(store, again)
    latest = {(r.feed, r.event_id): r for r in first} | {(r.feed, r.event_id): r for r in again}
    return Seeded(kab, tuple(latest.values()))


def _counts(item: dict[str, Any], expected: tuple[int, int]) -> None:
    numerator, denominator = expected
    assert (item["numerator"], item["denominator"]) == expected
    assert item["value"] == (numerator / denominator if denominator else None)


@pytest.mark.parametrize("period", [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1), date(2025, 5, 1)])
def test_value_for_the_province_and_each_kabupaten(api: TestClient, seeded: Seeded, period: date) -> None:
    month = period.strftime("%Y-%m")
    body = api.get(f"/v1/indicators/{VALIDITY}", params={"period": month}).json()
    assert (body["indicator"], body["region"], body["period"]) == (VALIDITY, "53", month)
    _counts(body, seeded.expected(period))
    for kabupaten in seeded.kabupaten:
        body = api.get(f"/v1/indicators/{VALIDITY}", params={"region": kabupaten, "period": month}).json()
        assert body["level"] == "kabupaten_kota"
        _counts(body, seeded.expected(period, kabupaten=kabupaten))
    assert seeded.expected(date(2025, 3, 1))[1] > 50  # the seed fills March


def test_rows_without_an_event_date_count_in_no_month(api: TestClient, store: Client) -> None:
    kab = master().kabupaten()[1].digits
    _insert(store, [
        Row("child_measurement", "a", "pkm-a", kab, True, date(2025, 6, 3), 1),
        Row("child_measurement", "b", "pkm-a", kab, False, date(2025, 6, 30), 1),
        Row("child_measurement", "c", "pkm-a", kab, True, None, 1),
        Row("child_measurement", "d", "pkm-a", kab, False, None, 1),
    ])  # fmt: skip
    _counts(api.get(f"/v1/indicators/{VALIDITY}", params={"period": "2025-06"}).json(), (1, 2))
    series = api.get(f"/v1/indicators/{VALIDITY}/series", params={"from": "2025-01", "to": "2025-12"}).json()
    assert sum(i["denominator"] for i in series["items"]) == 2


def test_by_kabupaten_lists_every_kabupaten(api: TestClient, seeded: Seeded) -> None:
    body = api.get(f"/v1/indicators/{VALIDITY}", params={"period": "2025-03", "by": "kabupaten"}).json()
    assert [i["region"] for i in body["items"]] == [k.code for k in master().kabupaten()]
    for item in body["items"]:
        _counts(item, seeded.expected(date(2025, 3, 1), kabupaten=item["region"].replace(".", "")))
    # Rows without a known kabupaten count for the province only.
    unknown = seeded.expected(date(2025, 3, 1), kabupaten="")
    assert unknown[1] > 0
    assert sum(i["denominator"] for i in body["items"]) == seeded.expected(date(2025, 3, 1))[1] - unknown[1]


def test_by_feed_and_by_source(api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[0]
    params = {"region": kabupaten, "period": "2025-03", "by": "feed"}
    body = api.get(f"/v1/indicators/{VALIDITY}", params=params).json()
    assert body["by"] == "feed" and [i["key"] for i in body["items"]] == sorted(FEEDS)
    for item in body["items"]:
        _counts(item, seeded.expected(date(2025, 3, 1), kabupaten=kabupaten, feed=item["key"]))
    assert any(i["denominator"] == 0 for i in body["items"])  # known feeds nobody sent are listed as 0 / 0

    body = api.get(f"/v1/indicators/{VALIDITY}", params={"period": "2025-04", "by": "source"}).json()
    assert (body["by"], body["region"]) == ("source", "53")
    assert [i["key"] for i in body["items"]] == sorted(SOURCES)
    for item in body["items"]:
        _counts(item, seeded.expected(date(2025, 4, 1), source=item["key"]))


def test_series_by_month_of_the_record_date(api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[1]
    params = {"region": kabupaten, "from": "2025-01", "to": "2025-05"}
    body = api.get(f"/v1/indicators/{VALIDITY}/series", params=params).json()
    assert [i["period"] for i in body["items"]] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05"]
    for item in body["items"]:
        _counts(item, seeded.expected(date.fromisoformat(item["period"] + "-01"), kabupaten=kabupaten))


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM_JSON
    body = answer.json()
    assert " / " in body["title"] and " / " in body["detail"]
    return body


def test_below_kabupaten_is_refused(api: TestClient) -> None:
    desa, kecamatan = master().desa()[0], master().kecamatan()[0]
    for params in ({"region": desa.code}, {"region": kecamatan.digits}, {"by": "kecamatan"}, {"by": "desa"}):
        body = _problem(api.get(f"/v1/indicators/{VALIDITY}", params={"period": "2025-03", **params}), 400)
        assert body["type"] == "/problems/level-not-available" and body["indicator"] == VALIDITY
        assert "hanya sampai kabupaten" in body["detail"] and "only down to kabupaten" in body["detail"]
    _problem(api.get(f"/v1/indicators/{VALIDITY}/series", params={"region": kecamatan.code}), 400)
    params = {"region": master().kabupaten()[0].code, "by": "desa"}
    _problem(api.get(f"/v1/indicators/{VALIDITY}", params=params), 400)


def test_by_feed_is_for_validity_only(api: TestClient) -> None:
    for by in ("feed", "source"):
        body = _problem(api.get("/v1/indicators/stunting_prevalence", params={"by": by}), 422)
        assert body["type"] == "/problems/invalid-request"
