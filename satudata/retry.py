"""Retrying a write until it is done: what the pipeline must never drop (a ClickHouse flush, a Kafka produce, a
changelog write) waits for the broker or ClickHouse to come back instead of moving on.

Only the error's type is logged: a driver's message may quote the rows it failed to write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

from satudata.logs import get_logger

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 30.0

log = get_logger(__name__)
T = TypeVar("T")


async def until_done(what: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """Await `attempt()` until it succeeds, pausing 0.5 s, 1 s, 2 s … up to 30 s between tries; its result.

    Cancellation is not an error and is never retried: a stopping worker stops.
    """

    def report(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else None
        log.error(f"{what} failed; retrying", error=type(error).__name__, retry_s=wait)

    async for try_ in AsyncRetrying(
        wait=wait_exponential(multiplier=FIRST_DELAY_S, max=MAX_DELAY_S),
        retry=retry_if_exception_type(Exception),
        before_sleep=report,
        reraise=True,
    ):
        with try_:
            result = await attempt()
    return result  # the loop ends only after an attempt that succeeded (reraise=True: else it raises)
