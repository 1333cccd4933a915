"""Running a real Faust app inside a test: its own event loop in a thread, started and stopped by the test.

faust.Worker is made for the main thread of a process (it installs signal handlers, takes over logging and
stdout, and ends the process when it stops), so a test uses the app as the Service it is: `await app.start()`
in a loop of its own, and `await app.stop()` on the same loop when the test is done.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import faust

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 60.0


class FaustRunner:
    def __init__(self, app: faust.App) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._failure: BaseException | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name=f"faust-{app.conf.id}", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S):
            raise TimeoutError(f"Faust app {self.app.conf.id} did not start within {START_TIMEOUT_S} s")
        if self._failure is not None:
            raise RuntimeError("the Faust app failed to start") from self._failure

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(STOP_TIMEOUT_S)
        if self._thread.is_alive():
            raise TimeoutError(f"Faust app {self.app.conf.id} did not stop within {STOP_TIMEOUT_S} s")
        if self._failure is not None:
            raise RuntimeError("the Faust app failed") from self._failure

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to the test thread by start() or stop()
            self._failure = exc
            self._started.set()
        finally:
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self.app.loop = self.loop  # Faust binds its services to the loop it is given, or creates one
        await self.app.start()
        self._started.set()
        # Until the test asks to stop, or the app stops (crashes) by itself.
        waiters = [
            asyncio.ensure_future(self._stop.wait()),
            asyncio.ensure_future(self.app.wait_until_stopped()),
        ]
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()
        await self.app.stop()
        if self.app.crash_reason is not None:
            raise self.app.crash_reason


@contextmanager
def running(app: faust.App) -> Iterator[FaustRunner]:
    runner = FaustRunner(app)
    runner.start()
    try:
        yield runner
    finally:
        runner.stop()
