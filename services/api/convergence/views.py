"""HTTP routes of convergence: the target children a desa's cadres still have to reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from satudata.access import Role
from satudata.problems import ProblemError
from services.api import cursor as cursors
from services.api import problems
from services.api.auth import require
from services.api.convergence import service
from services.api.convergence.models import EXAMPLE_PAGE, NotReachedPage
from services.api.deps import ClientDep, MasterDep, resolve_region
from services.api.indicators import periods

router = APIRouter(
    prefix="/v1/convergence",
    tags=["convergence"],
    dependencies=[Depends(require(Role.OFFICIAL))],
    responses=problems.problem_responses(401, 403),
)

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000


@router.get(
    "/not-reached",
    response_model=NotReachedPage,
    summary="Anak sasaran yang belum terjangkau / Target children not reached",
    description=(
        "Anak sasaran convergence_reach pada bulan itu (balita pendek, dalam keluarga berisiko stunting, atau "
        "dalam rumah tangga miskin ekstrem) yang belum menerima intervensi dalam 90 hari, per desa di bawah "
        "wilayah (kabupaten, kecamatan atau desa), urut kode desa lalu pseudonim anak, berhalaman dengan kursor "
        "(`next`). Hanya pseudonim (HMAC) anak dan KK, tidak pernah NIK atau nomor KK. Perlu kunci API peran "
        "official atau admin. / "
        "The month's convergence_reach target children (stunted, in a family at risk of stunting, or in an "
        "extreme-poor household) who received no intervention in 90 days, per desa under the region (kabupaten, "
        "kecamatan or desa), ordered by desa code then child pseudonym, paged by cursor (`next`). Only the "
        "child's and the KK's pseudonyms (HMAC), never a NIK or KK number. Needs an API key of role official "
        "or admin."
    ),
    responses={
        200: {"content": {"application/json": {"example": EXAMPLE_PAGE}}},
        **problems.problem_responses(400, 404, 422, 503),
    },
)
def not_reached(
    request: Request,
    client: ClientDep,
    master: MasterDep,
    region: Annotated[
        str,
        Query(
            max_length=16,
            description="Kode kabupaten, kecamatan atau desa, bertitik atau tidak / Kabupaten, kecamatan or desa "
            "code, dotted or digits",
        ),
    ],
    period: Annotated[str, Query(pattern=periods.PATTERN, description="Bulan YYYY-MM (WITA) / Month YYYY-MM")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="1-1000")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=2000, description="next_cursor halaman sebelumnya / The previous page's next_cursor"),
    ] = None,
) -> NotReachedPage:
    place = resolve_region(master, region)
    if place.level == "provinsi":
        raise ProblemError(
            problems.level_not_available(
                "convergence_reach",
                "daftar anak sasaran per kabupaten, kecamatan atau desa; pilih salah satu",
                "the list of target children is per kabupaten, kecamatan or desa; choose one",
            )
        )
    month = periods.parse(period)
    items, next_cursor = service.page(
        client=client, master=master, region=place, period=month, limit=limit, cursor=cursor
    )
    return NotReachedPage(
        period=periods.format_period(month),
        region=place.code,
        region_name=place.name,
        level=place.level,
        items=items,
        limit=limit,
        next_cursor=next_cursor,
        next=cursors.next_url(request, next_cursor),
    )
