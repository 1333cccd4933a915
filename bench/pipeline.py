"""The embedded pipeline, end to end, against the raw Kafka rates of the same machine in the same run.

    .venv/bin/python bench/pipeline.py [--backfill 100000] [--rate 200] [--duration 30]

1. Reference: how fast this machine produces to and consumes from the local broker with nothing else (bulk
   producer, acks=all; a plain consumer), on a scratch topic of the stack's broker.
2. Backfill: `--backfill` synthetic child measurements produced straight onto the raw topic (as an agency on
   Kafka would); the time until every one is clean or quarantined and the API shows the truth's denominator.
3. Latency: a steady `--rate` events/s through the ingest HTTP API for `--duration` s; among them one probe per
   100 ms, a child of a month of its own; the API is polled and each probe's publish→visible time is recorded.
Prints events/s and the ratio to the reference, and latency p50/p95.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import orjson

from satudata import events
from satudata.kafka import BulkProducer, ensure_topics
from satudata.synth import generate
from services.selftest import embedded_stack, topic_sizes

BACKFILL_MONTH = "2026-06"
STEADY_MONTH = "2026-05"
PROBE_MONTH = "2026-04"


def reference_rates(bootstrap: str, payloads: list[bytes]) -> tuple[float, float]:
    from kafka import KafkaConsumer

    topic = f"bench.reference.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [topic], partitions=4)
    producer = BulkProducer(bootstrap)
    start = time.perf_counter()
    for first in range(0, len(payloads), 5000):
        producer.publish_batch([(topic, None, p) for p in payloads[first : first + 5000]])
    produce = len(payloads) / (time.perf_counter() - start)
    producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        max_poll_records=5000,
        fetch_max_bytes=64 * 1024 * 1024,
    )
    seen, start = 0, time.perf_counter()
    while seen < len(payloads):
        seen += sum(len(batch) for batch in consumer.poll(timeout_ms=1000).values())
    consume = len(payloads) / (time.perf_counter() - start)
    consumer.close()
    return produce, consume


def denominator(api: str, month: str, headers: dict[str, str]) -> int:
    # With the stack's admin key: a count below the small-cell threshold would be null for the public.
    params = {"region": "53", "period": month}
    body = httpx.get(f"{api}/v1/indicators/stunting_prevalence", params=params, headers=headers).json()
    return int(body["denominator"])


def backfill(stack_api: str, bootstrap: str, count: int, headers: dict[str, str]) -> tuple[float, int]:
    batch = generate("child_measurement", month=BACKFILL_MONTH, count=count, seed=101)
    want = next(
        r["denominator"]
        for r in batch.truth.indicators
        if r["indicator"] == "stunting_prevalence" and r["region"] == "53"
    )
    topic = events.feed("child_measurement").raw_topic
    records = [(topic, e["subject"].encode(), orjson.dumps(e)) for e in batch.events]
    raw_before = topic_sizes(bootstrap)
    producer = BulkProducer(bootstrap)
    start = time.perf_counter()
    for first in range(0, len(records), 5000):
        producer.publish_batch(records[first : first + 5000])
    producer.close()
    while True:
        _, clean, quarantined = topic_sizes(bootstrap)
        done = clean + quarantined - raw_before[1] - raw_before[2] >= len(records)
        if done and denominator(stack_api, BACKFILL_MONTH, headers) >= want:
            return len(records) / (time.perf_counter() - start), len(records)
        time.sleep(0.2)


def steady(ingest: str, api: str, rate: int, duration: float, headers: dict[str, str]) -> list[float]:
    background = generate("child_measurement", month=STEADY_MONTH, count=int(rate * duration) + 100, seed=202).events
    probes = generate("child_measurement", month=PROBE_MONTH, count=int(duration * 10) + 50, seed=303)
    probe_events = [e for e, label in zip(probes.events, probes.labels, strict=True) if label == "good"]
    sent_at: list[float] = []
    stop = threading.Event()
    seen_at: dict[int, float] = {}

    def watch() -> None:
        while not stop.is_set() or len(seen_at) < len(sent_at):
            count = denominator(api, PROBE_MONTH, headers)
            now = time.perf_counter()
            for k in range(count):
                seen_at.setdefault(k, now)
            if stop.is_set() and time.perf_counter() - stopped_at[0] > 60:
                return
            time.sleep(0.02)

    stopped_at = [0.0]
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    tick, per_tick = 0.1, max(1, rate // 10)
    with httpx.Client(base_url=ingest, timeout=30, headers=headers) as client:
        start = time.perf_counter()
        for step in range(int(duration / tick)):
            chunk = [*background[step * per_tick : (step + 1) * per_tick - 1], probe_events[step]]
            sent_at.append(time.perf_counter())
            client.post(
                "/v1/events",
                content=orjson.dumps(chunk),
                headers={"content-type": "application/cloudevents-batch+json"},
            )
            pause = start + (step + 1) * tick - time.perf_counter()
            if pause > 0:
                time.sleep(pause)  # the pace of a steady load
    stopped_at[0] = time.perf_counter()
    stop.set()
    watcher.join()
    # Probes become visible in order of their position in the month's count, not of their own identity, so the
    # k-th probe's latency is when the count first reached k+1 minus when the k-th probe was sent.
    return [seen_at[k] - sent_at[k] for k in range(len(sent_at)) if k in seen_at]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backfill", type=int, default=100_000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="satudata-bench-") as tmp, embedded_stack(Path(tmp)) as stack:
        sample = [
            orjson.dumps(e)
            for e in generate(
                "child_measurement", month=BACKFILL_MONTH, count=min(args.backfill, 50_000), seed=7
            ).events
        ]
        produce, consume = reference_rates(stack.bootstrap, sample)
        rate, n = backfill(stack.api, stack.bootstrap, args.backfill, stack.headers)
        latencies = steady(stack.ingest, stack.api, args.rate, args.duration, stack.headers)
    print(f"reference: produce {produce:,.0f} events/s, consume {consume:,.0f} events/s ({len(sample):,} events)")
    print(
        f"backfill:  {rate:,.0f} events/s end to end ({n:,} events) = {rate / consume:.2f}x raw consume, "
        f"{rate / produce:.2f}x raw produce"
    )
    if latencies:
        q = statistics.quantiles(latencies, n=20)
        print(
            f"latency at {args.rate} events/s for {args.duration:.0f} s: p50 {statistics.median(latencies):.2f} s, "
            f"p95 {q[18]:.2f} s, max {max(latencies):.2f} s ({len(latencies)} probes)"
        )


if __name__ == "__main__":
    main()
