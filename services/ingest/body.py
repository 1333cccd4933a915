"""Turns a request body into items by its content type; refuses a body that is not what it claims to be."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from satudata.problems import ProblemError
from services.ingest import problems

SINGLE = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
JSON = "application/json"
NDJSON = "application/x-ndjson"
SUPPORTED = (SINGLE, BATCH, JSON, NDJSON)


@dataclass(frozen=True, slots=True)
class Body:
    items: list[Any]
    single: bool  # one event sent on its own: its refusal is the answer, not an entry in a list


def media_type(content_type: str | None) -> str:
    """The bare media type, lower case; refuses a charset other than UTF-8 (JSON is UTF-8 by RFC 8259)."""
    if not content_type:
        raise ProblemError(problems.unsupported_media_type(content_type, SUPPORTED))
    kind, *params = (part.strip() for part in content_type.split(";"))
    kind = kind.lower()
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            raise ProblemError(problems.unsupported_media_type(content_type, SUPPORTED))
    if kind not in SUPPORTED:
        raise ProblemError(problems.unsupported_media_type(content_type, SUPPORTED))
    return kind


def decode(kind: str, raw: bytes) -> Body:
    """Items of a body whose media type `media_type` already accepted."""
    if kind == NDJSON:
        return _non_empty(Body(_ndjson(raw), single=False))
    value = _json(raw)
    if kind == SINGLE or (kind == JSON and isinstance(value, dict)):
        if not isinstance(value, dict):
            raise ProblemError(problems.bad_body("harus satu objek CloudEvent", "must be one CloudEvent object"))
        return Body([value], single=True)
    if not isinstance(value, list):
        raise ProblemError(
            problems.bad_body(
                "harus objek CloudEvent atau larik CloudEvent",
                "must be a CloudEvent object or an array of CloudEvents",
            )
        )
    return _non_empty(Body(value, single=False))


def _json(raw: bytes) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # orjson's message names a position, never the content, so it is safe to echo.
        raise ProblemError(problems.not_json(str(exc))) from None


def _ndjson(raw: bytes) -> list[Any]:
    items = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue  # blank lines (and the final newline) separate nothing
        try:
            items.append(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            raise ProblemError(problems.not_json(str(exc), line=number)) from None
    return items


def _non_empty(body: Body) -> Body:
    if not body.items:
        raise ProblemError(problems.bad_body("tidak ada kejadian", "the body holds no event"))
    return body
