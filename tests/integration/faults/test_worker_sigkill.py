"""SIGKILL the worker mid-stream, three times, and the numbers still come out exact.

What is real: everything. The session's real Kafka broker (`kafka_broker`, which the worker does not own and which
stays up throughout: only the worker dies), the worker a child process in its own process group running quality
(GX contracts, memory tables), indicators (Faust tables recovered from their changelogs at every start) and the API
on an embedded chDB folder of its own under a temporary var dir (reused by each restart: one chDB folder per
process, and only one process at a time holds it). The only test-side changes to the worker are a shorter
consumer-group session (so a restart does not wait a minute for the killed member to expire) and, on one start
only, an armed fault that SIGKILLs the worker halfway through an indicators changelog write
(tests/integration/faults/worker.py).

The story, in one test (one broker and one var dir: the raw topics, the consumer group and chDB carry over):
1. start the worker, publish the first three of eight chunks of ~4,000 valid events of every feed for three
   months (with duplicates, corrections and late records), and SIGKILL its process group as soon as the API
   counts some children, before it has counted what was published;
2. publish two more chunks while it is down, restart it, and SIGKILL it again as soon as it has made progress,
   before it has caught up (the second kill lands during recovery and catch-up);
3. publish two more chunks, restart it with the fault armed: it acknowledges one topic-partition of its first
   multi-partition changelog write and kills itself (ClickHouse written, the rest of the changelog and the offsets
   not), the window an outside SIGKILL rarely hits;
4. publish the last chunk, restart it, and wait until every stream indicator and convergence_reach, for the
   province and every kabupaten, for every month, equals the independent oracle (tests/oracle) computed from the
   distinct events; then assert it, and that every event received was accepted (validity_rate: accepted =
   received, nothing quarantined, so received = accepted + quarantined with nothing lost or counted twice).

The months are in 2023, a year no other integration test publishes to the shared broker: the worker's quality
consumer group is new and reads the raw topics from the beginning, other tests' events included.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from satudata import events
from satudata.kafka import BulkProducer
from satudata.settings import Settings
from satudata.synth import generate_all
from services.selftest import admin_key, free_port
from tests import waiting
from tests.oracle import PROVINCE, oracle
from tests.oracle.indicators import ALL_INDICATORS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SECRET = "faults-sigkill-secret"
LINES: dict[int, int] = Settings.model_fields["extreme_poverty_line_rp"].default_factory()  # type: ignore[misc]
MONTHS = ("2023-06", "2023-07", "2023-08")
PER_FEED = 150  # generate_all: ~1.1 x 8 feeds x this per month
CHUNKS = 8
START_S = 120.0
SETTLE_S = 150.0
Counts = dict[tuple[str, str, str], tuple[int, int]]  # (indicator, region digits, 'YYYY-MM') -> (num, den)


def dataset() -> list[dict[str, Any]]:
    """Every feed, three months, duplicates, corrections and late records; all valid, in a fixed shuffled order."""
    out: list[dict[str, Any]] = []
    for n, month in enumerate(MONTHS):
        batch = generate_all(
            month=month, count=PER_FEED, seed=9100 + n, dup_rate=0.05, correction_rate=0.08, late_rate=0.05
        )
        bad = {e["id"] for e, label in zip(batch.events, batch.labels, strict=True) if label.startswith("bad:")}
        out += [e for e in batch.events if e["id"] not in bad]
    random.Random(2023).shuffle(out)
    content: dict[str, bytes] = {}
    for event in out:  # an id seen again must be a true duplicate, or quality would quarantine it
        same = orjson.dumps({k: event[k] for k in ("source", "type", "subject", "data")})
        assert content.setdefault(event["id"], same) == same
    return out


def chunks(items: list[dict[str, Any]], count: int) -> list[list[dict[str, Any]]]:
    size = -(-len(items) // count)
    return [items[i : i + size] for i in range(0, len(items), size)]


def publish(bootstrap: str, chunk: list[dict[str, Any]]) -> None:
    records = []
    for event in chunk:
        feed = events.feed_for_type(event["type"])
        assert feed is not None
        records.append((feed.raw_topic, str(event["subject"]).encode(), orjson.dumps(event)))
    with BulkProducer(bootstrap) as producer:
        producer.publish_batch(records)


def wait_until(condition: Callable[[], bool], what: str, deadline_s: float, worker: Worker | None = None) -> None:
    """tests/waiting.py's wait, failing at once (with the worker's log) should the worker die meanwhile."""

    def holds() -> bool:
        if worker is not None and worker.process is not None and worker.process.poll() is not None:
            raise AssertionError(f"the worker died while waiting for: {what}\n{worker.log_tail()}")
        return condition()

    waiting.wait_until(holds, what, deadline_s)


@dataclass
class Worker:
    """The worker command (tests/integration/faults/worker.py) on one var dir and one API port."""

    folder: Path
    bootstrap: str
    api_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    api_key: str = ""  # an admin's: the quarantine is for operators, and small cells are null for the public

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def log_path(self) -> Path:
        return self.folder / f"worker-{self.starts}.log"

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SATUDATA_")}
        return (
            env
            | extra
            | {
                "SATUDATA_ENVIRONMENT": "test",
                "SATUDATA_KAFKA__BOOTSTRAP": self.bootstrap,
                "SATUDATA_VAR_DIR": str(self.folder / "var"),
                "SATUDATA_HMAC_SECRET": SECRET,
                "SATUDATA_EXTREME_POVERTY_LINE_RP": orjson.dumps({str(y): rp for y, rp in LINES.items()}).decode(),
                # Small batches, so that counting what three chunks hold takes many steps and the first kill
                # lands mid-stream even with the fast compiled contract evaluator.
                "SATUDATA_QUALITY__BATCH_SIZE": "50",
                "SATUDATA_QUALITY__BATCH_SECONDS": "0.3",
                "SATUDATA_INDICATORS__BATCH_SIZE": "20",
                "SATUDATA_INDICATORS__BATCH_SECONDS": "0.3",
                "SATUDATA_INDICATORS__CONVERGENCE_INTERVAL_S": "1.0",
                # The test reads the numbers as they are written, not the API's short-lived snapshots.
                "SATUDATA_API__SNAPSHOT_SECONDS": "0",
            }
        )

    def launch(self, extra: dict[str, str] | None = None) -> None:
        assert self.process is None or self.process.poll() is not None
        self.starts += 1
        command = [sys.executable, "-m", "tests.integration.faults.worker", "--api-port", str(self.api_port)]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=self.env(extra or {}),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=Path.cwd(),
                start_new_session=True,
            )

    def start(self) -> None:
        self.launch()
        wait_until(self.healthy, f"worker start {self.starts} answers /healthz", START_S, self)

    def dies_mid_changelog(self) -> str:
        """Start with the torn-changelog fault armed (worker.py) and wait until the worker has killed itself."""
        self.launch({"SATUDATA_FAULT_KILL_MID_CHANGELOG": "1"})
        assert self.process is not None
        self.process.wait(timeout=START_S)
        assert self.process.returncode == -signal.SIGKILL, self.log_tail()
        said = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.startswith("fault:")]
        assert said, "the worker died, but not of the injected fault:\n" + self.log_tail()
        return said[0]

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.api}/healthz", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (it leads its own session) and reap it."""
        assert self.process is not None and self.process.poll() is None, "the worker must be alive to be killed"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        assert self.process.returncode == -signal.SIGKILL
        with_group = subprocess.run(["pgrep", "-g", str(self.process.pid)], capture_output=True, check=False)
        assert with_group.stdout.strip() == b"", "something of the killed worker's process group survived"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def get(self, path: str, **params: str) -> Any:
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        response = httpx.get(f"{self.api}{path}", params=params, headers=headers, timeout=30.0)
        assert response.status_code == 200, (path, params, response.text[:500])
        return response.json()


@pytest.fixture
def worker(kafka_broker: str, tmp_path: Path) -> Iterator[Worker]:
    from satudata.kafka import ensure_all_topics

    ensure_all_topics(Settings(), bootstrap=kafka_broker)  # the worker would; publishing comes first
    running = Worker(tmp_path, kafka_broker, api_key=admin_key(kafka_broker))
    try:
        yield running
    finally:
        running.stop()


def digits(region: str) -> str:
    return region.replace(".", "")


def expected_counts(published: list[dict[str, Any]]) -> Counts:
    """The oracle's province and kabupaten cells, keyed by 'YYYY-MM'."""
    cells = oracle(published, secret=SECRET, extreme_poverty_line_rp=LINES)
    return {
        (indicator, region, period[:7]): value
        for (indicator, region, period), value in cells.items()
        if (region == PROVINCE or len(region) == 4)
        and (indicator != "convergence_reach" or period[:7] in MONTHS)  # the months the data is about
    }


def observed_counts(worker: Worker, want: Counts, *, kabupaten: bool) -> Counts:
    """What the API answers: the province's monthly series of every indicator over the oracle's months, and, with
    `kabupaten`, every kabupaten of each (indicator, month) the oracle or the province has something for."""
    periods = sorted({key[2] for key in want} | set(MONTHS))
    got: Counts = {}
    for indicator in ALL_INDICATORS:
        series = worker.get(
            f"/v1/indicators/{indicator}/series", region=PROVINCE, **{"from": periods[0], "to": periods[-1]}
        )
        for item in series["items"]:
            month = item["period"][:7]
            if indicator == "convergence_reach" and month not in MONTHS:
                continue  # computed for later months too (their windows reach back); the oracle: our months
            if item["numerator"] or item["denominator"]:
                got[(indicator, PROVINCE, month)] = (item["numerator"], item["denominator"])
    if not kabupaten:
        return got
    for indicator, _, period in sorted({(k[0], "", k[2]) for k in [*want, *got]}):
        body = worker.get(f"/v1/indicators/{indicator}", region=PROVINCE, period=period, by="kabupaten")
        for item in body["items"]:
            if item["numerator"] or item["denominator"]:
                got[(indicator, digits(item["region"]), period)] = (item["numerator"], item["denominator"])
    return got


def province(counts: Counts) -> Counts:
    return {key: value for key, value in counts.items() if key[1] == PROVINCE}


def differences(want: Counts, got: Counts) -> list[str]:
    keys = sorted(want.keys() | got.keys())
    return [
        f"{key}: oracle {want.get(key, (0, 0))} api {got.get(key, (0, 0))}"
        for key in keys
        if want.get(key) != got.get(key)
    ]


def validity(worker: Worker, month: str) -> tuple[int, int]:
    body = worker.get("/v1/indicators/validity_rate", region=PROVINCE, period=month)
    return body["numerator"], body["denominator"]


def judged(worker: Worker) -> int:
    """Records the quality gateway has judged so far (record_outcome rows of our months)."""
    return sum(validity(worker, month)[1] for month in MONTHS)


def stunting_denominator(worker: Worker) -> int:
    return sum(
        worker.get("/v1/indicators/stunting_prevalence", region=PROVINCE, period=m)["denominator"] for m in MONTHS
    )


def test_worker_sigkilled_mid_stream_and_mid_recovery_still_counts_exactly(worker: Worker) -> None:
    every = dataset()
    parts = chunks(every, CHUNKS)
    distinct = {e["id"]: e for e in every}
    assert len(every) > 3000 and len(distinct) < len(every)  # a few thousand, repeats included
    fed = {events.feed_for_type(e["type"]).name for e in every}  # type: ignore[union-attr]
    assert {"child_measurement", "family_risk", "household_welfare", "program_activity", "population"} <= fed
    assert "pregnancy_check" in fed

    # 1. Mid-stream: kill as soon as anything is counted, with three chunks (of eight) published.
    worker.start()
    for part in parts[:3]:
        publish(worker.bootstrap, part)
    wait_until(lambda: stunting_denominator(worker) > 0, "the API counts some children", 60.0, worker)
    first_kill = judged(worker), stunting_denominator(worker)  # read just before: a dead worker answers nothing
    worker.kill()
    full_so_far = expected_counts([e for part in parts[:3] for e in part])

    # 2. Down: publish two more chunks; restart; kill again as soon as it has made progress.
    for part in parts[3:5]:
        publish(worker.bootstrap, part)
    worker.start()
    restarted = judged(worker), stunting_denominator(worker)
    assert restarted[0] >= first_kill[0] and restarted[1] >= first_kill[1]  # the same chDB folder, reopened
    wait_until(
        lambda: (judged(worker), stunting_denominator(worker)) != restarted, "progress after restart", 90.0, worker
    )
    second_kill = judged(worker), stunting_denominator(worker)
    worker.kill()
    assert second_kill[0] < len(distinct) - len({e["id"] for part in parts[5:] for e in part}), (
        "the second kill came after the worker had caught up"
    )

    # 3. Down: two more chunks; restart with the fault armed: it kills itself halfway through a changelog write.
    for part in parts[5:7]:
        publish(worker.bootstrap, part)
    torn = worker.dies_mid_changelog()

    # 4. Down again: the last chunk; restart and wait for the exact numbers.
    for part in parts[7:]:
        publish(worker.bootstrap, part)
    worker.start()
    want = expected_counts(every)
    assert want[("stunting_prevalence", PROVINCE, "2023-07")][1] > 100
    assert want[("convergence_reach", PROVINCE, "2023-08")][1] > 0
    assert want[("weighing_coverage", PROVINCE, "2023-06")][1] > 0

    def settled() -> bool:
        if province(observed_counts(worker, want, kabupaten=False)) != province(want):
            return False
        return observed_counts(worker, want, kabupaten=True) == want

    try:
        wait_until(settled, "every indicator of the province and every kabupaten equals the oracle", SETTLE_S, worker)
    except AssertionError:
        diff = differences(want, observed_counts(worker, want, kabupaten=True))
        raise AssertionError(f"{len(diff)} cells differ, e.g.\n" + "\n".join(diff[:80])) from None
    got = observed_counts(worker, want, kabupaten=True)
    assert differences(want, got) == [], torn
    assert sum(1 for key in got if key[1] != PROVINCE) > 100  # kabupaten really compared

    # Nothing lost, nothing counted twice, nothing quarantined: received = accepted (+ 0 quarantined) per month.
    # (A flush that returned while another flush still wrote its rows once lost 2 of 1,134 record_outcome rows
    # here: satudata/store/writer.py now waits for it.)
    dated = [e for e in distinct.values() if events.feed_for_type(e["type"]).name != "population"]  # type: ignore[union-attr]
    for month in {e["data"][events.feed_for_type(e["type"]).date_field][:7] for e in dated}:  # type: ignore[union-attr]
        received = sum(1 for e in dated if e["data"][events.feed_for_type(e["type"]).date_field][:7] == month)  # type: ignore[union-attr]
        assert validity(worker, month) == (received, received), month
    # The worker judges the shared raw topics from their start, other tests' bad records included: ours are not there.
    quarantined = {item["event_id"] for item in worker.get("/v1/quarantine", limit="1000")["items"]}
    assert not quarantined & set(distinct)

    # The first kill was mid-stream: fewer children counted then than the first three chunks hold.
    assert first_kill[1] < sum(full_so_far.get(("stunting_prevalence", PROVINCE, m), (0, 0))[1] for m in MONTHS)
