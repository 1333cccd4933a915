"""Query latency of the API under 50 concurrent clients, over two years of every NTT desa, against baselines
measured in the same run.

    .venv/bin/python bench/api.py [--clients 50] [--duration 20] [--months 24] [--partitions 2] [--httpx]

1. Load: `--months` of `indicator_value` for every desa (3,442) × every stream indicator × `--partitions`, plus
   corrections (a newer version of 10 % of the rows in later parts), into a fresh chDB folder (bench/api_data.py).
2. Direct: each query kind run sequentially on one chDB client, in-process, through the API's own service
   functions (the SQL and the answer's shaping, no HTTP): the floor a request cannot go below.
3. The API as embedded mode serves it (uvicorn, one process, one chDB client) in a child process, on the folder.
4. Baseline: `--clients` connections on GET /healthz (HTTP, routing, middleware, a `SELECT 1`) for `--duration` s.
5. Mix: `--clients` connections for `--duration` s over indicator values (province, kabupaten, kecamatan, desa),
   the province broken down by kabupaten, and 24-month series, random indicator, month and region.
6. Each kind alone, `--clients` connections for `--kind-duration` s (wrk reports one histogram per run).
The load comes from `wrk` (`apt-get install -y wrk`; bench/api_wrk.py), which leaves the two cores to the API;
without wrk, or with `--httpx`, from httpx clients in this process (each kind measured inside the mix), which
take ~1 ms of CPU per request from the same cores, so their figures say more about the bench than the API.
Prints p50/p95/p99 per kind and overall, requests/s, and ratios to the baselines. Goal: p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import api_wrk
import httpx
import numpy as np
from api_data import load
from api_wrk import Run
from clickhouse_connect.driver import Client
from rich.console import Console
from rich.table import Table

from satudata.indicators import INDICATORS
from satudata.regions import Region, RegionMaster, master
from satudata.store import connect
from services.api.indicators import periods, service

LAST_MONTH = date(2026, 10, 1)
GOAL_P99_MS = 50.0
KINDS = ("value_provinsi", "value_kabupaten", "value_kecamatan", "value_desa", "by_kabupaten", "series_24")
console = Console(width=130)


def serve(url: str, port: int) -> None:
    """The child process: the API alone, as `services/embedded.py` serves it (one client, uvicorn, one loop)."""
    import uvicorn

    from satudata.settings import Settings
    from services.api import create_app

    app = create_app(connect(url), Settings(clickhouse_url=url))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    gc.collect()  # as services/embedded.py does before serving
    gc.freeze()
    asyncio.run(uvicorn.Server(config).serve())


class Mix:
    """Random requests of each kind; a month is one of the loaded months, a region one of its level."""

    def __init__(self, indicators: tuple[str, ...], months: tuple[date, ...], seed: int) -> None:
        regions = master()
        self.rng = random.Random(seed)
        self.indicators, self.months = indicators, months
        self.levels: dict[str, list[Region]] = {
            "value_provinsi": [regions.get("53")],
            "value_kabupaten": regions.kabupaten(),
            "value_kecamatan": regions.kecamatan(),
            "value_desa": regions.desa(),
        }

    def url(self, kind: str) -> str:
        path, params = self.pick(kind)
        return f"{path}?{urlencode(params)}"

    def pick(self, kind: str) -> tuple[str, dict[str, str]]:
        indicator = self.rng.choice(self.indicators)
        month = periods.format_period(self.rng.choice(self.months))
        if kind == "by_kabupaten":
            return f"/v1/indicators/{indicator}", {"region": "53", "period": month, "by": "kabupaten"}
        if kind == "series_24":
            region = self.rng.choice(self.levels[self.rng.choice(list(self.levels))])
            first, last = periods.format_period(self.months[0]), periods.format_period(self.months[-1])
            return f"/v1/indicators/{indicator}/series", {"region": region.code, "from": first, "to": last}
        region = self.rng.choice(self.levels[kind])
        return f"/v1/indicators/{indicator}", {"region": region.code, "period": month}


def _query(client: Client, regions: RegionMaster, kind: str, path: str, params: dict[str, str]) -> object:
    """The request's query and shaping, as the route calls them, without HTTP."""
    indicator, region = INDICATORS[path.split("/")[3]], regions.get(params["region"])
    if kind == "series_24":
        first, last = periods.parse(params["from"]), periods.parse(params["to"])
        return service.series(client=client, indicator=indicator, region=region, first=first, last=last)
    month = periods.parse(params["period"])
    if kind == "by_kabupaten":
        return service.breakdown(
            client=client, master=regions, indicator=indicator, region=region, period=month,
            by="kabupaten_kota", limit=1000, cursor=None,
        )  # fmt: skip
    return service.get(client=client, indicator=indicator, region=region, period=month)


def direct(url: str, mix: Mix, repeat: int) -> dict[str, list[float]]:
    """Each kind on one in-process client, one at a time."""
    client, regions = connect(url), master()
    try:
        times: dict[str, list[float]] = defaultdict(list)
        for kind in KINDS * repeat:
            path, params = mix.pick(kind)
            start = time.perf_counter()
            _query(client, regions, kind, path, params)
            times[kind].append(time.perf_counter() - start)
        return times
    finally:
        client.close()


async def run_clients(
    base: str, clients: int, seconds: float, pick: Callable[[], tuple[str, str, dict[str, str]]]
) -> tuple[dict[str, list[float]], float]:
    """`clients` concurrent clients (each its own connection) for `seconds`; latencies per kind and requests/s."""
    times: dict[str, list[float]] = defaultdict(list)
    stop_at = time.perf_counter() + seconds

    async def one() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while time.perf_counter() < stop_at:
                kind, path, params = pick()
                start = time.perf_counter()
                answer = await http.get(path, params=params)
                elapsed = time.perf_counter() - start
                if answer.status_code != 200:
                    raise RuntimeError(f"{path} {params}: {answer.status_code} {answer.text[:200]}")
                times[kind].append(elapsed)

    began = time.perf_counter()
    await asyncio.gather(*(one() for _ in range(clients)))
    return times, sum(len(t) for t in times.values()) / (time.perf_counter() - began)


def ms(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000, q))


def as_run(values: list[float], seconds: float) -> Run:
    return Run(len(values), len(values) / seconds, *(ms(values, q) for q in (50, 95, 99, 100)))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(base: str, child: subprocess.Popen[bytes], deadline_s: float = 60) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if child.poll() is not None:
            raise RuntimeError("the API process ended before it answered")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)  # between two looks at the port
    raise RuntimeError("the API did not answer /healthz in time")


def _load_snapshots(base: str, mix: Mix) -> None:
    """One request per indicator, one at a time: each loads its snapshot (0.2-2 s), so that no measured request
    waits for a first load (a steady board's requests never do)."""
    with httpx.Client(base_url=base, timeout=120) as http:
        for indicator in mix.indicators:
            http.get(f"/v1/indicators/{indicator}", params={"region": "53"}).raise_for_status()


def report(runs: dict[str, Run], floor: dict[str, list[float]], load_from: str) -> None:
    table = Table(title=f"API latency (ms) / latensi API — {load_from}")
    for column in ("kind", "n", "req/s", "p50", "p95", "p99", "max", "direct p50", "p50 / direct"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind, run in runs.items():
        d50 = ms(floor[kind], 50) if kind in floor else None
        figures = (f"{run.p50:.1f}", f"{run.p95:.1f}", f"{run.p99:.1f}", f"{run.max:.1f}")
        ratio = (f"{d50:.2f}", f"{run.p50 / d50:.1f}x") if d50 else ("", "")
        table.add_row(kind, f"{run.requests:,}", f"{run.rps:,.0f}", *figures, *ratio)
    console.print(table)
    mix, health = runs["all"], runs["healthz"]
    console.print(
        f"mix {mix.rps:,.0f} requests/s, healthz {health.rps:,.0f} requests/s; mix p99 / healthz p99 = "
        f"{mix.p99 / health.p99:.1f}x; goal p99 < {GOAL_P99_MS:.0f} ms: "
        + ("[green]met[/]" if mix.p99 < GOAL_P99_MS else f"[red]not met ({mix.p99:.1f} ms)[/]")
    )


def measure_wrk(wrk: str, base: str, mix: Mix, args: argparse.Namespace) -> dict[str, Run]:
    """Warm-up, baseline, the mix, then each kind alone; one wrk run each."""
    kinds = itertools.cycle(KINDS)
    mixed = [mix.url(next(kinds)) for _ in range(60_000)]

    def hit(paths: list[str], seconds: float) -> Run:
        return api_wrk.run(wrk, base, paths, connections=args.clients, threads=args.threads, seconds=seconds)

    hit(mixed, 3)  # warm-up: every indicator's snapshot loaded, not counted
    runs = {"healthz": hit(["/healthz"], args.duration), "all": hit(mixed, args.duration)}
    for kind in KINDS:
        runs[kind] = hit([mix.url(kind) for _ in range(20_000)], args.kind_duration)
    return {kind: runs[kind] for kind in (*KINDS, "all", "healthz")}


def measure_httpx(base: str, mix: Mix, args: argparse.Namespace) -> dict[str, Run]:
    """Warm-up, baseline, then the mix, each kind measured inside it."""
    kinds = itertools.cycle(KINDS)

    def pick_mix() -> tuple[str, str, dict[str, str]]:
        kind = next(kinds)
        return (kind, *mix.pick(kind))

    asyncio.run(run_clients(base, args.clients, 3, pick_mix))  # warm-up, not counted
    health, health_rps = asyncio.run(run_clients(base, args.clients, args.duration, lambda: ("h", "/healthz", {})))
    mix_times, rps = asyncio.run(run_clients(base, args.clients, args.duration, pick_mix))
    seconds = sum(len(t) for t in mix_times.values()) / rps
    runs = {kind: as_run(mix_times[kind], seconds) for kind in KINDS}
    runs["all"] = as_run([t for values in mix_times.values() for t in values], seconds)
    runs["healthz"] = as_run(health["h"], len(health["h"]) / health_rps)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--kind-duration", type=float, default=5.0, help="each kind alone (wrk only)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--partitions", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=30, help="direct runs per kind")
    parser.add_argument("--httpx", action="store_true", help="load from httpx clients in this process, not wrk")
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    wrk = None if args.httpx else api_wrk.find()
    if wrk is None and not args.httpx:
        console.print(
            f"[yellow]wrk not found: load from httpx in this process instead, which competes with the API for "
            f"CPU (install: {api_wrk.INSTALL})[/]"
        )
    with tempfile.TemporaryDirectory(prefix="satudata-bench-api-") as tmp:
        url = f"chdb://{Path(tmp) / 'clickhouse'}"
        client = connect(url)
        loaded = load(client, months=args.months, last=LAST_MONTH, partitions=args.partitions, corrections=0.1, seed=7)
        client.close()
        console.print(
            f"loaded {loaded.rows:,} rows + {loaded.corrections:,} corrections ({loaded.desa:,} desa × "
            f"{len(loaded.indicators)} indicators × {len(loaded.months)} months × {args.partitions} partitions) "
            f"in {loaded.seconds:.1f} s"
        )
        mix = Mix(loaded.indicators, loaded.months, seed=11)
        floor = direct(url, mix, args.repeat)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        child = subprocess.Popen([sys.executable, __file__, "--serve", url, str(port)])
        try:
            _wait_ready(base, child)
            _load_snapshots(base, mix)
            runs = measure_wrk(wrk, base, mix, args) if wrk else measure_httpx(base, mix, args)
        finally:
            child.terminate()
            child.wait(timeout=30)
    load_from = (
        f"wrk, {args.clients} connections, {args.threads} threads; each kind alone {args.kind_duration:.0f} s"
        if wrk
        else f"httpx, {args.clients} clients in the bench process; each kind inside the mix"
    )
    report(runs, floor, load_from)


if __name__ == "__main__":
    main()
