"""What each role may do: publish which agency's feeds, and see which audience's answers."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from satudata.access.keys import ApiKey, Role
from satudata.problems import bilingual

Audience = Literal["public", "official", "operator"]

# Which audiences each role belongs to. Anonymous callers and publishers are the public: publishers may only publish.
_AUDIENCES: dict[Role | None, frozenset[str]] = {
    None: frozenset({"public"}),
    Role.PUBLISHER: frozenset({"public"}),
    Role.OFFICIAL: frozenset({"public", "official"}),
    Role.OPERATOR: frozenset({"public", "operator"}),
    Role.ADMIN: frozenset({"public", "official", "operator"}),
}


class KeyScopeError(ValueError):
    """A key's role and scope do not fit (publisher without agency or feeds, or another role with them)."""


def check_scope(role: Role, agency: str | None, feeds: Collection[str], known_feeds: Collection[str]) -> None:
    if role is Role.PUBLISHER:
        if not agency or "/" in agency:
            raise KeyScopeError(
                bilingual(
                    "kunci publisher perlu satu instansi (--agency), tanpa '/'",
                    "a publisher key needs one agency (--agency), without '/'",
                )
            )
        if not feeds:
            raise KeyScopeError(
                bilingual("kunci publisher perlu minimal satu --feed", "a publisher key needs at least one --feed")
            )
        unknown = sorted(set(feeds) - set(known_feeds))
        if unknown:
            raise KeyScopeError(
                bilingual(
                    f"feed tidak dikenal: {', '.join(unknown)}; yang dikenal: {', '.join(sorted(known_feeds))}",
                    f"unknown feed(s): {', '.join(unknown)}; known: {', '.join(sorted(known_feeds))}",
                )
            )
    elif agency or feeds:
        raise KeyScopeError(
            bilingual(
                f"kunci {role.value} tidak memakai --agency atau --feed",
                f"a {role.value} key takes no --agency or --feed",
            )
        )


def agency_of(source: str) -> str:
    """The agency of an event's `source`: the part before the first '/'."""
    return source.split("/", 1)[0]


def may_publish(record: ApiKey | None, agency: str, feed: str) -> bool:
    if record is None or record.revoked:
        return False
    if record.role is Role.ADMIN:
        return True
    return record.role is Role.PUBLISHER and record.agency == agency and feed in record.feeds


def audience_of(role: Role | None) -> frozenset[str]:
    return _AUDIENCES[role]


def may_see(role: Role | None, audience: Audience) -> bool:
    return audience in _AUDIENCES[role]


def sees_small_cells(role: Role | None) -> bool:
    """Officials and operators (and admins) read aggregates unsuppressed; the public and publishers do not."""
    return may_see(role, "official") or may_see(role, "operator")
