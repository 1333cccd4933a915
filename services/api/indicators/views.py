"""HTTP routes of the indicators domain: the registry, and values per region and month, answered from
`indicator_value` (methods stream and joined, `service.py`) or `record_outcome` (method quality, `validity.py`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Literal, TypeVar

from clickhouse_connect.driver import Client
from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from satudata.indicators import Indicator
from satudata.problems import ProblemError
from satudata.regions import LEVELS, Level, Region, RegionMaster
from services.api import answer_cache, problems
from services.api import cursor as cursors
from services.api.auth import CallerDep
from services.api.deps import IndicatorDep, RegionQueryDep, SettingsDep, client_of
from services.api.indicators import definitions, periods, service, suppression, validity
from services.api.indicators.definitions import IndicatorDefinition, IndicatorList
from services.api.indicators.models import (
    IndicatorBreakdown,
    IndicatorGroupBreakdown,
    IndicatorSeries,
    IndicatorValue,
)
from services.api.indicators.snapshot import Snapshots

router = APIRouter(prefix="/v1/indicators", tags=["indicators"])

MAX_SERIES_MONTHS = 240
_BY_LEVEL: dict[str, Level] = {
    "kabupaten": "kabupaten_kota",
    "kecamatan": "kecamatan",
    "desa": "desa_kelurahan",
}

Period = Annotated[
    str | None,
    Query(pattern=periods.PATTERN, description="Bulan YYYY-MM (WITA); bawaan bulan ini / Month YYYY-MM (WITA)"),
]
By = Literal["kabupaten", "kecamatan", "desa", "feed", "source"]
Answer = TypeVar("Answer")
# A breakdown by desa of the province holds 3,000+ regions: it pages like every other list.
DEFAULT_LIMIT, MAX_LIMIT = 1000, 1000
Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description="Wilayah per halaman bila `by` tingkat wilayah / Regions per page")
]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="next_cursor halaman sebelumnya / The previous page's next_cursor")
]


@router.get(
    "",
    response_model=IndicatorList,
    summary="Registri indikator / The indicator registry",
    description=(
        "Setiap indikator: nama dan definisi dua bahasa, pembilang, penyebut, feed, metode, satuan, arah, target "
        "dan sumbernya, serta ambang sel kecil (bawaan pengaturan bila indikator tidak menentukan). / Every "
        "indicator: names and definitions in both languages, numerator, denominator, feeds, method, unit, "
        "direction, target and its source, and the small-cell threshold (the settings' default unless set)."
    ),
    responses=problems.problem_responses(503),
)
def indicator_registry(settings: SettingsDep) -> IndicatorList:
    return definitions.registry(settings)


@router.get(
    "/{code}/definition",
    response_model=IndicatorDefinition,
    summary="Definisi satu indikator / One indicator's definition",
    description="Satu butir registri (lihat GET /v1/indicators) / One registry entry (see GET /v1/indicators).",
    responses=problems.problem_responses(404),
)
def indicator_definition(indicator: IndicatorDep, settings: SettingsDep) -> IndicatorDefinition:
    return definitions.definition(indicator, settings)


@router.get(
    "/{code}",
    response_model=IndicatorValue | IndicatorBreakdown | IndicatorGroupBreakdown,
    summary="Nilai indikator untuk satu wilayah dan bulan / Indicator value for a region and month",
    description=(
        "Jumlah pembilang dan penyebut semua desa di bawah wilayah itu, lalu nilainya (rasio, tidak pernah "
        "rata-rata rasio). Dengan `by`, daftar setiap wilayah pada tingkat itu di bawahnya, berisi nol bila "
        "belum ada data. validity_rate (metode quality) hanya sampai kabupaten (400 untuk kecamatan/desa) dan "
        "dapat dirinci `by=feed` atau `by=source`. / Numerator and denominator summed over every desa under the "
        "region, and their ratio (never an average of ratios). With `by`, every region of that level under it, "
        "zero-filled. validity_rate (method quality) goes down to kabupaten only (400 for kecamatan/desa) and "
        "can be broken down `by=feed` or `by=source`."
    ),
    responses=problems.problem_responses(400, 404, 422, 503),
)
async def indicator_value(
    request: Request,
    indicator: IndicatorDep,
    region: RegionQueryDep,
    caller: CallerDep,
    period: Period = None,
    by: Annotated[
        By | None,
        Query(
            description=(
                "Rinci per tingkat wilayah di bawahnya, atau per feed/sumber (hanya validity_rate) / Break down by "
                "a level below the region, or by feed/source (validity_rate only)"
            )
        ),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> IndicatorValue | IndicatorBreakdown | IndicatorGroupBreakdown:
    state, client = request.app.state, await client_of(request)
    work = partial(_value, indicator, region, client, state.master, period, by, limit, cursor, state.snapshots)
    answer = await _answer(request, state.snapshots, indicator, work)
    if isinstance(answer, IndicatorBreakdown):
        answer.next = cursors.next_url(request, answer.next_cursor)
    return suppression.for_caller(answer, caller=caller, indicator=indicator, settings=state.settings)


async def _answer(request: Request, snapshots: Snapshots, indicator: Indicator, work: Callable[[], Answer]) -> Answer:
    """Sums over a fresh snapshot are microseconds: answered on the loop, and the answer may be kept while that
    snapshot serves (answer_cache.py). Anything that may query ClickHouse (a snapshot to load or check,
    validity_rate, snapshots off) runs in the thread pool, as a plain `def` route would: the hop costs more than
    the sums."""
    snapshot = snapshots.current(indicator.code) if indicator.method != "quality" else None
    if snapshot is None:
        return await run_in_threadpool(work)
    answer = work()
    # Kept only if no load replaced the snapshot meanwhile (loads run in other threads): then `work` read this one.
    if snapshots.current(indicator.code) is snapshot:
        answer_cache.mark(request, indicator.code, snapshot)
    return answer


def _value(
    indicator: Indicator,
    region: Region,
    client: Client,
    master: RegionMaster,
    period: str | None,
    by: By | None,
    limit: int,
    cursor: str | None,
    snapshots: Snapshots,
) -> IndicatorValue | IndicatorBreakdown | IndicatorGroupBreakdown:
    month = periods.parse(period) if period else periods.current()
    quality = indicator.method == "quality"
    if quality:
        validity.check_level(indicator, region.level)
    if by is None:
        reader = validity.get if quality else partial(service.get, snapshots=snapshots)
        return reader(client=client, indicator=indicator, region=region, period=month)
    if by in ("feed", "source"):
        if not quality:
            raise ProblemError(
                problems.invalid_query(
                    f"by={by} hanya untuk indikator metode quality (validity_rate), bukan {indicator.code}",
                    f"by={by} is for indicators of method quality (validity_rate) only, not {indicator.code}",
                )
            )
        return validity.by_group(client=client, indicator=indicator, region=region, period=month, by=by)
    level = _BY_LEVEL[by]
    if LEVELS.index(level) <= LEVELS.index(region.level):
        raise ProblemError(
            problems.invalid_query(
                f"by={by} harus di bawah tingkat wilayah {region.code} ({region.level})",
                f"by={by} must be below the level of region {region.code} ({region.level})",
            )
        )
    breakdown = validity.breakdown if quality else partial(service.breakdown, snapshots=snapshots)
    return breakdown(
        client=client,
        master=master,
        indicator=indicator,
        region=region,
        period=month,
        by=level,
        limit=limit,
        cursor=cursor,
    )


@router.get(
    "/{code}/series",
    response_model=IndicatorSeries,
    summary="Deret bulanan indikator / Monthly indicator series",
    description=(
        "Satu butir per bulan dari `from` sampai `to` (termasuk), berisi nol untuk bulan tanpa data; bawaan "
        "12 bulan terakhir. / One item per month from `from` to `to` (inclusive), zero-filled months "
        "included; by default the last 12 months."
    ),
    responses=problems.problem_responses(400, 404, 422, 503),
)
async def indicator_series(
    request: Request,
    indicator: IndicatorDep,
    region: RegionQueryDep,
    caller: CallerDep,
    start: Annotated[str | None, Query(alias="from", pattern=periods.PATTERN, description="YYYY-MM")] = None,
    end: Annotated[str | None, Query(alias="to", pattern=periods.PATTERN, description="YYYY-MM")] = None,
) -> IndicatorSeries:
    last = periods.parse(end) if end else periods.current()
    first = periods.parse(start) if start else periods.shift(last, -11)
    if not 1 <= periods.span(first, last) <= MAX_SERIES_MONTHS:
        raise ProblemError(
            problems.invalid_query(
                f"from harus tidak setelah to, paling banyak {MAX_SERIES_MONTHS} bulan",
                f"from must not be after to, and span at most {MAX_SERIES_MONTHS} months",
            )
        )
    state, client = request.app.state, await client_of(request)
    reader = validity.series if indicator.method == "quality" else partial(service.series, snapshots=state.snapshots)
    answer = await _answer(
        request,
        state.snapshots,
        indicator,
        partial(reader, client=client, indicator=indicator, region=region, first=first, last=last),
    )
    return suppression.for_caller(answer, caller=caller, indicator=indicator, settings=state.settings)
