"""until_done: retries an attempt that fails and hands back what the successful attempt returned."""

from __future__ import annotations

import asyncio

import pytest

from satudata.retry import until_done


def test_the_result_of_the_attempt_that_succeeded_is_returned() -> None:
    calls: list[int] = []

    async def flaky() -> set[str]:
        calls.append(1)
        if len(calls) < 2:
            raise ConnectionError("clickhouse is down")
        return {"key"}

    assert asyncio.run(until_done("read", flaky)) == {"key"}
    assert len(calls) == 2


def test_cancellation_is_not_retried() -> None:
    async def cancelled() -> None:
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(until_done("write", cancelled))
