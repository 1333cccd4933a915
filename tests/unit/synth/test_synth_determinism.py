"""The same seed gives the same bytes; another seed gives other data."""

from __future__ import annotations

import orjson

from satudata.synth import generate, generate_all


def _bytes(batch) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(orjson.dumps(e) + b"\n" for e in batch.events) + batch.truth.to_json()


def test_same_seed_same_bytes() -> None:
    first = generate_all(month="2026-10", count=150, seed=3, bad_rate=0.1, dup_rate=0.1, correction_rate=0.1)
    second = generate_all(month="2026-10", count=150, seed=3, bad_rate=0.1, dup_rate=0.1, correction_rate=0.1)
    assert _bytes(first) == _bytes(second)
    assert first.labels == second.labels


def test_other_seed_other_data() -> None:
    first = generate("child_measurement", month="2026-10", count=200, seed=3)
    second = generate("child_measurement", month="2026-10", count=200, seed=4)
    assert _bytes(first) != _bytes(second)
    assert {e["id"] for e in first.events}.isdisjoint(e["id"] for e in second.events)


def test_fault_rates_do_not_change_the_population() -> None:
    clean = generate("child_measurement", month="2026-10", count=300, seed=3)
    faulty = generate("child_measurement", month="2026-10", count=300, seed=3, bad_rate=0.2)
    clean_records = {e["data"]["record_id"]: e["data"] for e in clean.events}
    same = [e for e, label in zip(faulty.events, faulty.labels, strict=True) if label == "good"]
    assert same
    assert all(clean_records[e["data"]["record_id"]] == e["data"] for e in same)
