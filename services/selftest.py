"""`satudata selftest`: start the embedded stack in a temporary folder, publish a synthetic month of every
feed with known truth through the ingest HTTP API, and compare what the API then says with the truth.

What an operator runs after installing: it exercises the real broker, the real contract, the real counting and the
real ClickHouse, and says PASS only if every number agrees.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import orjson

from satudata import events
from satudata.indicators import of_feed, shift_period
from satudata.synth import SynthBatch, generate_all
from satudata.synth.truth import RULES as TRUTH_RULES

#: What the synthetic truth states independently: every stream indicator with a rule in satudata/synth/truth.py.
INDICATORS = tuple(code for feed in TRUTH_RULES for code in of_feed(feed))
POST_CHUNK = 500


@dataclass
class Comparison:
    indicator: str
    region: str
    expected: tuple[int, int]
    actual: tuple[int, int]

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass
class Report:
    month: str
    published: int = 0
    accepted: int = 0
    raw: int = 0  # messages on the raw topic
    clean: int = 0
    quarantined: int = 0
    comparisons: list[Comparison] = field(default_factory=list)
    waited_s: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        conserved = self.raw == self.accepted == self.clean + self.quarantined
        return conserved and not self.problems and bool(self.comparisons) and all(c.ok for c in self.comparisons)


def topic_sizes(bootstrap: str) -> tuple[int, int, int]:
    """Messages on every feed's raw, clean and quarantine topics (end minus beginning offsets)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, request_timeout_ms=10_000)
    try:
        sizes = [0, 0, 0]
        for feed in events.FEEDS.values():
            for i, topic in enumerate((feed.raw_topic, feed.clean_topic, feed.quarantine_topic)):
                parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
                ends, starts = consumer.end_offsets(parts), consumer.beginning_offsets(parts)
                sizes[i] += sum(ends[p] - starts[p] for p in parts)
        return sizes[0], sizes[1], sizes[2]
    finally:
        consumer.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def previous_month(today: date) -> str:
    return shift_period(today.replace(day=1), -1).strftime("%Y-%m")


@dataclass
class Stack:
    """A `satudata up` child process and where it answers."""

    process: subprocess.Popen[bytes]
    ingest: str
    api: str
    bootstrap: str
    log_path: Path
    api_key: str = ""  # an admin key the self-test made for itself (ingest needs one; the API shows all to it)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-Key": self.api_key} if self.api_key else {}

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def embedded_stack(
    folder: Path, *, start_timeout_s: float = 300.0, extra_env: dict[str, str] | None = None
) -> Iterator[Stack]:
    """Run `satudata up` (no demo feed) with its own broker, ClickHouse folder and ports under `folder`."""
    ingest_port, api_port, kafka_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "SATUDATA_VAR_DIR": str(folder / "var"),
        "SATUDATA_KAFKA__BOOTSTRAP": f"127.0.0.1:{kafka_port}",
        **(extra_env or {}),
    }
    env.pop("SATUDATA_CLICKHOUSE_URL", None)
    log_path = folder / "satudata-up.log"
    command = [
        sys.executable,
        "-m",
        "services.cli",
        "up",
        "--no-demo",
        "--ingest-port",
        str(ingest_port),
        "--api-port",
        str(api_port),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path.cwd())
    stack = Stack(
        process,
        f"http://127.0.0.1:{ingest_port}",
        f"http://127.0.0.1:{api_port}",
        f"127.0.0.1:{kafka_port}",
        log_path,
    )
    try:
        _wait_healthy(stack, start_timeout_s)
        stack.api_key = admin_key(stack.bootstrap)
        yield stack
    finally:
        _stop(process)


def admin_key(bootstrap: str) -> str:
    """A new admin key, written to the stack's keys topic as `satudata keys create` would; the running stack
    reads the topic at its first keyed request, so the key works at once."""
    from satudata.access import Role, generate
    from satudata.kafka.keyring import KafkaKeyring
    from satudata.kafka.publisher import KafkaPublisher

    plaintext, record = generate(Role.ADMIN, "selftest")
    publisher = KafkaPublisher(bootstrap, timeout_s=30.0, client_id="satudata-selftest")
    try:
        KafkaKeyring(bootstrap, publisher).put(record)
    finally:
        publisher.close()
    return plaintext


def _wait_healthy(stack: Stack, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    pending = [f"{stack.ingest}/healthz", f"{stack.api}/healthz"]
    while pending:
        if stack.process.poll() is not None:
            raise RuntimeError("satudata up berhenti sebelum siap / stopped before it was ready:\n" + stack.log_tail())
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"satudata up tidak siap dalam / not ready within {timeout_s:.0f} s:\n" + stack.log_tail()
            )
        try:
            if httpx.get(pending[0], timeout=2.0).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.25)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def publish(ingest: str, events: list[dict[str, Any]], report: Report, headers: dict[str, str] | None = None) -> None:
    with httpx.Client(base_url=ingest, timeout=60.0, headers=headers) as client:
        for start in range(0, len(events), POST_CHUNK):
            chunk = events[start : start + POST_CHUNK]
            response = client.post(
                "/v1/events",
                content=orjson.dumps(chunk),
                headers={"content-type": "application/cloudevents-batch+json"},
            )
            report.published += len(chunk)
            if response.status_code != 202:
                report.problems.append(f"ingest answered {response.status_code}: {response.text[:300]}")
                continue
            report.accepted += len(response.json()["accepted"])


def expected(batch: SynthBatch) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (row["indicator"], row["region"].replace(".", "")): (int(row["numerator"]), int(row["denominator"]))
        for row in batch.truth.indicators
        if row["indicator"] in INDICATORS and row["period"] == batch.month
    }


def observed(api: str, month: str, headers: dict[str, str] | None = None) -> dict[tuple[str, str], tuple[int, int]]:
    out: dict[tuple[str, str], tuple[int, int]] = {}
    with httpx.Client(base_url=api, timeout=30.0, headers=headers) as client:
        for code in INDICATORS:
            one = client.get(f"/v1/indicators/{code}", params={"region": "53", "period": month})
            one.raise_for_status()
            body = one.json()
            out[(code, "53")] = (body["numerator"], body["denominator"])
            listing = client.get(f"/v1/indicators/{code}", params={"region": "53", "period": month, "by": "kabupaten"})
            listing.raise_for_status()
            for item in listing.json()["items"]:
                out[(code, item["region"].replace(".", ""))] = (item["numerator"], item["denominator"])
    return out


def run_selftest(
    *,
    count: int = 1500,
    seed: int = 53,
    month: str | None = None,
    timeout_s: float = 180.0,
    folder: Path | None = None,
    on_progress: Callable[[str], None] = lambda _: None,
) -> Report:
    month = month or previous_month(date.today())
    batch = generate_all(
        month=month,
        count=count,
        seed=seed,
        bad_rate=0.03,
        dup_rate=0.02,
        correction_rate=0.03,
        late_rate=0.02,
    )
    want = expected(batch)
    report = Report(month=month)
    with tempfile.TemporaryDirectory(prefix="satudata-selftest-") as tmp:
        base = folder or Path(tmp)
        on_progress("memulai stack / starting the embedded stack")
        with embedded_stack(base) as stack:
            on_progress(f"mengirim / publishing {len(batch.events):,} events to {stack.ingest}")
            publish(stack.ingest, batch.events, report, stack.headers)
            on_progress("menunggu angka / waiting for the numbers")
            started = time.monotonic()
            province = want.get(("stunting_prevalence", "53"), (0, 0))
            got: dict[tuple[str, str], tuple[int, int]] = {}
            while time.monotonic() - started < timeout_s:
                got = observed(stack.api, month, stack.headers)
                report.raw, report.clean, report.quarantined = topic_sizes(stack.bootstrap)
                settled = report.raw == report.clean + report.quarantined
                if (
                    settled
                    and got.get(("stunting_prevalence", "53")) == province
                    and all(got.get(key) == value for key, value in want.items())
                ):
                    break
                time.sleep(0.5)
            report.waited_s = time.monotonic() - started
    report.comparisons = [
        Comparison(indicator, region, value, got.get((indicator, region), (0, 0)))
        for (indicator, region), value in sorted(want.items())
    ]
    return report
