"""Waiting for a condition in tests: poll it until it holds or a deadline passes (then fail saying what)."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.25


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, f"timed out after {deadline_s:.0f} s waiting for: {what}"
        time.sleep(POLL_S)  # between two looks at the condition, not instead of one
