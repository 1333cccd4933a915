"""The quality gateway's cost per batch: the compiled contract evaluator against plain GX, same batches, same run.

    .venv/bin/python bench/quality.py [--rows 5000] [--small 50] [--repeat 5] [--feed child_measurement ...]
                                      [--bootstrap 127.0.0.1:9092]

On synthetic records of each feed (10% faulty), medians of `--repeat` runs:
- `route` (decode, envelope, prepare, contract, messages and rows) with GX judging every batch, and with the
  compiled evaluator (services/quality/compiled) as the gateway runs it by default; the ratio is records/s of
  the compiled gateway over GX's. The gateway also has GX re-check every Nth batch (SATUDATA_QUALITY__GX_RECHECK_EVERY,
  100): the "amortised" line adds GX's cost divided by N;
- for the first feed, the parts: orjson in and out (what routing cannot avoid), the preparer, GX's and the
  compiled evaluator's judgement of one prepared frame;
- with `--bootstrap` (a broker with the topics), producing one routed batch through a Faust app's producer:
  every `app.producer.send` first and then all acknowledgements, against `send_and_wait` one by one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory

import orjson

from satudata.events import feed
from satudata.settings import KafkaSettings, Settings
from satudata.synth import generate
from services.quality.compiled import CompiledValidator
from services.quality.contract import ContractValidator
from services.quality.prepare import prepare
from services.quality.routing import Incoming, Outgoing, Routed, route
from services.quality.suite import contract_path, contracts_dir, read_contract

TODAY = date(2025, 12, 31)
MAX_BYTES = 65536


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def outcome(routed: Routed) -> list[tuple[str, bytes]]:
    return [(m.topic, m.value.split(b',"validated_at"')[0]) for m in routed.messages]


def bench_feed(name: str, rows: int, small: int, repeat: int, recheck_every: int, parts: bool) -> list[Outgoing]:
    f = feed(name)
    contract = read_contract(f, contract_path(f, contracts_dir()))
    gx = ContractValidator(contract, today=lambda: TODAY)
    compiled = CompiledValidator(contract, today=lambda: TODAY, recheck_every=recheck_every)
    events = generate(name, month="2025-06", count=rows, seed=3, bad_rate=0.1).events[:rows]
    raw = [orjson.dumps(e) for e in events]
    batch = [Incoming(value, f.raw_topic, 0, offset) for offset, value in enumerate(raw)]
    # Warm-up; the compiled validator's first batch is also its first GX re-check.
    same = outcome(route(batch, gx, max_event_bytes=MAX_BYTES)) == outcome(
        route(batch, compiled, max_event_bytes=MAX_BYTES)
    )
    print(f"\n{name}: {contract.feed.name} v{f.version}, {gx.expectation_count} expectations; same routing: {same}")
    if parts:
        frame = prepare(f, [e["data"] for e in events], today=TODAY)
        baseline = median_s(lambda: [orjson.dumps({"event": orjson.loads(v)}) for v in raw], repeat)
        prepare_s = median_s(lambda: prepare(f, [e["data"] for e in events], today=TODAY), repeat)
        gx_s = median_s(lambda: gx.judge(frame), repeat)
        compiled_s = median_s(lambda: compiled.judge_compiled(frame), repeat)
        print(f"  orjson in and out            {baseline * 1000:8.1f} ms")
        print(f"  preparer                     {prepare_s * 1000:8.1f} ms")
        print(f"  GX judging {rows} rows       {gx_s * 1000:8.1f} ms")
        print(f"  compiled judging {rows} rows {compiled_s * 1000:8.1f} ms  {gx_s / compiled_s:6.1f}x faster")
    for size in (small, rows):
        sized = batch[:size]
        gx_route = median_s(lambda sized=sized: route(sized, gx, max_event_bytes=MAX_BYTES), repeat)
        ours = median_s(lambda sized=sized: route(sized, compiled, max_event_bytes=MAX_BYTES), repeat)
        amortised = ours + (gx_route / recheck_every if recheck_every else 0.0)
        print(f"  route {size:5d} rows, GX        {gx_route * 1000:8.1f} ms  {size / gx_route:9.0f} records/s")
        print(
            f"  route {size:5d} rows, compiled  {ours * 1000:8.1f} ms  {size / ours:9.0f} records/s"
            f"  {gx_route / ours:6.1f}x GX"
        )
        if recheck_every:
            print(
                f"    amortised, GX re-check 1/{recheck_every} {amortised * 1000:6.1f} ms  "
                f"{size / amortised:9.0f} records/s  {gx_route / amortised:6.1f}x GX"
            )
    return route(batch, compiled, max_event_bytes=MAX_BYTES).messages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--small", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--feed", action="append", default=None, help="repeatable; default two feeds")
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args()
    feeds = args.feed or ["child_measurement", "family_risk"]
    recheck_every = Settings().quality.gx_recheck_every

    started = time.perf_counter()
    ContractValidator(read_contract(feed(feeds[0]), contract_path(feed(feeds[0]), contracts_dir())))
    print(f"GX import and contract load: {time.perf_counter() - started:.1f} s (once per process)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus; median of {args.repeat} runs")
    messages: list[Outgoing] = []
    for i, name in enumerate(feeds):
        messages = bench_feed(name, args.rows, args.small, args.repeat, recheck_every, parts=i == 0)
    if args.bootstrap:
        asyncio.run(produce(args.bootstrap, messages))


async def produce(bootstrap: str, messages: list[Outgoing]) -> None:
    from services.bootstrap import make_faust_app

    with TemporaryDirectory() as folder:
        settings = Settings(kafka=KafkaSettings(bootstrap=bootstrap), var_dir=Path(folder))
        app = make_faust_app(settings, f"bench-quality-{os.getpid()}", datadir=Path(folder))
        app.loop = asyncio.get_running_loop()
        await app.producer.start()
        try:
            for label, send in (("send all, then await all", send_all), ("send_and_wait each", send_each)):
                await send(app, messages[:100])  # metadata and connections warm
                started = time.perf_counter()
                await send(app, messages)
                seconds = time.perf_counter() - started
                print(
                    f"produce {len(messages)}: {label:26s} {seconds * 1000:8.1f} ms  "
                    f"{len(messages) / seconds:9.0f} messages/s"
                )
        finally:
            await app.producer.stop()


async def send_all(app: object, messages: list[Outgoing]) -> None:
    producer = app.producer  # type: ignore[attr-defined]
    pending = [await producer.send(m.topic, m.key, m.value, None, None, None) for m in messages]
    await asyncio.gather(*pending)


async def send_each(app: object, messages: list[Outgoing]) -> None:
    producer = app.producer  # type: ignore[attr-defined]
    for m in messages:
        await producer.send_and_wait(m.topic, m.key, m.value, None, None, None)


if __name__ == "__main__":
    main()
