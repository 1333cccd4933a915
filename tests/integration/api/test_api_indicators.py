"""Indicator values through the HTTP API equal the sums the test computes itself from what it wrote."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.regions import master
from tests.integration.api.conftest import COLUMNS, Sum

if TYPE_CHECKING:
    from tests.integration.api.conftest import Seeded

pytestmark = pytest.mark.integration


@pytest.fixture
def api(admin_api: TestClient) -> TestClient:
    """These tests are about the numbers: an admin sees them unsuppressed (access: test_api_access.py)."""
    return admin_api


STUNTING = "stunting_prevalence"
MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)  # the months the seed fills


def _month(period: date) -> str:
    return period.strftime("%Y-%m")


def _assert_counts(item: dict[str, object], expected: tuple[int, int]) -> None:
    numerator, denominator = expected
    assert (item["numerator"], item["denominator"]) == (numerator, denominator)
    assert item["value"] == (numerator / denominator if denominator else None)


def test_value_at_every_level_is_the_sum_of_what_was_written(api: TestClient, seeded: Seeded) -> None:
    regions = ["53", *(r.code for r in seeded.kabupaten), *(r.code for r in seeded.kecamatan)]
    regions += [r.code for r in seeded.desa]
    assert seeded.periods == (MARCH, APRIL)
    for indicator in ("stunting_prevalence", "wasting_prevalence"):
        for period in seeded.periods:
            for region in regions:
                answer = api.get(f"/v1/indicators/{indicator}", params={"region": region, "period": _month(period)})
                assert answer.status_code == 200, answer.text
                body = answer.json()
                assert body["indicator"] == indicator
                assert body["region"] == region and body["period"] == _month(period)
                assert body["region_name"] == master().get(region).name
                assert body["level"] == master().get(region).level
                _assert_counts(body, seeded.expected(indicator, period, region))


def test_the_province_is_the_default_and_adds_up_its_kabupaten(api: TestClient, seeded: Seeded) -> None:
    province = api.get(f"/v1/indicators/{STUNTING}", params={"period": "2025-03"}).json()
    assert (province["region"], province["level"]) == ("53", "provinsi")
    kabupaten = [seeded.expected(STUNTING, MARCH, k.code) for k in seeded.kabupaten]
    assert province["numerator"] == sum(n for n, _ in kabupaten) > 0
    assert province["denominator"] == sum(d for _, d in kabupaten)


def test_digits_and_dotted_codes_give_the_same_answer(api: TestClient, seeded: Seeded) -> None:
    desa = seeded.desa[0]
    dotted = api.get(f"/v1/indicators/{STUNTING}", params={"region": desa.code, "period": "2025-04"}).json()
    digits = api.get(f"/v1/indicators/{STUNTING}", params={"region": desa.digits, "period": "2025-04"}).json()
    assert dotted == digits


def test_an_uncounted_region_or_month_has_no_value(api: TestClient, seeded: Seeded) -> None:
    empty_desa = next(r for r in master().desa() if r not in seeded.desa)
    for params in ({"region": empty_desa.code, "period": "2025-03"}, {"region": "53", "period": "2024-01"}):
        body = api.get(f"/v1/indicators/{STUNTING}", params=params).json()
        assert (body["numerator"], body["denominator"], body["value"]) == (0, 0, None)
    body = api.get("/v1/indicators/overweight_prevalence", params={"period": "2025-03"}).json()
    assert body["denominator"] == 0  # known but not seeded


def test_by_kecamatan_lists_every_kecamatan_zero_filled(api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[0]
    answer = api.get(
        f"/v1/indicators/{STUNTING}",
        params={"region": kabupaten.code, "period": "2025-03", "by": "kecamatan"},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["region"], body["by"], body["period"]) == (kabupaten.code, "kecamatan", "2025-03")
    every = master().children(kabupaten.code)
    assert [i["region"] for i in body["items"]] == [k.code for k in every]
    assert len(every) > 2  # so that some are zero-filled
    for item, kecamatan in zip(body["items"], every, strict=True):
        assert item["region_name"] == kecamatan.name and item["level"] == "kecamatan"
        _assert_counts(item, seeded.expected(STUNTING, MARCH, kecamatan.code))
    assert sum(i["numerator"] for i in body["items"]) == seeded.expected(STUNTING, MARCH, kabupaten.code)[0]


def test_by_kabupaten_and_by_desa(api: TestClient, seeded: Seeded) -> None:
    body = api.get(f"/v1/indicators/{STUNTING}", params={"period": "2025-04", "by": "kabupaten"}).json()
    assert [i["region"] for i in body["items"]] == [k.code for k in master().kabupaten()]
    for item in body["items"]:
        _assert_counts(item, seeded.expected(STUNTING, APRIL, item["region"]))

    kecamatan = seeded.kecamatan[0]
    params = {"region": kecamatan.digits, "period": "2025-04", "by": "desa"}
    body = api.get(f"/v1/indicators/{STUNTING}", params=params).json()
    assert [i["region"] for i in body["items"]] == [d.code for d in master().children(kecamatan.code)]
    for item in body["items"]:
        _assert_counts(item, seeded.expected(STUNTING, APRIL, item["region"]))


def test_series_has_every_month_of_the_range(api: TestClient, seeded: Seeded) -> None:
    kabupaten = seeded.kabupaten[1]
    params = {"region": kabupaten.code, "from": "2024-12", "to": "2025-06"}
    answer = api.get(f"/v1/indicators/{STUNTING}/series", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["from"], body["to"], body["region"]) == ("2024-12", "2025-06", kabupaten.code)
    months = ["2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert [i["period"] for i in body["items"]] == months
    for item in body["items"]:
        period = date.fromisoformat(item["period"] + "-01")
        _assert_counts(item, seeded.expected(STUNTING, period, kabupaten.code))
    assert body["items"][3]["denominator"] > 0 and body["items"][0]["value"] is None


def test_series_defaults_to_the_last_twelve_months(api: TestClient, seeded: Seeded) -> None:
    body = api.get(f"/v1/indicators/{STUNTING}/series", params={"to": "2025-04"}).json()
    assert len(body["items"]) == 12 and body["from"] == "2024-05"
    assert body["items"][-1]["numerator"] == seeded.expected(STUNTING, APRIL, "53")[0]


def test_an_indicator_two_feeds_write_adds_both_feeds_and_every_partition(api: TestClient, store: Client) -> None:
    """weighing_coverage: child_measurement owns the numerator, population the denominator, each feed in its own
    partitions (partition 0 exists in both feeds: neither may hide the other)."""
    desa_a, desa_b = master().desa()[0], master().desa()[1]  # same kecamatan
    rows = [
        Sum("weighing_coverage", MARCH, desa_a.digits, 0, 7, 0, 1, feed="child_measurement"),
        Sum("weighing_coverage", MARCH, desa_a.digits, 2, 4, 0, 1, feed="child_measurement"),
        Sum("weighing_coverage", MARCH, desa_a.digits, 0, 0, 30, 1, feed="population"),
        Sum("weighing_coverage", MARCH, desa_b.digits, 1, 5, 0, 1, feed="child_measurement"),
        Sum("weighing_coverage", MARCH, desa_b.digits, 0, 0, 9, 1, feed="population"),
        Sum("weighing_coverage", APRIL, desa_b.digits, 0, 0, 9, 1, feed="population"),
    ]
    store.insert("satudata.indicator_value", [r.row() for r in rows], column_names=COLUMNS)
    # A later version of population's partition 0 for desa_a replaces its denominator 30 with 20.
    newer = Sum("weighing_coverage", MARCH, desa_a.digits, 0, 0, 20, 2, feed="population")
    store.insert("satudata.indicator_value", [newer.row()], column_names=COLUMNS)

    body = api.get("/v1/indicators/weighing_coverage", params={"region": desa_a.code, "period": "2025-03"}).json()
    _assert_counts(body, (7 + 4, 20))
    kecamatan = master().parent(desa_a.code)
    assert kecamatan is not None and master().parent(desa_b.code) == kecamatan
    body = api.get("/v1/indicators/weighing_coverage", params={"region": kecamatan.code, "period": "2025-03"}).json()
    _assert_counts(body, (7 + 4 + 5, 20 + 9))
    params = {"region": kecamatan.code, "period": "2025-03", "by": "desa"}
    items = {i["region"]: i for i in api.get("/v1/indicators/weighing_coverage", params=params).json()["items"]}
    _assert_counts(items[desa_a.code], (11, 20))
    _assert_counts(items[desa_b.code], (5, 9))
    series = api.get(
        "/v1/indicators/weighing_coverage/series", params={"region": "53", "from": "2025-03", "to": "2025-04"}
    ).json()
    _assert_counts(series["items"][0], (16, 29))
    _assert_counts(series["items"][1], (0, 9))


def test_a_joined_indicator_reads_its_sums_like_a_stream_one(api: TestClient, store: Client) -> None:
    desa = master().desa()[5]
    rows = [
        Sum("convergence_reach", APRIL, desa.digits, 0, 3, 8, 1, feed="convergence"),
        Sum("convergence_reach", APRIL, desa.digits, 0, 6, 10, 2, feed="convergence"),
    ]
    for row in rows:
        store.insert("satudata.indicator_value", [row.row()], column_names=COLUMNS)
    body = api.get("/v1/indicators/convergence_reach", params={"region": desa.digits[:4], "period": "2025-04"}).json()
    _assert_counts(body, (6, 10))
