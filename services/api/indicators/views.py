"""HTTP routes of the indicators domain: decode the request, call the service, return its model."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from satudata.problems import ProblemError
from satudata.regions import LEVELS, Level
from services.api import problems
from services.api.deps import ClientDep, IndicatorDep, MasterDep, RegionQueryDep
from services.api.indicators import periods, service
from services.api.indicators.models import IndicatorBreakdown, IndicatorSeries, IndicatorValue

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


@router.get(
    "/{code}",
    response_model=IndicatorValue | IndicatorBreakdown,
    summary="Nilai indikator untuk satu wilayah dan bulan / Indicator value for a region and month",
    description=(
        "Jumlah pembilang dan penyebut semua desa di bawah wilayah itu, lalu nilainya (rasio, tidak pernah "
        "rata-rata rasio). Dengan `by`, daftar setiap wilayah pada tingkat itu di bawahnya, berisi nol bila "
        "belum ada data. / Numerator and denominator summed over every desa under the region, and their "
        "ratio (never an average of ratios). With `by`, every region of that level under it, zero-filled."
    ),
    responses=problems.problem_responses(404, 422, 503),
)
def indicator_value(
    indicator: IndicatorDep,
    region: RegionQueryDep,
    client: ClientDep,
    master: MasterDep,
    period: Period = None,
    by: Annotated[
        Literal["kabupaten", "kecamatan", "desa"] | None,
        Query(description="Rinci per tingkat wilayah di bawahnya / Break down by a level below the region"),
    ] = None,
) -> IndicatorValue | IndicatorBreakdown:
    month = periods.parse(period) if period else periods.current()
    if by is None:
        return service.get(client=client, indicator=indicator, region=region, period=month)
    level = _BY_LEVEL[by]
    if LEVELS.index(level) <= LEVELS.index(region.level):
        raise ProblemError(
            problems.invalid_query(
                f"by={by} harus di bawah tingkat wilayah {region.code} ({region.level})",
                f"by={by} must be below the level of region {region.code} ({region.level})",
            )
        )
    return service.breakdown(client=client, master=master, indicator=indicator, region=region, period=month, by=level)


@router.get(
    "/{code}/series",
    response_model=IndicatorSeries,
    summary="Deret bulanan indikator / Monthly indicator series",
    description=(
        "Satu butir per bulan dari `from` sampai `to` (termasuk), berisi nol untuk bulan tanpa data; bawaan "
        "12 bulan terakhir. / One item per month from `from` to `to` (inclusive), zero-filled months "
        "included; by default the last 12 months."
    ),
    responses=problems.problem_responses(404, 422, 503),
)
def indicator_series(
    indicator: IndicatorDep,
    region: RegionQueryDep,
    client: ClientDep,
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
    return service.series(client=client, indicator=indicator, region=region, first=first, last=last)
