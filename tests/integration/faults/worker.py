"""The worker the fault tests kill: quality, indicators and api in one process, on a broker it does not own.

Run as `python -m tests.integration.faults.worker --api-port N`; everything else comes from SATUDATA_* variables
(the broker, the var dir with its chDB folder, the HMAC secret, batch sizes), exactly as `satudata run` reads
them. It calls `services.embedded.run` with `local_broker=False`, so killing this process leaves the broker alone.

One test-only change, to the consumer group's timing: a SIGKILLed member never leaves its group, so the broker
waits for its session to time out before the restarted worker gets the partitions. Faust's default (60 s) would
make every restart wait a minute; the broker's minimum (6 s) is used instead. Nothing about counting changes.

SATUDATA_FAULT_KILL_MID_CHANGELOG=<n> (optional) injects the kill an outside SIGKILL rarely hits: in the middle of
the indicators service's changelog write (`_kill_mid_changelog`).
"""

from __future__ import annotations

import argparse
import os
import signal
from typing import Any

SESSION_TIMEOUT_S = 6.0  # the broker's group.min.session.timeout.ms
HEARTBEAT_S = 1.0


def _short_sessions() -> None:
    import services.bootstrap

    original = services.bootstrap.make_faust_app

    def make_faust_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.conf.broker_session_timeout = SESSION_TIMEOUT_S
        app.conf.broker_heartbeat_interval = HEARTBEAT_S
        return app

    services.bootstrap.make_faust_app = make_faust_app  # embedded imports it at call time


def _kill_mid_changelog(nth: int) -> None:
    """On the n-th changelog write of the indicators service that spans several topic-partitions, send and
    have acknowledged only the first topic-partition's records, then SIGKILL this process: a torn write, with
    ClickHouse already written and the batch's offsets not acknowledged."""
    from services.indicators import changelog

    original = changelog.BulkChangelog.send
    seen = 0

    async def send(self: changelog.BulkChangelog, records: Any) -> None:
        nonlocal seen
        groups = sorted({(r.topic, r.partition) for r in records})
        if len(groups) > 1:
            seen += 1
            if seen == nth:
                first = [r for r in records if (r.topic, r.partition) == groups[0]]
                await original(self, first)  # acknowledged by the broker
                print(f"fault: killed after {len(first)} of {len(records)} changelog records", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        await original(self, records)

    changelog.BulkChangelog.send = send  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-port", type=int, required=True)
    args = parser.parse_args()

    from satudata.logs import configure_logging
    from satudata.settings import Settings
    from services import embedded

    configure_logging(json=True)
    _short_sessions()
    if nth := int(os.environ.get("SATUDATA_FAULT_KILL_MID_CHANGELOG", "0")):
        _kill_mid_changelog(nth)
    embedded.run(
        Settings(),
        ("quality", "indicators", "api"),
        local_broker=False,
        api_port=args.api_port,
        on_ready=lambda endpoints: print(f"ready: {endpoints.api}", flush=True),
    )


if __name__ == "__main__":
    main()
