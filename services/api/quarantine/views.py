"""HTTP routes of the quarantine: the list operators work from, and the replay after a contract fix."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from satudata.access import Role
from satudata.problems import ProblemError
from services.api import cursor as cursors
from services.api import problems
from services.api.auth import require
from services.api.deps import ClientDep, FeedQueryDep, MasterDep, resolve_feed
from services.api.ports import Publisher
from services.api.quarantine import replay as replays
from services.api.quarantine import service
from services.api.quarantine.models import QuarantinePage, ReplayResult, Status
from services.api.window import WindowDep

router = APIRouter(
    prefix="/v1/quarantine",
    tags=["quarantine"],
    dependencies=[Depends(require(Role.OPERATOR))],
    responses=problems.problem_responses(401, 403),
)

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
Rule = Annotated[str | None, Query(max_length=100, description="Nama aturan, mis. nik_format / Rule name")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="next_cursor halaman sebelumnya / The previous page's next_cursor")
]


@router.get(
    "",
    response_model=QuarantinePage,
    summary="Rekaman karantina, terbaru dulu / Quarantined records, newest first",
    description=(
        "Versi terakhir setiap peristiwa yang dikarantina, dengan semua alasannya (Bahasa Indonesia dan Inggris). "
        "NIK dan nomor KK disamarkan: hanya 4 digit wilayah dan 2 digit terakhir yang tampak. Berhalaman dengan "
        "kursor (`next`); tanpa `status` semua status ikut. / The latest version of every quarantined event, "
        "with all its reasons (Bahasa Indonesia and English). NIK and KK numbers are masked: only the 4 region "
        "digits and the last 2 show. Paged by cursor (`next`); without `status` every status is listed."
    ),
    responses=problems.problem_responses(422, 503),
)
def list_quarantine(
    request: Request,
    client: ClientDep,
    master: MasterDep,
    feed: FeedQueryDep,
    window: WindowDep,
    rule: Rule = None,
    source: Annotated[str | None, Query(max_length=200, description="CloudEvent source")] = None,
    status: Annotated[
        Status | None, Query(description="open, replaced (diganti / superseded), resolved (selesai / resolved)")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="1-1000")] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> QuarantinePage:
    items, next_cursor = service.page(
        client=client,
        master=master,
        feed=feed,
        source=source,
        rule=rule,
        status=status,
        window=window,
        limit=limit,
        cursor=cursor,
    )
    return QuarantinePage(
        items=items, limit=limit, next_cursor=next_cursor, next=cursors.next_url(request, next_cursor)
    )


@router.post(
    "/replay",
    status_code=202,
    response_model=ReplayResult,
    summary="Putar ulang karantina setelah kontrak diperbaiki / Replay the quarantine after a contract fix",
    description=(
        "Menerbitkan ulang peristiwa asli dari baris karantina yang masih `open` (feed ini, opsional satu aturan) "
        f"ke topik mentah feed itu, terlama dulu, paling banyak {replays.MAX_PER_CALL:,} per panggilan; gerbang "
        "mutu menilainya lagi dan menutup baris yang kini lolos. Lanjutkan dengan `cursor=next_cursor` selama "
        "`remaining` > 0. 503 tanpa penerbit Kafka. / Re-publishes the original events of the still `open` "
        "quarantine rows (this feed, optionally one rule) to the feed's raw topic, oldest first, at most "
        f"{replays.MAX_PER_CALL:,} per call; the quality gateway judges them again and resolves the rows that now "
        "pass. Continue with `cursor=next_cursor` while `remaining` > 0. 503 without a Kafka publisher."
    ),
    responses=problems.problem_responses(422, 503),
)
def replay_quarantine(
    request: Request,
    client: ClientDep,
    feed: Annotated[str, Query(max_length=64, description="Nama feed / Feed name")],
    rule: Rule = None,
    limit: Annotated[
        int, Query(ge=1, le=replays.MAX_PER_CALL, description="Paling banyak / At most")
    ] = replays.MAX_PER_CALL,
    cursor: Cursor = None,
) -> ReplayResult:
    publisher: Publisher | None = request.app.state.publisher
    if publisher is None:
        raise ProblemError(problems.publisher_unavailable())
    return replays.replay(
        client=client, publisher=publisher, feed=resolve_feed(feed), rule=rule, limit=limit, cursor=cursor
    )
