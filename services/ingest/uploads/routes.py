"""HTTP for uploads: `POST /v1/uploads/{feed}`. Decodes the request, calls the Uploader, encodes its report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.types import Message

from satudata.access import agency_of, may_publish
from satudata.access.problems import authenticate, not_allowed_to_publish
from satudata.events import FEEDS
from satudata.logs import get_logger
from satudata.problems import PROBLEM_JSON, ProblemError
from services.ingest import problems as ingest_problems
from services.ingest.auth import ApiKeyHeader
from services.ingest.ports import KeyLookup
from services.ingest.uploads import problems
from services.ingest.uploads.mapping import AmbiguousColumnsError, MissingColumnsError
from services.ingest.uploads.ports import LedgerUnavailableError
from services.ingest.uploads.reader import UnreadableFileError, read_sheet
from services.ingest.uploads.service import PublishFailedError, Uploader, UploadReport

log = get_logger(__name__)

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MULTIPART = "multipart/form-data"
# Excel and browsers label CSV files in several ways; the bytes decide the format anyway (reader.py).
RAW_KINDS = (CSV, XLSX, "application/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream")

_PROBLEM_CONTENT = {PROBLEM_JSON: {"schema": {"type": "object"}}}
_DOC: dict[str, Any] = {
    "parameters": [
        {
            "name": "source",
            "in": "query",
            "required": False,
            "description": "Unit pengirim / publishing unit, e.g. puskesmas/5301010 (or a form field)",
            "schema": {"type": "string"},
        }
    ],
    "requestBody": {
        "required": True,
        "description": "Berkas CSV atau XLSX / a CSV or XLSX file: multipart field `file`, or the raw body",
        "content": {
            MULTIPART: {"schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}},
            CSV: {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
        },
    },
}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Tidak ada yang baru / nothing new to publish; per-row report"},
    202: {"description": "Baris baru diterbitkan dan dikonfirmasi / new rows published and confirmed"},
    **{
        status: {"description": text, "content": _PROBLEM_CONTENT}
        for status, text in (
            (400, "Berkas tidak dapat dibaca / unreadable file"),
            (401, "Kunci API tidak ada atau tidak diterima / API key missing or not accepted"),
            (403, "Kunci tidak mencakup instansi/feed ini / the key does not cover this agency/feed"),
            (404, "Feed tidak dikenal / unknown feed"),
            (413, "Terlalu besar / too large"),
            (415, "Jenis isi tidak didukung / unsupported content type"),
            (422, "Kolom wajib tidak ada atau source kosong / required column or source missing"),
            (503, "Broker tidak mengonfirmasi; unggah ulang / broker did not confirm; upload again"),
        )
    },
}


def add_upload_routes(
    app: FastAPI,
    uploader: Uploader | None,
    read_body: Callable[[Request], Awaitable[bytes]],
    limit: int,
    keyring: KeyLookup | None,
) -> None:
    """`read_body` is ingest's size-limited reader, so uploads and events share one limit (413)."""

    @app.post("/v1/uploads/{feed}", openapi_extra=_DOC, responses=_RESPONSES)
    async def post_upload(feed: str, request: Request, api_key: ApiKeyHeader = None) -> JSONResponse:
        key = await run_in_threadpool(authenticate, keyring, api_key)
        if feed not in FEEDS:
            raise ProblemError(problems.unknown_feed(feed))
        if uploader is None:
            raise ProblemError(problems.ledger_unavailable())
        raw = await read_body(request)
        content, source = await _file_and_source(request, raw, limit)
        if not source:
            raise ProblemError(problems.missing_source())
        if not may_publish(key, agency_of(source), feed):
            raise ProblemError(not_allowed_to_publish(key.key_id, [f"{agency_of(source)}/{feed}"]))
        report = await run_in_threadpool(_upload, uploader, feed, source, content)
        return JSONResponse(report.to_dict(), status_code=202 if report.published else 200)


async def _file_and_source(request: Request, raw: bytes, limit: int) -> tuple[bytes, str]:
    kind = (request.headers.get("content-type") or "").split(";", 1)[0].strip().lower()
    source = request.query_params.get("source") or ""
    if kind == MULTIPART:
        form = await _replay(request, raw).form(max_files=1, max_fields=10, max_part_size=limit)
        try:
            file = form.get("file")
            if not isinstance(file, UploadFile):
                raise ProblemError(
                    problems.unreadable_file("form tidak memuat isian 'file'", "the form has no 'file' field")
                )
            content = await file.read()
            form_source = form.get("source")
            if not source and isinstance(form_source, str):
                source = form_source
        finally:
            await form.close()
        return content, source.strip()
    if kind in RAW_KINDS:
        return raw, source.strip()
    got = request.headers.get("content-type")
    raise ProblemError(ingest_problems.unsupported_media_type(got, (MULTIPART, CSV, XLSX)))


def _replay(request: Request, raw: bytes) -> Request:
    """A request whose body is `raw`: ingest's limited reader consumed the stream that Starlette's form parser
    would read."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    return Request(request.scope, receive)


def _upload(uploader: Uploader, feed: str, source: str, content: bytes) -> UploadReport:
    try:
        return uploader.upload(feed, source, read_sheet(content))
    except UnreadableFileError as exc:
        raise ProblemError(problems.unreadable_file(exc.message_id, exc.message_en)) from None
    except MissingColumnsError as exc:
        raise ProblemError(problems.missing_columns(exc.feed, exc.missing)) from None
    except AmbiguousColumnsError as exc:
        raise ProblemError(problems.ambiguous_columns(exc.feed, exc.field, exc.headers)) from None
    except LedgerUnavailableError as exc:
        log.warning("ingest.upload_ledger_unavailable", feed=feed, error=str(exc))
        raise ProblemError(problems.ledger_unavailable()) from None
    except PublishFailedError as exc:
        raise ProblemError(problems.publish_failed(exc.report.to_dict())) from None
