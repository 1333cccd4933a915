"""Who is calling: the `X-API-Key` header resolved to a `Caller`, and the checks routes attach.

Without a header the caller is anonymous (the public). A header that is malformed, unknown or revoked is refused
with 401 (never treated as anonymous: a caller who sent a key expects its rights, and a typo should be loud).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from starlette.concurrency import run_in_threadpool

from satudata.access import Audience, Role, may_see, sees_small_cells
from satudata.access.problems import HEADER, authenticate, forbidden, key_required
from satudata.logs import get_logger
from satudata.problems import ProblemError

log = get_logger(__name__)

_api_key = APIKeyHeader(
    name=HEADER,
    auto_error=False,
    scheme_name="ApiKey",
    description="Kunci API `sdn_<id>_<rahasia>`; tanpa kunci hanya agregat publik / "
    "API key `sdn_<id>_<secret>`; without one, public aggregates only",
)


@dataclass(frozen=True, slots=True)
class Caller:
    role: Role | None = None
    key_id: str | None = None
    agency: str | None = None
    feeds: frozenset[str] = field(default_factory=frozenset)

    @property
    def anonymous(self) -> bool:
        return self.role is None


ANONYMOUS = Caller()


# `async def`, as every request dependency here (services/api/deps.py): a plain `def` would cost every request a
# thread-pool hop. Only a presented key goes to the thread pool: the first lookup waits for the keyring to be read.
async def resolve_caller(request: Request, key: Annotated[str | None, Depends(_api_key)]) -> Caller:
    if not key:
        return ANONYMOUS
    record = await run_in_threadpool(authenticate, getattr(request.app.state, "keyring", None), key)
    request.state.key_id = record.key_id
    return Caller(role=record.role, key_id=record.key_id, agency=record.agency, feeds=record.feeds)


CallerDep = Annotated[Caller, Depends(resolve_caller)]


def can_see(caller: Caller, audience: Audience) -> bool:
    """Whether the caller may see answers meant for this audience ("public" is everyone)."""
    return may_see(caller.role, audience)


def sees_small_cells_of(caller: Caller) -> bool:
    """Whether the caller reads aggregates unsuppressed (officials, operators, admins)."""
    return sees_small_cells(caller.role)


def require(*roles: Role) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that lets through the given roles (and admin); 401 without a key, 403 with another role."""
    allowed = sorted({*roles, Role.ADMIN}, key=list(Role).index)

    async def check(caller: CallerDep) -> Caller:
        if caller.role in allowed:
            return caller
        if caller.anonymous:
            raise ProblemError(key_required())
        log.info("access refused", key_id=caller.key_id, role=str(caller.role))
        raise ProblemError(forbidden(caller.role.value if caller.role else None, [r.value for r in allowed]))

    return check
