"""Whole answers kept for anonymous callers, for as long as the indicator snapshot they were summed from serves.

Why: an answer from a snapshot costs microseconds of sums but ~0.3 ms of FastAPI around them (routing, parameter
validation, dependencies, pydantic), and a board's viewers all ask the same few questions every 5 s. A route that
answered from a snapshot marks the request (`mark`) with the snapshot it read (`Snapshots.current`); this
middleware then keeps the answer's bytes under the request's host and raw target, and hands them to the next
anonymous request for the same target while `Snapshots.current` still gives that snapshot: until it expires (the
check that follows keeps the same snapshot if the rows did not change, and the kept answers with it) or is
reloaded. So a kept answer is always the one the route would compute now (from the same snapshot), and the cache
adds no lag of its own.

Never kept or served: requests with an `X-API-Key` header (a role may see unsuppressed cells, and a wrong key must
still get its 401), anything but GET 200 answers of the routes that mark (indicator values, breakdowns, series:
aggregates, suppressed for the public); row-level routes never mark. Sits inside `CachingMiddleware`, so a kept
answer gets the same ETag, Cache-Control and 304 handling as a computed one.
"""

from __future__ import annotations

from typing import Final, NamedTuple

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from satudata.access.problems import HEADER as KEY_HEADER
from services.api.indicators.snapshot import Snapshot, Snapshots

MARK: Final = "answer_from_snapshot"
# Kept answers are dropped once they pass this many bytes in all (a province by desa is ~400 kB).
BUDGET_BYTES: Final = 32 << 20


def mark(request: Request, indicator: str, snapshot: Snapshot) -> None:
    """This request's answer was computed from `snapshot` of `indicator` and may be kept while it serves."""
    setattr(request.state, MARK, (indicator, snapshot))


class _Kept(NamedTuple):
    """A tuple, its headers tuples of bytes: one object for the garbage collector to walk per kept answer, not
    five (tens of thousands are kept; each full collection walks them all)."""

    indicator: str
    snapshot: Snapshot
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes


class AnswerCacheMiddleware:
    def __init__(self, app: ASGIApp, snapshots: Snapshots, budget_bytes: int = BUDGET_BYTES) -> None:
        self.app = app
        self.snapshots = snapshots
        self.budget_bytes = budget_bytes
        self._kept: dict[tuple[str, ...], _Kept] = {}
        self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if KEY_HEADER.lower() in headers:
            await self.app(scope, receive, send)
            return
        key = (
            str(scope.get("scheme", "")),
            headers.get("host", ""),
            str(scope.get("root_path", "")),
            scope["path"],
            scope.get("query_string", b"").decode("latin-1"),
        )
        kept = self._kept.get(key)
        if kept is not None and self.snapshots.current(kept.indicator) is kept.snapshot:
            await send({"type": "http.response.start", "status": 200, "headers": list(kept.headers)})
            await send({"type": "http.response.body", "body": kept.body})
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def keeping_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start" and message["status"] == 200:
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keeping_send)
        marked = scope.get("state", {}).get(MARK)
        if marked is not None and start is not None:
            headers = tuple((bytes(name), bytes(value)) for name, value in start.get("headers", ()))
            self._keep(key, _Kept(marked[0], marked[1], headers, b"".join(chunks)))

    def _keep(self, key: tuple[str, ...], kept: _Kept) -> None:
        if len(kept.body) > self.budget_bytes // 8:
            return
        if self._bytes + len(kept.body) > self.budget_bytes:
            # Over budget: keep only what still serves, and if that is still too much, start again.
            self._kept = {k: v for k, v in self._kept.items() if self.snapshots.current(v.indicator) is v.snapshot}
            self._bytes = sum(len(v.body) for v in self._kept.values())
            if self._bytes + len(kept.body) > self.budget_bytes:
                self._kept.clear()
                self._bytes = 0
        previous = self._kept.pop(key, None)
        if previous is not None:
            self._bytes -= len(previous.body)
        self._kept[key] = kept
        self._bytes += len(kept.body)
