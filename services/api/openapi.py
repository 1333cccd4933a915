"""The OpenAPI document as served: what FastAPI derives, finished where the derivation cannot know the app.

- every error is problem+json (errors.py answers so), yet FastAPI documents its own 422 `HTTPValidationError` as
  application/json on any route that did not declare 422: that entry is replaced by the problem document;
- a route that reads the caller's key (a security requirement) may answer 401 for a key that is wrong;
- every GET 200 carries ETag and Cache-Control, and may be answered 304 (caching.py).
A client generated from the document, or a contract test such as schemathesis, then meets no undocumented answer.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import FastAPI

from services.api import problems
from services.api.caching import HEADERS_DOC

_FASTAPI_ERRORS: Final = ("HTTPValidationError", "ValidationError")
_NOT_MODIFIED: Final[dict[str, Any]] = {
    "description": "Tidak berubah sejak ETag di If-None-Match; tanpa isi / Not modified since the ETag in "
    "If-None-Match; no body",
    "headers": HEADERS_DOC,
}


def finish(schema: dict[str, Any]) -> dict[str, Any]:
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for status, response in problems.problem_responses(422, 401).items():
                documented = responses.get(str(status))
                if status == 422 and documented is not None and _is_fastapi_validation(documented):
                    responses[str(status)] = response
                if status == 401 and operation.get("security") and documented is None:
                    responses[str(status)] = response
            if method == "get" and "200" in responses:
                responses["200"].setdefault("headers", {}).update(HEADERS_DOC)
                responses.setdefault("304", _NOT_MODIFIED)
    components = schema.get("components", {}).get("schemas", {})
    for name in _FASTAPI_ERRORS:
        components.pop(name, None)
    return schema


def _is_fastapi_validation(response: dict[str, Any]) -> bool:
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return ref.endswith("/HTTPValidationError")


def install(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
