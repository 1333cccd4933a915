"""The local Apache Kafka broker: one KRaft node (broker and controller) on 127.0.0.1, run from cached jars.

Everything it writes lives under <var_dir>/kafka/: `broker.json` names the running broker (so `satudata kafka
status` and `stop` work from another process), and `<port>/` holds its configuration, `broker.log` and data.
"""

from __future__ import annotations

import base64
import contextlib
import socket
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from satudata.kafka.admin import describe_cluster
from satudata.kafka.errors import BrokerStartError
from satudata.kafka.jars import KAFKA_VERSION, ensure_jars, java_command
from satudata.kafka.properties import log4j_properties, server_properties
from satudata.kafka.state import STOP_TIMEOUT_S, BrokerState, broker_status, forget
from satudata.logs import get_logger
from satudata.settings import Settings

log = get_logger(__name__)

HOST = "127.0.0.1"
_LOOPBACK = {"127.0.0.1", "localhost"}


class KafkaBroker:
    """Start with `start()` (or `with KafkaBroker(...) as bootstrap:`), stop with `stop()`."""

    def __init__(
        self,
        var_dir: Path,
        *,
        port: int = 0,
        controller_port: int = 0,
        partitions: int = 4,
        java: str = "java",
        mvn: str = "mvn",
        jars_dir: Path | None = None,
        heap: str = "512m",
        start_timeout_s: float = 90.0,
    ) -> None:
        self.var_dir = Path(var_dir).resolve()
        self.port = port  # 0 until started: any free port
        self.controller_port = controller_port
        self.partitions = partitions
        self.java, self.mvn, self.jars_dir = java, mvn, jars_dir
        self.heap = heap
        self.start_timeout_s = start_timeout_s
        self.startup_s: float | None = None  # from spawning the JVM to the first metadata answer
        self._proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def from_settings(cls, settings: Settings, *, port: int | None = None) -> KafkaBroker:
        """The broker the settings describe; `port` None means the one `kafka.bootstrap` names on loopback."""
        k = settings.kafka
        return cls(
            settings.var_dir,
            port=bootstrap_port(k.bootstrap) if port is None else port,
            controller_port=k.controller_port,
            partitions=k.partitions,
            java=k.java,
            mvn=k.mvn,
            jars_dir=k.jars_dir,
            heap=k.heap,
            start_timeout_s=k.start_timeout_s,
        )

    @property
    def bootstrap(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def home(self) -> Path:
        return self.var_dir / "kafka" / str(self.port)

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"

    def start(self) -> str:
        """Start the broker and return its bootstrap address once it answers metadata requests.

        The broker runs in its own session: it outlives this process unless `stop()` is called, and a Ctrl-C
        in the terminal reaches only this process, which then stops it cleanly.
        """
        java = java_command(self.java)  # before any download: a missing Java is the likelier problem
        jars = ensure_jars(self.jars_dir, mvn=self.mvn)
        running = broker_status(self.var_dir)
        if running.running and running.state is not None:
            pid, where = running.state.pid, running.state.bootstrap
            raise BrokerStartError(
                f"broker sudah berjalan (pid {pid}, {where}); hentikan dulu: satudata kafka stop / "
                f"a broker is already running (pid {pid}, {where}); stop it first: satudata kafka stop"
            )
        self.port, self.controller_port = _pick_ports(self.port, self.controller_port)
        self.home.mkdir(parents=True, exist_ok=True)
        config = self.home / "server.properties"
        config.write_text(server_properties(self.port, self.controller_port, self.home / "data", self.partitions))
        (self.home / "log4j2.properties").write_text(log4j_properties())
        if not (self.home / "data" / "meta.properties").exists():
            self._format(java, jars, config)
        started = time.monotonic()
        with self.log_file.open("ab") as out:
            self._proc = subprocess.Popen(
                [*self._java_cmd(java, jars), "kafka.Kafka", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        BrokerState(
            pid=self._proc.pid,
            bootstrap=self.bootstrap,
            controller_port=self.controller_port,
            home=str(self.home),
            log_file=str(self.log_file),
            version=KAFKA_VERSION,
            started_at=datetime.now(UTC).isoformat(),
        ).save(self.var_dir)
        try:
            self._wait_ready(started)
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - started
        log.info("kafka.started", bootstrap=self.bootstrap, seconds=round(self.startup_s, 2))
        return self.bootstrap

    def _java_cmd(self, java: str, jars: Path) -> list[str]:
        return [
            java,
            f"-Xmx{self.heap}",
            "-Xms64m",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.home / 'log4j2.properties'}",
            "-cp",
            f"{jars}/*",
        ]

    def _format(self, java: str, jars: Path, config: Path) -> None:
        cluster_id = _new_cluster_id()
        command = [*self._java_cmd(java, jars), "kafka.tools.StorageTool", "format"]
        command += ["--config", str(config), "--cluster-id", cluster_id, "--ignore-formatted"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        with self.log_file.open("a") as out:
            out.write(done.stdout + done.stderr)
        if done.returncode != 0:
            raise BrokerStartError(
                f"format direktori log Kafka gagal / formatting the Kafka log dir failed "
                f"(exit {done.returncode}): {(done.stderr or done.stdout).strip()[-2000:]}"
            )

    def _wait_ready(self, started: float) -> None:
        """Poll until the broker answers a metadata request; fail early if the JVM exits."""
        assert self._proc is not None
        deadline = started + self.start_timeout_s
        missing = "the JVM has not opened the port yet"
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                raise BrokerStartError(
                    f"broker Kafka berhenti saat mulai (kode {code}) / the Kafka broker exited while "
                    f"starting (exit {code}); log {self.log_file}:\n{_tail(self.log_file)}"
                )
            if _port_open(self.port):
                try:
                    brokers = describe_cluster(self.bootstrap, timeout_s=2.0)["brokers"]
                    if brokers:
                        return
                    missing = "the port is open but metadata lists no broker yet"
                except Exception as exc:  # any client error only means "not yet"
                    missing = f"the port is open but metadata failed: {exc!r}"
            _wait_for_exit(self._proc, 0.1)
        raise BrokerStartError(
            f"broker Kafka tidak siap dalam {self.start_timeout_s:.0f} s di {self.bootstrap} / the Kafka "
            f"broker was not ready within {self.start_timeout_s:.0f} s at {self.bootstrap}: {missing}; "
            f"log {self.log_file}:\n{_tail(self.log_file)}"
        )

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM (Kafka's clean shutdown), then SIGKILL after `timeout_s`; forget the state file."""
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                log.warning("kafka.kill", pid=self._proc.pid, after_s=timeout_s)
                self._proc.kill()
                self._proc.wait()
        forget(self.var_dir, self._proc.pid)
        log.info("kafka.stopped", bootstrap=self.bootstrap, pid=self._proc.pid)

    def wait(self) -> int:
        """Block until the broker exits; its exit code."""
        assert self._proc is not None, "not started"
        return self._proc.wait()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def bootstrap_port(bootstrap: str) -> int:
    """The port of a single loopback bootstrap address, else 0 (any free port)."""
    host, _, port = bootstrap.strip().rpartition(":")
    return int(port) if host in _LOOPBACK and port.isdigit() and "," not in bootstrap else 0


def _pick_ports(port: int, controller_port: int) -> tuple[int, int]:
    """Bind each wanted port (0: any) at once, so the two differ and a busy one is refused by name."""
    sockets: list[socket.socket] = []
    try:
        for wanted, what in ((port, "broker"), (controller_port, "controller")):
            sock = socket.socket()
            sockets.append(sock)
            # as the JVM will: a port left in TIME_WAIT by the last broker is free, one with a listener is not
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, wanted))
            except OSError as exc:
                raise BrokerStartError(
                    f"port {what} {HOST}:{wanted} sudah dipakai / {what} port {HOST}:{wanted} is in use: {exc}"
                ) from exc
        return sockets[0].getsockname()[1], sockets[1].getsockname()[1]
    finally:
        for sock in sockets:
            sock.close()


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def _wait_for_exit(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """Pause between probes, but wake at once if the JVM dies."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(seconds)


def _new_cluster_id() -> str:
    while True:  # Kafka refuses ids that start with "-" (they read as options)
        cid = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not cid.startswith("-"):
            return cid


def _tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
