"""The `from`/`to` time window shared by the quality and quarantine routes, as a request dependency.

A bare date is a calendar day in WITA (the province's clock, as officials read dates); a date-time carries its
own offset, or is UTC without one. `from` is inclusive; `to` is exclusive for a date-time and includes the
whole day for a date, so `from=2025-03-01&to=2025-03-31` is March.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from satudata.problems import ProblemError
from services.api import problems

WITA = ZoneInfo("Asia/Makassar")
_HELP = (
    "Tanggal YYYY-MM-DD (hari WITA) atau waktu ISO 8601 (tanpa zona = UTC) / "
    "Date YYYY-MM-DD (a WITA day) or ISO 8601 date-time (no offset = UTC)"
)


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime | None  # inclusive, UTC
    end: datetime | None  # exclusive, UTC

    def clause(self, column: str) -> tuple[str, dict[str, datetime]]:
        """SQL conditions (joined with AND, or 'true') and their parameters."""
        parts, params = [], {}
        if self.start is not None:
            parts.append(f"{column} >= {{window_start:DateTime64(3, 'UTC')}}")
            params["window_start"] = self.start
        if self.end is not None:
            parts.append(f"{column} < {{window_end:DateTime64(3, 'UTC')}}")
            params["window_end"] = self.end
        return " AND ".join(parts) or "true", params


def parse_bound(text: str, name: str, *, end: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day + timedelta(days=1) if end else day, time(), WITA)
            return start.astimezone(UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ProblemError(
            problems.invalid_query(
                f"{name}={text!r} bukan tanggal YYYY-MM-DD atau waktu ISO 8601",
                f"{name}={text!r} is not a YYYY-MM-DD date or an ISO 8601 date-time",
            )
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


async def _window(
    start: Annotated[str | None, Query(alias="from", max_length=40, description=_HELP)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=40, description=_HELP)] = None,
) -> Window:
    window = Window(
        parse_bound(start, "from", end=False) if start else None,
        parse_bound(end, "to", end=True) if end else None,
    )
    if window.start and window.end and window.start >= window.end:
        raise ProblemError(problems.invalid_query("from harus sebelum to", "from must be before to"))
    return window


WindowDep = Annotated[Window, Depends(_window)]
