"""The quality gateway's cost per batch, against plain JSON decoding and encoding of the same batch.

    .venv/bin/python bench/quality.py [--rows 5000] [--repeat 5] [--bootstrap 127.0.0.1:9092]

Times, on synthetic child measurements (10% faulty), medians of `--repeat` runs:
- baseline: orjson decode of every message and encode of every outgoing message (what routing cannot avoid);
- the preparer alone, GX alone (validation of the prepared frame), and `route` (decode, envelope, prepare, GX,
  messages and rows) at several batch sizes, which shows GX's fixed cost per batch against its cost per row;
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
from services.quality.bootstrap import validator_factory
from services.quality.prepare import prepare
from services.quality.routing import Incoming, Outgoing, route

FEED = feed("child_measurement")
TODAY = date(2025, 12, 31)


def median_s(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--bootstrap", default=None)
    args = parser.parse_args()

    started = time.perf_counter()
    validator = validator_factory(Settings())(FEED.name)
    validator._today = lambda: TODAY
    print(f"GX import and contract load: {time.perf_counter() - started:.1f} s (once per process)")
    events = generate(FEED.name, month="2025-06", count=args.rows, seed=3, bad_rate=0.1).events[: args.rows]
    raw = [orjson.dumps(e) for e in events]
    batch = [Incoming(value, FEED.raw_topic, 0, offset) for offset, value in enumerate(raw)]
    route(batch, validator, max_event_bytes=65536)  # warm-up

    baseline = median_s(lambda: [orjson.dumps({"event": orjson.loads(v)}) for v in raw], args.repeat)
    frame = prepare(FEED, [e["data"] for e in events], today=TODAY)
    prepare_s = median_s(lambda: prepare(FEED, [e["data"] for e in events], today=TODAY), args.repeat)
    gx_s = median_s(lambda: validator.judge(frame), args.repeat)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus; {args.rows} rows per batch")
    print(f"baseline (orjson in and out) {baseline * 1000:8.1f} ms")
    print(f"preparer                     {prepare_s * 1000:8.1f} ms  {prepare_s / baseline:6.1f}x baseline")
    print(f"GX validation                {gx_s * 1000:8.1f} ms  {gx_s / baseline:6.1f}x baseline")
    for rows in (10, 1000, args.rows, 4 * args.rows):
        sized = (batch * (rows // len(batch) + 1))[:rows]
        seconds = median_s(lambda sized=sized: route(sized, validator, max_event_bytes=65536), args.repeat)
        print(f"route {rows:6d} rows            {seconds * 1000:8.1f} ms  {rows / seconds:9.0f} records/s")
    if args.bootstrap:
        routed = route(batch, validator, max_event_bytes=65536)
        asyncio.run(produce(args.bootstrap, routed.messages))


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
