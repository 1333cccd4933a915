"""HTTP routes of the boards domain (JSON): the board definitions, and one panel's rows for a kabupaten and month.

The live page (page.py) and any other client read the same two routes; Grafana reads the same SQL itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from satudata.boards import Board
from satudata.problems import ProblemError
from services.api import problems
from services.api.auth import CallerDep
from services.api.boards import access, service
from services.api.boards import problems as board_problems
from services.api.boards.models import BoardList, PanelData
from services.api.deps import ClientDep, MasterDep, SettingsDep
from services.api.indicators import periods

router = APIRouter(prefix="/v1/boards", tags=["boards"])


def _boards(request: Request) -> Mapping[str, Board]:
    return request.app.state.boards


BoardsDep = Annotated[Mapping[str, Board], Depends(_boards)]


@router.get(
    "",
    response_model=BoardList,
    summary="Papan dan panelnya / The boards and their panels",
    description=(
        "Definisi yang sama dengan papan Grafana: panel, kolom, satuan, target, audiens, dan apakah pemanggil "
        "boleh melihatnya. / The same definitions as the Grafana boards: panels, columns, unit, target, audience, "
        "and whether the caller may see each."
    ),
)
def board_list(boards: BoardsDep, caller: CallerDep) -> BoardList:
    return service.listing(boards, lambda panel: access.may_see(caller, panel))


@router.get(
    "/{uid}/panels/{panel_id}",
    response_model=PanelData,
    summary="Baris satu panel / One panel's rows",
    description=(
        "Menjalankan SQL panel dengan parameter terikat: period (bulan YYYY-MM, bawaan bulan ini WITA), "
        "period_from (11 bulan sebelumnya), period_to, dan kabupaten bila panel memakainya. Untuk publik, baris "
        "dengan penyebut di bawah ambang sel kecil disembunyikan. / Runs the panel's SQL with bound parameters: "
        "period (month YYYY-MM, default this WITA month), period_from (11 months before), period_to, and "
        "kabupaten when the panel takes it. For the public, rows whose denominator is below the small-cell "
        "threshold are suppressed."
    ),
    responses=problems.problem_responses(403, 404, 422, 503),
)
def panel_data(
    uid: Annotated[str, Path(max_length=64, description="Kode papan, mis. ringkasan-ntt / Board uid")],
    panel_id: Annotated[str, Path(max_length=64, description="Kode panel / Panel id")],
    boards: BoardsDep,
    caller: CallerDep,
    client: ClientDep,
    master: MasterDep,
    settings: SettingsDep,
    kabupaten: Annotated[
        str | None,
        Query(max_length=16, description="Kode kabupaten/kota 4 digit, mis. 5301 / 4-digit kabupaten/kota code"),
    ] = None,
    period: Annotated[
        str | None,
        Query(pattern=periods.PATTERN, description="Bulan YYYY-MM (WITA); bawaan bulan ini / Month YYYY-MM (WITA)"),
    ] = None,
) -> PanelData:
    board = service.find_board(boards, uid)
    panel = service.find_panel(board, panel_id)
    if not access.may_see(caller, panel):
        raise ProblemError(board_problems.access_required(panel.id, panel.audience))
    parameters = service.bind(
        panel,
        kabupaten=service.kabupaten_digits(master, kabupaten) if kabupaten else None,
        period=periods.parse(period) if period else periods.current(),
    )
    threshold = None if access.sees_small_cells(caller) else service.threshold(panel, settings)
    return service.run(
        client=client, master=master, board=board, panel=panel, parameters=parameters, threshold=threshold
    )
