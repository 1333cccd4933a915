"""Load from `wrk` (C, a few % of a core at thousands of requests/s), so that the load generator does not take the
API's CPU as the Python clients did (httpx costs ~1 ms of CPU per request on the same two cores).

Each run writes the paths to ask for into a file, one a line, and `api_wrk.lua` cycles each connection through them
and prints its percentiles (wrk's own histogram, microsecond resolution) as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("api_wrk.lua")
INSTALL = "apt-get install -y wrk"


@dataclass(frozen=True)
class Run:
    """One wrk run: requests answered, requests/s and latency percentiles in ms."""

    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


def find() -> str | None:
    return shutil.which("wrk")


def run(wrk: str, base: str, paths: list[str], *, connections: int, threads: int, seconds: float) -> Run:
    """`connections` keep-alive connections that never pause, over `threads` wrk threads, for `seconds`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="satudata-wrk-") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        command = [
            wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
            "-s", str(SCRIPT), base, "--", listing.name,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    failed = {name: n for name, n in result["errors"].items() if n}
    if failed:
        raise RuntimeError(f"wrk saw errors {failed} (status = answers other than 2xx/3xx):\n{done.stdout}")
    return Run(
        requests=result["requests"],
        rps=result["requests"] / (result["duration_us"] / 1e6),
        p50=result["p50_us"] / 1000,
        p95=result["p95_us"] / 1000,
        p99=result["p99_us"] / 1000,
        max=result["max_us"] / 1000,
    )
