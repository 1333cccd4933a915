"""Keeping NIK and KK numbers out of API answers for callers that may not read them (every caller, until roles exist).

Two layers, because a quarantined event is by definition one whose fields may be in the wrong place: the feed's
nik/kk/nik_list fields are masked whatever they hold, and then every string anywhere in the answer has its runs of
16 or more digits masked, which catches a NIK sent in an unknown field, as a record id, or in text that is not JSON.
"""

from __future__ import annotations

import re
from typing import Any

from satudata.events import Feed
from satudata.nik import mask

_PERSONAL_KINDS = frozenset({"nik", "kk", "nik_list"})
# 16 digits is a NIK or KK; a longer run may hold one, so it is masked too. Shorter runs (desa codes, 10 digits)
# are what operators need to route a record.
_LONG_DIGITS = re.compile(r"\d{16,}")


def scrub_text(text: str) -> str:
    return _LONG_DIGITS.sub(lambda m: mask(m.group()), text)


def scrub(value: Any) -> Any:
    """Every string and number inside `value`, with long digit runs masked; the shape is kept."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        # A NIK sent as a JSON number (even as a float) is still a NIK; smaller numbers are measurements.
        if abs(value) < 1e15:
            return value
        return scrub_text(str(value) if isinstance(value, int) else f"{value:.0f}")
    if isinstance(value, dict):
        return {scrub_text(str(k)): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value


def _mask_any(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, list):
        return [_mask_any(v) for v in value]
    return mask(str(value))


def mask_event(event: Any, feed: Feed) -> Any:
    """The event with the feed's personal-number fields masked in `data`, then scrubbed throughout."""
    if isinstance(event, dict) and isinstance(event.get("data"), dict):
        kinds = {f.name: f.kind for f in feed.fields}
        data = {
            name: _mask_any(value) if kinds.get(name) in _PERSONAL_KINDS else value
            for name, value in event["data"].items()
        }
        event = {**event, "data": data}
    return scrub(event)
