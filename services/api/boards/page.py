"""The live board page `/board`: the same panels as the Grafana boards, for the embedded default where no Grafana runs.

The server writes the frame (titles, board switcher); board.js reads `/v1/boards` and each panel's rows and
redraws them every `board.refresh`. Every asset comes from this package (`/board/static/`): offices in NTT are
often offline, so nothing is fetched from a CDN, and the Content-Security-Policy allows this origin only.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from string import Template
from typing import Annotated, Final
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from satudata.boards import Board
from services.api.boards import service
from services.api.boards.views import BoardsDep

HERE: Final = Path(__file__).parent
STATIC_PATH: Final = "/board/static"
_TEMPLATE: Final = Template((HERE / "page.html").read_text(encoding="utf-8"))
# Scripts, styles, fetches and images from this origin only; nothing inline, no frames, no plugins.
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["boards"])


def _links(boards: Mapping[str, Board], current: str, kabupaten: str | None) -> str:
    links = []
    for board in boards.values():
        query = urlencode({"board": board.uid} | ({"kabupaten": kabupaten} if kabupaten else {}))
        here = ' aria-current="page"' if board.uid == current else ""
        links.append(
            f'<a href="/board?{html.escape(query)}" data-board-link="{html.escape(board.uid)}"{here}>'
            f'{html.escape(board.title_id)} <span class="en">{html.escape(board.title_en)}</span></a>'
        )
    return "".join(links)


def render(boards: Mapping[str, Board], board: Board, kabupaten: str | None) -> str:
    description = " / ".join(d for d in (board.description_id, board.description_en) if d)
    return _TEMPLATE.substitute(
        static=STATIC_PATH,
        uid=html.escape(board.uid),
        title_id=html.escape(board.title_id),
        title_en=html.escape(board.title_en),
        description=html.escape(description),
        refresh=service.refresh_seconds(board.refresh),
        links=_links(boards, board.uid, kabupaten),
    )


def _missing(boards: Mapping[str, Board], uid: str) -> str:
    known = ", ".join(boards) or "—"
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Papan tidak dikenal</title>'
        f'<link rel="icon" href="{STATIC_PATH}/favicon.svg" type="image/svg+xml">'
        f'<link rel="stylesheet" href="{STATIC_PATH}/board.css"></head><body><main class="missing">'
        f'<h1>Papan tidak dikenal <span class="en">/ Unknown board</span></h1>'
        f"<p>Papan {html.escape(uid)!r} tidak ada; yang ada / known: {html.escape(known)}</p>"
        f'<nav class="switcher">{_links(boards, "", None)}</nav></main></body></html>'
    )


@router.get(
    "/board",
    response_class=HTMLResponse,
    summary="Papan langsung / The live board page",
    description=(
        "Halaman HTML dengan panel yang sama seperti papan Grafana, diperbarui otomatis. / An HTML page with the "
        "same panels as the Grafana boards, refreshed live."
    ),
    responses={
        404: {
            "description": "Papan tidak dikenal (halaman HTML) / Unknown board (an HTML page)",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    },
)
def board_page(
    boards: BoardsDep,
    board: Annotated[str | None, Query(max_length=64, description="ringkasan-ntt | kabupaten | kualitas-data")] = None,
    kabupaten: Annotated[str | None, Query(max_length=16, description="Kode kabupaten 4 digit / 4-digit code")] = None,
) -> HTMLResponse:
    uid = board or next(iter(boards), "")
    if uid not in boards:
        return HTMLResponse(_missing(boards, uid), status_code=404, headers=_HEADERS)
    return HTMLResponse(render(boards, boards[uid], kabupaten), headers=_HEADERS)


def install(app: FastAPI) -> None:
    """The page's route and its assets; StaticFiles serves them from the installed package."""
    app.include_router(router)
    app.mount(STATIC_PATH, StaticFiles(directory=HERE / "static"), name="board-static")
