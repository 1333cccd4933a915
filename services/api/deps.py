"""Request dependencies, as `Annotated` aliases the views declare: the client, the region master, settings,
and the path and query values that every indicator route resolves the same way."""

from __future__ import annotations

from typing import Annotated

from clickhouse_connect.driver import Client
from fastapi import Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from satudata.events import FEEDS, Feed
from satudata.indicators import INDICATORS, Indicator
from satudata.problems import ProblemError
from satudata.regions import InvalidRegionCodeError, Region, RegionMaster, UnknownRegionError
from satudata.regions.provinces import NTT_PROVINCE_CODE
from satudata.settings import Settings
from services.api import problems


# Dependencies are `async def` though nothing in them awaits: FastAPI runs a plain `def` dependency in the thread
# pool, one hop per dependency per request, which cost more than the indicator answers themselves (bench/api.py).
# Each dependency costs a request ~20-30 µs of FastAPI's solving (more than an answer from a snapshot), so the
# hottest routes (indicator values and series) read the app's state through these functions rather than declaring
# a dependency for each.
async def client_of(request: Request) -> Client:
    clients = request.app.state.clients
    # Building the client may wait for ClickHouse: that first time only, in the thread pool.
    built = clients.built
    return built if built is not None else await run_in_threadpool(clients.get)


async def _master(request: Request) -> RegionMaster:
    return request.app.state.master


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


ClientDep = Annotated[Client, Depends(client_of)]
MasterDep = Annotated[RegionMaster, Depends(_master)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def resolve_region(master: RegionMaster, code: str) -> Region:
    try:
        return master.get(code)
    except InvalidRegionCodeError as exc:
        raise ProblemError(problems.invalid_region(str(exc))) from None
    except UnknownRegionError as exc:
        raise ProblemError(problems.unknown_region(str(exc))) from None


async def _region_query(
    request: Request,
    region: Annotated[
        str,
        Query(
            max_length=16,
            description="Kode wilayah Kemendagri, bertitik atau tidak (53, 53.01, 5301042003) / "
            "Kemendagri region code, dotted or digits (53, 53.01, 5301042003)",
        ),
    ] = NTT_PROVINCE_CODE,
) -> Region:
    return resolve_region(request.app.state.master, region)


async def _region_path(
    master: MasterDep,
    code: Annotated[
        str,
        Path(
            max_length=16,
            description="Kode wilayah Kemendagri, bertitik atau tidak / Kemendagri region code, dotted or digits",
        ),
    ],
) -> Region:
    return resolve_region(master, code)


async def _indicator(
    code: Annotated[
        str,
        Path(max_length=64, description="Kode indikator, mis. stunting_prevalence / Indicator code"),
    ],
) -> Indicator:
    try:
        return INDICATORS[code]
    except KeyError:
        raise ProblemError(problems.unknown_indicator(code, sorted(INDICATORS))) from None


RegionQueryDep = Annotated[Region, Depends(_region_query)]
RegionPathDep = Annotated[Region, Depends(_region_path)]
IndicatorDep = Annotated[Indicator, Depends(_indicator)]


def resolve_feed(name: str) -> Feed:
    try:
        return FEEDS[name]
    except KeyError:
        raise ProblemError(problems.unknown_feed(name, sorted(FEEDS))) from None


async def _feed_query(
    feed: Annotated[
        str | None, Query(max_length=64, description="Nama feed, mis. child_measurement / Feed name")
    ] = None,
) -> Feed | None:
    return resolve_feed(feed) if feed is not None else None


FeedQueryDep = Annotated[Feed | None, Depends(_feed_query)]
