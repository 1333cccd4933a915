"""RFC 9457 problem details: the one shape of every error any service answers over HTTP.

Titles and details carry Bahasa Indonesia first, then English: agencies' operators and officials read both.
Plain data, no web framework: each service turns a `ProblemError` into its own response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROBLEM_JSON = "application/problem+json"
# Relative type URIs: stable identifiers a client can switch on, without promising a page that may not exist.
TYPE_BASE = "/problems/"


def bilingual(id_text: str, en_text: str) -> str:
    return f"{id_text} / {en_text}"


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    slug: str
    title: str
    detail: str
    extensions: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            **self.extensions,
        }


class ProblemError(Exception):
    """Raised where a request is refused; the service answers it as problem+json."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.detail)
        self.problem = problem
