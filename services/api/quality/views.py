"""HTTP routes of data quality: scorecard, alerts, conflicts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from satudata.access import Role
from services.api import cursor as cursors
from services.api import problems
from services.api.auth import require
from services.api.deps import ClientDep, FeedQueryDep, MasterDep
from services.api.quality import scorecard as scorecards
from services.api.quality import service
from services.api.quality.models import AlertList, ConflictList, GroupBy, Scorecard
from services.api.window import WindowDep

router = APIRouter(
    prefix="/v1/quality",
    tags=["quality"],
    dependencies=[Depends(require(Role.OPERATOR))],
    responses=problems.problem_responses(401, 403),
)

DEFAULT_LIMIT, MAX_LIMIT = 100, 1000
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="1-1000")]
Cursor = Annotated[
    str | None, Query(max_length=2000, description="next_cursor halaman sebelumnya / The previous page's next_cursor")
]
Source = Annotated[str | None, Query(max_length=200, description="CloudEvent source")]


@router.get(
    "/scorecard",
    response_model=Scorecard,
    summary="Rapor mutu data / Data-quality scorecard",
    description=(
        "Per agensi, feed, kabupaten atau sumber, dari hasil terakhir setiap rekaman yang diterima dalam jendela "
        "waktu (menurut waktu masuk). **validity** = clean / received. **timeliness** = bagian rekaman yang "
        f"terlambat paling lama {scorecards.LATE_AFTER_DAYS} hari (tanggal kejadian sampai diterima) di antara "
        "rekaman yang keterlambatannya diketahui; null bila tidak ada. **completeness** = bagian rekaman yang "
        "tidak gagal aturan kelengkapan apa pun: `missing_field`, `<field>_missing` (kolom wajib tidak ada atau "
        "null) atau `<field>_empty` (teks wajib kosong), sebagai galat maupun peringatan. **warnings** = "
        "rekaman dengan sedikitnya satu peringatan. Tanpa `from`/`to`: seluruh riwayat. / Per agency, feed, "
        "kabupaten or source, from the latest outcome of every record received in the window (by arrival time). "
        "**validity** = clean / received. **timeliness** = share of records at most "
        f"{scorecards.LATE_AFTER_DAYS} days late (event date to arrival) among records whose lateness is known; "
        "null when none is. **completeness** = share of records failing no completeness rule: `missing_field`, "
        "`<field>_missing` (a required field absent or null) or `<field>_empty` (a required text blank), as an "
        "error or a warning. **warnings** = records with at least one warning. Without `from`/`to`: all history."
    ),
    responses=problems.problem_responses(422, 503),
)
def quality_scorecard(
    client: ClientDep,
    master: MasterDep,
    window: WindowDep,
    by: Annotated[GroupBy, Query(description="agency, feed, kabupaten, source")] = "feed",
) -> Scorecard:
    return scorecards.scorecard(client=client, master=master, by=by, window=window)


@router.get(
    "/alerts",
    response_model=AlertList,
    summary="Peringatan mutu data, terbaru dulu / Data-quality alerts, newest first",
    description=(
        "Validitas sumber di bawah ambang, aturan yang baru gagal, volume jatuh, sumber diam, lonjakan konflik "
        "antaragensi; masing-masing dengan pesan dua bahasa, sejak kapan, dan contoh record_id. `from`/`to` "
        "menurut waktu dinaikkan. / A source's validity below a threshold, a rule newly failing, volume falling, "
        "a silent source, a burst of cross-agency conflicts; each with a message in both languages, since when, "
        "and an example record_id. `from`/`to` apply to when the alert was raised."
    ),
    responses=problems.problem_responses(422, 503),
)
def quality_alerts(
    request: Request,
    client: ClientDep,
    master: MasterDep,
    feed: FeedQueryDep,
    window: WindowDep,
    kind: Annotated[str | None, Query(max_length=64, description="Jenis / Kind, e.g. validity_low")] = None,
    source: Source = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> AlertList:
    items, next_cursor = service.alerts(
        client=client,
        master=master,
        kind=kind,
        feed=feed.name if feed else None,
        source=source,
        window=window,
        limit=limit,
        cursor=cursor,
    )
    return AlertList(items=items, limit=limit, next_cursor=next_cursor, next=cursors.next_url(request, next_cursor))


@router.get(
    "/conflicts",
    response_model=ConflictList,
    summary="Konflik antaragensi, terbaru dulu / Cross-agency conflicts, newest first",
    description=(
        "Orang yang sama dengan tanggal lahir atau jenis kelamin berbeda di dua feed atau dari dua agensi. "
        "Dengan `source`, konflik yang melibatkan sumber itu di salah satu sisi. Tidak memuat NIK. / The same "
        "person with a different birth date or sex in two feeds or from two agencies. With `source`, the "
        "conflicts that source is on either side of. Holds no NIK."
    ),
    responses=problems.problem_responses(422, 503),
)
def quality_conflicts(
    request: Request,
    client: ClientDep,
    master: MasterDep,
    window: WindowDep,
    source: Source = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> ConflictList:
    items, next_cursor = service.conflicts(
        client=client, master=master, source=source, window=window, limit=limit, cursor=cursor
    )
    return ConflictList(items=items, limit=limit, next_cursor=next_cursor, next=cursors.next_url(request, next_cursor))
