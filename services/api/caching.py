"""HTTP caching of GET answers: a strong ETag over the body, `If-None-Match` → 304, and Cache-Control by kind.

Pure ASGI middleware rather than BaseHTTPMiddleware: it buffers only the answers it tags (GET, 200, JSON, which
the API builds whole anyway) and passes every other answer through as it streams.

Cache-Control, by what an answer holds and who asked:
- aggregates (indicators, regions, boards, the scorecard) asked without a key: `public, max-age=5`; the boards
  refresh every 5 s, so a shared cache may hold an answer no longer than one refresh;
- the same asked with a key: `private, max-age=0`; a role may see what the public may not (small cells), so no
  shared cache may hand one caller's answer to another, and the browser revalidates with the ETag;
- row-level data (quarantine, alerts, conflicts, not-reached lists) and health: `private, no-store`.
Every tagged answer says `Vary: X-API-Key`, so no cache serves a keyed answer to an anonymous caller or back.
"""

from __future__ import annotations

import hashlib
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from satudata.access.problems import HEADER as KEY_HEADER

PUBLIC: Final = "public, max-age=5"
KEYED: Final = "private, max-age=0"
NO_STORE: Final = "private, no-store"
# Row-level or momentary answers; any other GET path is an aggregate.
NO_STORE_PREFIXES: Final = (
    "/healthz",
    "/v1/quarantine",
    "/v1/quality/alerts",
    "/v1/quality/conflicts",
    "/v1/convergence",
)
_JSON: Final = ("application/json", "application/problem+json")


def etag(body: bytes) -> str:
    """Strong: equal tags mean equal bytes (a 128-bit BLAKE2b digest of the body)."""
    return f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'


def cache_control(path: str, keyed: bool) -> str:
    if path.startswith(NO_STORE_PREFIXES):
        return NO_STORE
    return KEYED if keyed else PUBLIC


def matches(if_none_match: str | None, tag: str) -> bool:
    """RFC 9110 §13.1.2: `*` or any listed tag, compared weakly (a W/ prefix is ignored)."""
    if not if_none_match:
        return False
    candidates = [part.strip() for part in if_none_match.split(",")]
    return "*" in candidates or tag in (c.removeprefix("W/") for c in candidates)


class CachingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        policy = cache_control(scope["path"], KEY_HEADER.lower() in request_headers)
        start: Message | None = None
        chunks: list[bytes] = []

        async def tagging_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
                if message["status"] == 200 and content_type.startswith(_JSON):
                    start = message  # held until the whole body is known
                    return
                await send(message)
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await _finish(send, start, b"".join(chunks), policy, request_headers.get("if-none-match"))

        await self.app(scope, receive, tagging_send)


async def _finish(send: Send, start: Message, body: bytes, policy: str, if_none_match: str | None) -> None:
    tag = etag(body)
    headers = MutableHeaders(raw=list(start.get("headers", [])))
    headers["ETag"] = tag
    headers["Cache-Control"] = policy
    headers.add_vary_header(KEY_HEADER)
    if matches(if_none_match, tag):
        # 304 carries the validators and caching headers of the 200 it stands for, and no body.
        for name in ("content-length", "content-type"):
            del headers[name]
        await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({**start, "headers": headers.raw})
    await send({"type": "http.response.body", "body": body})


HEADERS_DOC: Final[dict[str, dict[str, object]]] = {
    "ETag": {
        "description": "Tag kuat atas isi jawaban; kirim lagi dalam If-None-Match / A strong tag over the body; "
        "send it back in If-None-Match",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": f"{PUBLIC} (agregat tanpa kunci / aggregates, no key), {KEYED} (dengan kunci / with a key), "
        f"{NO_STORE} (data per baris / row-level data)",
        "schema": {"type": "string"},
    },
}
