"""HTTP only: decode the request, call the use case, encode its answer. The logic lives in service.py."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from satudata.access.problems import authenticate
from satudata.logs import get_logger
from satudata.problems import PROBLEM_JSON, Problem, ProblemError
from satudata.settings import Settings
from services.ingest import problems
from services.ingest.auth import ApiKeyHeader
from services.ingest.body import SUPPORTED, decode, media_type
from services.ingest.ports import KeyLookup, Publisher
from services.ingest.service import ingest
from services.ingest.uploads.ports import Ledger
from services.ingest.uploads.routes import add_upload_routes
from services.ingest.uploads.service import Uploader

log = get_logger(__name__)

_PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"type": "object"}}}
_EVENTS_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "Satu CloudEvent, larik CloudEvent, atau NDJSON / one CloudEvent, an array, or NDJSON",
        "content": {kind: {"schema": {}} for kind in SUPPORTED},
    }
}
_EVENTS_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Broker mengonfirmasi semua yang diterima / the broker confirmed every accepted event"},
    **{
        status: {"description": text, "content": _PROBLEM_CONTENT}
        for status, text in (
            (400, "Bukan JSON / not JSON"),
            (401, "Kunci API tidak ada atau tidak diterima / API key missing or not accepted"),
            (403, "Kunci tidak mencakup instansi/feed ini / the key does not cover this agency/feed"),
            (413, "Terlalu besar / too large"),
            (415, "Jenis isi tidak didukung / unsupported content type"),
            (422, "Tidak ada kejadian yang sah / no valid event"),
            (503, "Broker tidak mengonfirmasi; kirim ulang / broker did not confirm; retry"),
        )
    },
}


def create_app(
    publisher: Publisher, settings: Settings, ledger: Ledger | None = None, *, keyring: KeyLookup | None = None
) -> FastAPI:
    """`ledger` records the ids published from uploads; without one, `POST /v1/uploads/{feed}` answers 503.
    `keyring` checks the `X-API-Key` of every publish; without one every publish is refused (401)."""
    app = FastAPI(
        title="Satu Data NTT — ingest",
        description="Pintu HTTP ke Kafka untuk instansi / the HTTP door to Kafka for agencies",
        version="1",
    )
    limit = settings.ingest.max_body_bytes

    @app.post("/v1/events", status_code=202, openapi_extra=_EVENTS_DOC, responses=_EVENTS_RESPONSES)
    async def post_events(request: Request, api_key: ApiKeyHeader = None) -> JSONResponse:
        # The first keyed request may read the keys topic (KafkaKeyring): keep that off the event loop.
        key = await run_in_threadpool(authenticate, keyring, api_key)
        kind = media_type(request.headers.get("content-type"))
        body = decode(kind, await _read_limited(request, limit))
        # The producer blocks until the broker confirms; keep that off the event loop.
        receipt = await run_in_threadpool(ingest, body, publisher, key)
        return JSONResponse(receipt.to_dict(), status_code=202)

    @app.get("/healthz", responses={503: {"content": _PROBLEM_CONTENT}})
    async def healthz() -> JSONResponse:
        if await run_in_threadpool(publisher.is_connected):
            return JSONResponse({"status": "ok"})
        return problem_response(problems.not_connected())

    uploader = Uploader(publisher, ledger) if ledger is not None else None
    add_upload_routes(app, uploader, lambda request: _read_limited(request, limit), limit, keyring)
    _add_problem_handlers(app)
    return app


async def _read_limited(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass the limit: by its declared length, or while
    streaming for a chunked body or a sender whose Content-Length lies."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ProblemError(problems.too_large(limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ProblemError(problems.too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.to_dict(), status_code=problem.status, media_type=PROBLEM_JSON)


def _add_problem_handlers(app: FastAPI) -> None:
    """Every error leaves in one shape, problem+json, framework errors included."""

    async def on_problem(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        log.info("ingest.request_refused", status=exc.problem.status, problem=exc.problem.slug)
        return problem_response(exc.problem)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        response = problem_response(problems.http_error(exc.status_code, str(exc.detail)))
        response.headers.update(exc.headers or {})  # e.g. Allow on a 405
        return response

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(problems.bad_body("permintaan tidak sah", "invalid request"))

    async def on_crash(_request: Request, exc: Exception) -> JSONResponse:
        log.error("ingest.unhandled", error=type(exc).__name__)
        return problem_response(problems.internal_error())

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_crash)
