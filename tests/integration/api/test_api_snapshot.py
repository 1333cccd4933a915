"""Indicator answers from snapshots equal the answers of a FINAL query each, at every level, breakdown and series;
a snapshot is reused for its lifetime and reloaded after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.indicators import INDICATORS
from satudata.regions import master
from satudata.settings import ApiSettings, Settings
from services.api import create_app
from services.api.indicators import service
from services.api.indicators.snapshot import Snapshots
from tests.integration.api.conftest import APRIL, COLUMNS, MARCH, SEEDED_INDICATORS, Seeded, Sum

pytestmark = pytest.mark.integration


def _app(store: Client, seconds: float) -> TestClient:
    settings = Settings(environment="test", small_cell_threshold=0, api=ApiSettings(snapshot_seconds=seconds))
    return TestClient(create_app(store, settings))


@pytest.fixture
def both(store: Client) -> Iterator[tuple[TestClient, TestClient]]:
    with _app(store, 0) as queried, _app(store, 5) as snapshotted:
        yield queried, snapshotted


def test_snapshot_answers_equal_queried_answers(both: tuple[TestClient, TestClient], seeded: Seeded) -> None:
    queried, snapshotted = both
    empty_desa = next(d for d in master().desa() if d not in seeded.desa)
    regions = ["53", *(k.code for k in seeded.kabupaten), *(k.code for k in seeded.kecamatan)]
    regions += [*(d.code for d in seeded.desa), empty_desa.code, empty_desa.code[:8]]
    asked = 0
    for indicator in (*SEEDED_INDICATORS, "overweight_prevalence"):
        path = f"/v1/indicators/{indicator}"
        for month in ("2025-03", "2025-04", "2024-01"):
            for region in regions:
                params = {"region": region, "period": month}
                assert snapshotted.get(path, params=params).json() == queried.get(path, params=params).json()
                asked += 1
            for region, by in (("53", "kabupaten"), ("53", "desa"), (seeded.kabupaten[0].code, "kecamatan")):
                params = {"region": region, "period": month, "by": by}
                assert snapshotted.get(path, params=params).json() == queried.get(path, params=params).json()
        for region in regions:
            params = {"region": region, "from": "2024-11", "to": "2025-06"}
            expected = queried.get(f"{path}/series", params=params).json()
            assert snapshotted.get(f"{path}/series", params=params).json() == expected
    assert asked > 100
    # The answers are not trivially equal: the seeded numbers show in both.
    body = snapshotted.get("/v1/indicators/stunting_prevalence", params={"region": "53", "period": "2025-04"}).json()
    assert (body["numerator"], body["denominator"]) == seeded.expected("stunting_prevalence", APRIL, "53")


def test_a_snapshot_lives_its_seconds_then_reloads(store: Client, seeded: Seeded) -> None:
    now = [1000.0]
    snapshots = Snapshots(5.0, clock=lambda: now[0])
    indicator, province = INDICATORS["stunting_prevalence"], master().get("53")

    def numerator() -> int | None:
        answer = service.get(client=store, indicator=indicator, region=province, period=MARCH, snapshots=snapshots)
        return answer.numerator

    before = numerator()
    assert before == seeded.expected("stunting_prevalence", MARCH, "53")[0]
    desa = seeded.desa[0].digits
    store.insert(
        "satudata.indicator_value", [Sum("stunting_prevalence", MARCH, desa, 11, 7, 9, 1).row()], column_names=COLUMNS
    )
    now[0] += 4.9
    assert numerator() == before  # within its lifetime: the snapshot as it was
    now[0] += 0.2
    assert numerator() == before + 7  # expired, and the rows changed: reloaded from ClickHouse
    kept = snapshots.get(store, "stunting_prevalence")
    now[0] += 5.1
    assert snapshots.get(store, "stunting_prevalence") is kept  # expired, nothing written since: kept as it is


def test_snapshots_off_reads_every_time(store: Client, seeded: Seeded) -> None:
    snapshots = Snapshots(0.0)
    indicator, province = INDICATORS["wasting_prevalence"], master().get("53")
    first = service.get(client=store, indicator=indicator, region=province, period=APRIL, snapshots=snapshots)
    desa = seeded.desa[-1].digits
    store.insert(
        "satudata.indicator_value", [Sum("wasting_prevalence", APRIL, desa, 12, 2, 3, 1).row()], column_names=COLUMNS
    )
    again = service.get(client=store, indicator=indicator, region=province, period=APRIL, snapshots=snapshots)
    assert (again.numerator, again.denominator) == (first.numerator + 2, first.denominator + 3)
