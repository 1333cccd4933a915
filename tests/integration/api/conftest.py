"""An API over the session's chDB store, seeded with partial sums whose true totals the tests compute
themselves: several partitions, desa in two kabupaten, two months, and replaced versions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from clickhouse_connect.driver import Client
from fastapi.testclient import TestClient

from satudata.regions import Region, RegionMaster, master, normalise_code
from satudata.settings import Settings
from services.api import create_app
from tests.keys import admin_keyring

MARCH, APRIL = date(2025, 3, 1), date(2025, 4, 1)
SEEDED_INDICATORS = ("stunting_prevalence", "wasting_prevalence")
COLUMNS = [
    "indicator",
    "period",
    "desa_code",
    "kecamatan_code",
    "kabupaten_code",
    "feed",
    "partition",
    "numerator",
    "denominator",
    "version",
    "updated_at",
]


@dataclass(frozen=True)
class Sum:
    indicator: str
    period: date
    desa: str  # digits
    partition: int
    numerator: int
    denominator: int
    version: int
    feed: str = "child_measurement"

    @property
    def key(self) -> tuple[str, date, str, str, int]:
        return (self.indicator, self.period, self.desa, self.feed, self.partition)

    def row(self) -> tuple[object, ...]:
        codes = (self.desa, self.desa[:6], self.desa[:4])
        counts = (self.feed, self.partition, self.numerator, self.denominator, self.version)
        return (self.indicator, self.period, *codes, *counts, datetime.now(UTC))


@dataclass(frozen=True)
class Seeded:
    """What was written, and the truth computed from it in plain Python."""

    periods: tuple[date, date]
    kabupaten: tuple[Region, Region]
    kecamatan: tuple[Region, ...]
    desa: tuple[Region, ...]
    latest: tuple[Sum, ...]

    def expected(self, indicator: str, period: date, region: str) -> tuple[int, int]:
        prefix = normalise_code(region)
        mine = [s for s in self.latest if (s.indicator, s.period) == (indicator, period)]
        mine = [s for s in mine if s.desa.startswith(prefix)]
        return sum(s.numerator for s in mine), sum(s.denominator for s in mine)


def _partial(rng: random.Random, indicator: str, period: date, desa: str, partition: int, version: int) -> Sum:
    denominator = rng.randint(0, 40)
    return Sum(indicator, period, desa, partition, rng.randint(0, denominator), denominator, version)


def seed(client: Client, regions: RegionMaster) -> Seeded:
    rng = random.Random(53)
    kab_a, kab_b = regions.kabupaten()[0], regions.kabupaten()[-1]
    kec_a1, kec_a2 = regions.children(kab_a.code)[:2]
    kec_b1 = regions.children(kab_b.code)[0]
    desa = (
        *regions.children(kec_a1.code)[:3],
        *regions.children(kec_a2.code)[:1],
        *regions.children(kec_b1.code)[:2],
    )
    first = [
        _partial(rng, indicator, period, d.digits, partition, version=1)
        for indicator in SEEDED_INDICATORS
        for period in (MARCH, APRIL)
        for d in desa
        for partition in rng.sample(range(4), k=rng.randint(1, 3))
    ]
    # Corrections arrive in later inserts (other parts), so only FINAL can tell the latest; some arrive out of
    # order (version 5 before version 4), so the highest version must win, not the last insert.
    replaced = rng.sample(first, k=len(first) // 3)
    fives = [_partial(rng, s.indicator, s.period, s.desa, s.partition, version=5) for s in replaced]
    fours = [_partial(rng, s.indicator, s.period, s.desa, s.partition, version=4) for s in replaced[::2]]
    for batch in (first, fives, fours):
        client.insert("satudata.indicator_value", [s.row() for s in batch], column_names=COLUMNS)
    latest: dict[tuple[str, date, str, str, int], Sum] = {}
    for s in (*first, *fives, *fours):
        if s.key not in latest or latest[s.key].version < s.version:
            latest[s.key] = s
    return Seeded((MARCH, APRIL), (kab_a, kab_b), (kec_a1, kec_a2, kec_b1), desa, tuple(latest.values()))


@pytest.fixture
def seeded(store: Client) -> Seeded:
    return seed(store, master())


@pytest.fixture
def api(store: Client) -> Iterator[TestClient]:
    """An anonymous caller's client (the public: small cells suppressed, role-only routes refused)."""
    with TestClient(create_app(store, Settings(environment="test"))) as client:
        yield client


@pytest.fixture
def admin_api(store: Client) -> Iterator[TestClient]:
    """An admin's client, for tests about the numbers themselves (access and suppression: test_api_access.py).
    A module opts in by overriding `api` with it."""
    keyring, headers = admin_keyring()
    with TestClient(create_app(store, Settings(environment="test"), keyring=keyring), headers=headers) as client:
        yield client
