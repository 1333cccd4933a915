"""Processing one batch taken from a Faust stream (`take_events`) so that a stopping worker loses nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

DRAIN_SECONDS = 30.0


async def finish(taken: Sequence[Any], work: Awaitable[object]) -> None:
    """Await the batch's work even if the agent is cancelled meanwhile.

    `take_events` acknowledges the batch once the agent's body is left, cancelled or not. So a stopping worker
    first finishes the batch it holds, for at most DRAIN_SECONDS (a dead broker or ClickHouse must not hold it
    forever). If the work is still not done then, its messages are marked acknowledged already: Faust does not
    acknowledge a message twice, so their offsets stay uncommitted and the batch is read again after a restart.
    """
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        done, _ = await asyncio.wait([task], timeout=DRAIN_SECONDS)
        if not done:
            task.cancel()
            for event in taken:
                event.message.acked = True
        raise
