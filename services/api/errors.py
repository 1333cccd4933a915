"""Exception handlers: every error leaves the API as problem+json, the framework's own ones included."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from clickhouse_connect.driver.exceptions import Error as ClickHouseError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from satudata.logs import get_logger
from satudata.problems import PROBLEM_JSON, Problem, ProblemError
from satudata.store import StoreUnavailableError
from services.api import problems

log = get_logger(__name__)

# Pydantic words its messages in English only; the common cases get an Indonesian twin.
_MESSAGES_ID: dict[str, str] = {
    "missing": "wajib diisi",
    "string_pattern_mismatch": "bentuknya tidak sesuai (lihat dokumentasi parameter)",
    "literal_error": "nilainya bukan salah satu pilihan yang dikenal",
    "enum": "nilainya bukan salah satu pilihan yang dikenal",
    "int_parsing": "harus bilangan bulat",
    "string_too_long": "terlalu panjang",
}
_PHRASES_ID: dict[int, str] = {
    404: "Tidak ditemukan",
    405: "Metode tidak diizinkan",
    406: "Format jawaban tidak tersedia",
}


def respond(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(problem.to_dict(), status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(ClickHouseError, _on_store)
    app.add_exception_handler(StoreUnavailableError, _on_store)
    app.add_exception_handler(Exception, _on_unexpected)


async def _on_problem(_: Request, exc: ProblemError) -> JSONResponse:
    return respond(exc.problem)


async def _on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
    return respond(problems.validation_failed([_error(e) for e in exc.errors()]))


def _error(error: dict[str, Any]) -> dict[str, str]:
    location, *name = [str(part) for part in error.get("loc", ())] or ["request"]
    message_en = str(error.get("msg", "invalid value"))
    return {
        "in": location,
        "name": ".".join(name) or location,
        "message_id": _MESSAGES_ID.get(str(error.get("type")), "nilainya tidak sah"),
        "message_en": message_en,
    }


async def _on_http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    phrase_en = HTTPStatus(exc.status_code).phrase
    phrase = (
        problems.bilingual(_PHRASES_ID[exc.status_code], phrase_en) if exc.status_code in _PHRASES_ID else phrase_en
    )
    return respond(problems.http_error(exc.status_code, phrase), headers=getattr(exc, "headers", None))


async def _on_store(_: Request, exc: Exception) -> JSONResponse:
    # The cause goes to the log, not to the client: it may name hosts and users.
    log.warning("clickhouse unavailable", error=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    return respond(problems.store_unavailable(), headers={"Retry-After": "5"})


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return respond(problems.internal_error())
