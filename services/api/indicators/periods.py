"""Periods as the API spells them: calendar months 'YYYY-MM' (WITA), stored as the month's first day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from satudata.indicators import shift_period

WITA = ZoneInfo("Asia/Makassar")
# Years from 1000: date() cannot hold year 0, and a four-digit year keeps the text sortable.
PATTERN = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])$"


def parse(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def format_period(period: date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def current() -> date:
    return datetime.now(WITA).date().replace(day=1)


shift = shift_period  # the kernel's: indicators and the API move through months the same way


def span(first: date, last: date) -> int:
    """How many months from first to last, both included; 0 or less when first is after last."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def months_between(first: date, last: date) -> list[date]:
    """Every month from first to last, both included; empty when first is after last."""
    return [shift(first, n) for n in range(max(span(first, last), 0))]
