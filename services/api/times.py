"""Moments as the API answers them: always with an offset, so that every one is an RFC 3339 date-time.

ClickHouse hands `DateTime64(3, 'UTC')` columns back as naive datetimes (clickhouse-connect's default); a naive
moment serialised as it is has no offset, which OpenAPI's `date-time` refuses and a client would read as its own
local time. Every stored time is UTC, so a naive one is UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
