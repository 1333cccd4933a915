"""GET /v1/convergence/not-reached over convergence_target rows the test writes, against the list it computes."""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.nik import make_nik
from satudata.regions import Region, master

pytestmark = pytest.mark.integration


@pytest.fixture
def api(admin_api: TestClient) -> TestClient:
    """These tests are about the numbers: an admin sees them unsuppressed (access: test_api_access.py)."""
    return admin_api


URL = "/v1/convergence/not-reached"
MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)
COLUMNS = [
    "period", "child_hash", "desa_code", "kecamatan_code", "kabupaten_code", "target", "stunted", "family_at_risk",
    "extreme_poor", "reached", "kk_hash", "posyandu_id", "last_measure_date", "last_intervention_date", "version",
    "updated_at",
]  # fmt: skip


@dataclass(frozen=True)
class Target:
    period: date
    child: str
    desa: str  # digits
    stunted: bool
    family_at_risk: bool
    extreme_poor: bool
    reached: bool
    kk: str
    posyandu: str
    measured: date | None
    intervened: date | None
    version: int

    @property
    def target(self) -> bool:
        return self.stunted or self.family_at_risk or self.extreme_poor

    def values(self) -> list[Any]:
        flags = (self.target, self.stunted, self.family_at_risk, self.extreme_poor, self.reached)
        return [
            self.period, self.child, self.desa, self.desa[:6], self.desa[:4], *(int(f) for f in flags), self.kk,
            self.posyandu, self.measured, self.intervened, self.version, datetime.now(UTC),
        ]  # fmt: skip


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _insert(client: Client, rows: list[Target]) -> None:
    client.insert("satudata.convergence_target", [r.values() for r in rows], column_names=COLUMNS)


@dataclass(frozen=True)
class Seeded:
    desa: tuple[Region, ...]
    latest: tuple[Target, ...]

    def expected(self, period: date, region: str) -> list[Target]:
        prefix = region.replace(".", "")
        rows = [r for r in self.latest if r.period == period and r.desa.startswith(prefix)]
        return sorted((r for r in rows if r.target and not r.reached), key=lambda r: (r.desa, r.child))


@pytest.fixture
def seeded(store: Client) -> Seeded:
    rng = random.Random(7)
    kab_a, kab_b = master().kabupaten()[0], master().kabupaten()[2]
    kec_a1, kec_a2 = master().children(kab_a.code)[:2]
    desa = (*master().children(kec_a1.code)[:3], *master().children(kec_a2.code)[:2])
    desa += (master().children(master().children(kab_b.code)[0].code)[0],)
    first = []
    for n in range(120):
        flags = [rng.random() < 0.4 for _ in range(3)]
        first.append(
            Target(
                rng.choice((MARCH, APRIL)), _hash(f"child-{n}"), rng.choice(desa).digits, *flags,
                reached=rng.random() < 0.4, kk=rng.choice(("", _hash(f"kk-{n % 40}"))),
                posyandu=rng.choice(("", f"PSY-{n % 7}")),
                measured=rng.choice((None, date(2025, 2, 1) + timedelta(days=n % 50))),
                intervened=rng.choice((None, date(2024, 12, 1) + timedelta(days=n % 80))), version=1,
            )
        )  # fmt: skip
    # The convergence job rewrites children: reached now, no longer a target, or newly not reached.
    later = [replace(r, reached=not r.reached, version=2) for r in rng.sample(first, k=25)]
    later += [replace(r, stunted=False, family_at_risk=False, extreme_poor=False, version=3) for r in first[:10]]
    _insert(store, first)
    _insert(store, later)
    latest = {(r.period, r.child): r for r in first}
    for r in sorted(later, key=lambda r: r.version):
        latest[(r.period, r.child)] = r
    return Seeded(desa, tuple(latest.values()))


def _walk(api: TestClient, params: dict[str, Any]) -> list[dict[str, Any]]:
    items, url, query = [], URL, params
    for _ in range(100):
        answer = api.get(url, params=query)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= params.get("limit", 100)
        items += body["items"]
        if body["next"] is None:
            assert body["next_cursor"] is None
            return items
        url, query = body["next"], None
    raise AssertionError("paging did not end")


def _check(item: dict[str, Any], row: Target) -> None:
    assert item["child_hash"] == row.child
    desa = master().get(row.desa)
    assert (item["desa_code"], item["desa_name"]) == (desa.code, desa.name)
    flags = {"stunted": row.stunted, "family_at_risk": row.family_at_risk, "extreme_poor": row.extreme_poor}
    assert [r["code"] for r in item["reasons"]] == [code for code, on in flags.items() if on]
    assert all(r["label_id"] and r["label_en"] for r in item["reasons"])
    assert item["kk_hash"] == (row.kk or None) and item["posyandu_id"] == (row.posyandu or None)
    assert item["last_measure_date"] == (row.measured.isoformat() if row.measured else None)
    assert item["last_intervention_date"] == (row.intervened.isoformat() if row.intervened else None)


@pytest.mark.parametrize("limit", [1, 4, 1000])
def test_pages_walk_the_whole_list_in_order(api: TestClient, seeded: Seeded, limit: int) -> None:
    kabupaten = seeded.desa[0].digits[:4]
    for period in (MARCH, APRIL):
        items = _walk(api, {"region": kabupaten, "period": period.strftime("%Y-%m"), "limit": limit})
        expected = seeded.expected(period, kabupaten)
        assert len(expected) > 5
        assert [i["child_hash"] for i in items] == [r.child for r in expected]
        for item, row in zip(items, expected, strict=True):
            _check(item, row)


def test_kecamatan_and_desa_dotted_or_digits(api: TestClient, seeded: Seeded) -> None:
    for region in (seeded.desa[0].code, seeded.desa[0].digits, seeded.desa[3].digits[:6], seeded.desa[-1].code):
        body = api.get(URL, params={"region": region, "period": "2025-03"}).json()
        assert body["region"] == master().get(region).code and body["period"] == "2025-03"
        assert [i["child_hash"] for i in body["items"]] == [r.child for r in seeded.expected(MARCH, region)]


def test_a_reached_or_no_longer_target_child_drops_out(api: TestClient, store: Client) -> None:
    desa = master().desa()[10].digits
    base = Target(MARCH, _hash("x"), desa, True, False, False, False, "", "", None, None, 1)
    rows = [base, replace(base, child=_hash("y")), replace(base, child=_hash("z"), reached=True)]
    _insert(store, rows)
    _insert(store, [replace(rows[0], reached=True, version=2), replace(rows[1], stunted=False, version=2)])
    _insert(store, [replace(rows[2], reached=False, extreme_poor=True, version=2)])
    body = api.get(URL, params={"region": desa, "period": "2025-03"}).json()
    assert [i["child_hash"] for i in body["items"]] == [_hash("z")]
    assert [r["code"] for r in body["items"][0]["reasons"]] == ["stunted", "extreme_poor"]


def test_no_nik_ever_leaves(api: TestClient, store: Client) -> None:
    desa = master().desa()[0]
    nik = make_nik(desa.digits[:6], date(2023, 1, 4), "P", 12)
    _insert(store, [Target(MARCH, _hash(nik), desa.digits, True, True, True, False, "", f"PSY {nik}", None, None, 1)])
    answer = api.get(URL, params={"region": desa.code, "period": "2025-03"})
    assert nik not in answer.text and not re.search(r"\d{16}", answer.text)
    assert answer.json()["items"][0]["posyandu_id"].startswith("PSY ")


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert " / " in body["title"] and " / " in body["detail"]
    return body


def test_refusals(api: TestClient) -> None:
    assert _problem(api.get(URL, params={"region": "53", "period": "2025-03"}), 400)["type"] == (
        "/problems/level-not-available"
    )
    _problem(api.get(URL, params={"region": "53.01"}), 422)  # period is required
    _problem(api.get(URL, params={"region": "53.01", "period": "2025-3"}), 422)
    _problem(api.get(URL, params={"region": "53.99", "period": "2025-03"}), 404)
    body = _problem(api.get(URL, params={"region": "53.01", "period": "2025-03", "cursor": "bm9wZQ"}), 422)
    assert body["type"] == "/problems/invalid-request"
