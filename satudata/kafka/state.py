"""The running broker as any process sees it: <var_dir>/kafka/broker.json, checked against /proc.

This is what lets `satudata kafka status` and `stop` act on a broker that another process started.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from satudata.kafka.admin import describe_cluster
from satudata.logs import get_logger

log = get_logger(__name__)

STOP_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class BrokerState:
    """What <var_dir>/kafka/broker.json records about the running broker."""

    pid: int
    bootstrap: str
    controller_port: int
    home: str
    log_file: str
    version: str
    started_at: str

    @staticmethod
    def path(var_dir: Path) -> Path:
        return var_dir / "kafka" / "broker.json"

    @classmethod
    def load(cls, var_dir: Path) -> BrokerState | None:
        try:
            return cls(**json.loads(cls.path(var_dir).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def save(self, var_dir: Path) -> None:
        path = self.path(var_dir)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)  # a reader never sees half a file


@dataclass(frozen=True, slots=True)
class BrokerStatus:
    state: BrokerState | None  # None: nothing recorded
    running: bool  # the recorded process is alive
    answering: bool  # and it answers metadata requests


def broker_status(var_dir: Path, *, probe: bool = False) -> BrokerStatus:
    """What runs from <var_dir>, as seen from any process; `probe` also asks the broker for metadata."""
    state = BrokerState.load(Path(var_dir).resolve())
    if state is None or not is_our_broker(state.pid):
        return BrokerStatus(state, running=False, answering=False)
    answering = False
    if probe:
        try:
            answering = bool(describe_cluster(state.bootstrap, timeout_s=3.0)["brokers"])
        except Exception:  # a broker that cannot answer is "not answering", whatever the reason
            answering = False
    return BrokerStatus(state, running=True, answering=answering)


def stop_broker(var_dir: Path, *, timeout_s: float = STOP_TIMEOUT_S) -> BrokerState | None:
    """Stop the broker recorded under <var_dir> from any process; the state of the one stopped, if any."""
    var_dir = Path(var_dir).resolve()
    state = BrokerState.load(var_dir)
    if state is None:
        return None
    if not is_our_broker(state.pid):
        forget(var_dir, state.pid)  # a stale record of a broker that died without cleaning up
        return None
    os.kill(state.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while is_our_broker(state.pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # another process's child cannot be waited on; poll its /proc entry
    if is_our_broker(state.pid):
        log.warning("kafka.kill", pid=state.pid, after_s=timeout_s)
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.pid, signal.SIGKILL)
        while is_our_broker(state.pid):
            time.sleep(0.05)
    forget(var_dir, state.pid)
    log.info("kafka.stopped", bootstrap=state.bootstrap, pid=state.pid)
    return state


def is_our_broker(pid: int) -> bool:
    """Alive, not a zombie, and a Kafka JVM: a recycled pid must never be signalled."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z" and b"kafka.Kafka" in cmdline


def forget(var_dir: Path, pid: int) -> None:
    state = BrokerState.load(var_dir)
    if state is not None and state.pid == pid:
        BrokerState.path(var_dir).unlink(missing_ok=True)
