"""Keyset cursors: the sort key of the last row a page held, opaque to clients (base64url of JSON).

Keyset rather than OFFSET: rows arrive while an operator pages, and an offset would then skip or repeat rows.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import orjson
from fastapi import Request

from satudata.problems import ProblemError
from services.api import problems

Row = TypeVar("Row")


def encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(values)).decode().rstrip("=")


def decode(text: str, shape: tuple[type, ...]) -> list[Any]:
    """The values of a cursor made by `encode`, checked against the types the route expects."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, ValueError):
        values = None
    if (
        not isinstance(values, list)
        or len(values) != len(shape)
        or not all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(values, shape, strict=True))
    ):
        raise ProblemError(
            problems.invalid_query(
                "cursor tidak sah; pakai nilai next_cursor dari halaman sebelumnya",
                "invalid cursor; use the next_cursor of the previous page",
            )
        )
    return values


def take(rows: Sequence[Row], limit: int, key: Callable[[Row], list[Any]]) -> tuple[list[Row], str | None]:
    """A page from rows read with `LIMIT limit + 1` (one row more than asked says whether another page exists
    without counting the table): its first `limit` rows, and the cursor of the next page, the `key` of the last
    row kept, or None on the last page."""
    page = list(rows[:limit])
    return page, encode(key(page[-1])) if len(rows) > limit else None


def next_url(request: Request, cursor: str | None) -> str | None:
    """The request's own URL with the next page's cursor, or None on the last page."""
    return str(request.url.include_query_params(cursor=cursor)) if cursor else None
