"""The quality agent on the real broker, in a real Faust app: every published message comes out once, on
the clean or the quarantine topic, with the contract's reasons, and the store holds counts and quarantine."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
from clickhouse_connect.driver import Client

from satudata.kafka import BulkProducer
from satudata.settings import KafkaSettings, Settings
from satudata.store import Writer
from satudata.synth import generate
from services.bootstrap import make_faust_app
from services.quality.agent import register
from services.quality.contract import ContractValidator
from services.quality.examples import read_examples
from tests.integration.faust_runner import running
from tests.integration.quality.outputs import FEED, Output, OutputReader
from tests.unit.quality.support import examples_dir

pytestmark = pytest.mark.integration

WARNINGS = ("nik_registered_elsewhere", "nik_kecamatan_unknown", "data_unknown_fields")


def published_batch(run: str) -> tuple[list[tuple[bytes | None, bytes]], dict[str, tuple[str, list[str]]]]:
    """(key, value) to publish, and per event id the topic and rules expected; ids carry `run`."""
    messages: list[tuple[bytes | None, bytes]] = []
    expected: dict[str, tuple[str, list[str]]] = {}
    good = read_examples(examples_dir() / "good.ndjson")
    # Lines judged on a date of their own ("_today") would be judged on the real date here.
    bad = [e for e in read_examples(examples_dir() / "bad.ndjson") if e.today is None]
    for i, example in enumerate(good + bad):
        event = {**example.event, "id": f"{run}-ex-{i}"}
        warning = example.expect_rule in (
            "nik_registered_elsewhere",
            "nik_kecamatan_unknown",
            "data_unknown_fields",
        )
        topic = FEED.clean_topic if example.expect_rule is None or warning else FEED.quarantine_topic
        expected[event["id"]] = (topic, [example.expect_rule] if example.expect_rule else [])
        messages.append((_desa_key(event), orjson.dumps(event)))
    synth = generate(FEED.name, month="2025-06", count=1500, seed=5, bad_rate=0.1, dup_rate=0.02)
    for event, label in zip(synth.events, synth.labels, strict=True):
        event = {**event, "id": f"{run}-{event['id']}"}
        topic = FEED.quarantine_topic if label.startswith("bad:") else FEED.clean_topic
        if label != "duplicate":
            expected[event["id"]] = (topic, [])  # the synthetic faults' rules are checked in tests/unit
        messages.append((_desa_key(event), orjson.dumps(event)))
    return messages, expected


def poison(run: str) -> list[tuple[bytes | None, bytes]]:
    not_an_object = {"id": f"{run}-poison", "source": "x", "type": FEED.event_type, "data": "berat 10,4"}
    return [
        (None, f"bukan JSON {run} \udcff".encode(errors="surrogateescape")),
        (None, orjson.dumps([run, 1, 2])),
        (b"5301042003", orjson.dumps(not_an_object)),
    ]


def _desa_key(event: dict[str, Any]) -> bytes | None:
    data = event.get("data")
    desa = data.get("desa_code") if isinstance(data, dict) else None
    return desa.encode() if isinstance(desa, str) else None


def ours(run: str, output: Output) -> bool:
    event = output[2]["event"]
    return run in (event if isinstance(event, str) else orjson.dumps(event).decode())


def test_every_published_message_comes_out_once_with_its_reasons(
    quality_bootstrap: str,
    contract_validator: ContractValidator,
    outputs: OutputReader,
    store: Client,
    tmp_path: Path,
) -> None:
    run = uuid.uuid4().hex[:10]
    messages, expected = published_batch(run)
    messages += poison(run)
    settings = Settings(kafka=KafkaSettings(bootstrap=quality_bootstrap), var_dir=tmp_path)
    app = make_faust_app(settings, f"quality-test-{run}", datadir=tmp_path / "faust")
    register(
        app,
        feeds=[FEED.name],
        validator_for=lambda _: contract_validator,
        store_writer=Writer(store),
        batch_size=500,
        batch_seconds=0.2,
    )
    with running(app), BulkProducer(quality_bootstrap) as producer:
        producer.publish_batch([(FEED.raw_topic, key, value) for key, value in messages])
        read = outputs.collect(lambda got: sum(ours(run, o) for o in got) >= len(messages))
        read += outputs.collect(lambda _: True)  # one more look: anything extra would show up now
    mine = [o for o in read if ours(run, o)]

    # Conservation: as many out as in; each event id as often as it was published.
    assert len(mine) == len(messages)
    published_ids = Counter(orjson.loads(v).get("id") for _, v in messages if v.startswith(b"{"))
    out_ids = Counter(o[2]["event"].get("id") for o in mine if isinstance(o[2]["event"], dict))
    assert out_ids == published_ids

    by_id = {_event_id(o): o for o in mine}
    for event_id, (topic, rules) in expected.items():
        got_topic, key, message = by_id[event_id]
        assert got_topic == topic, event_id
        if rules:
            assert [r["rule"] for r in message["reasons"]] == rules, event_id
        assert message["contract"] == "child_measurement/v1"
        if topic == FEED.clean_topic:
            nik = message["event"]["data"]["child_nik"]
            assert key == (nik.encode() if nik else f"rec:{message['event']['data']['record_id']}".encode())

    poisoned = [o for o in mine if _event_id(o) == f"{run}-poison" or _event_id(o).startswith("kafka:")]
    assert {o[0] for o in poisoned} == {FEED.quarantine_topic}
    assert sorted(r["rule"] for o in poisoned for r in o[2]["reasons"]) == [
        "envelope_invalid",
        "envelope_invalid",
        "not_json",
    ]
    not_json = next(o for o in poisoned if isinstance(o[2]["event"], str))
    assert not_json[2]["event"] == f"bukan JSON {run} \ufffd"
    assert not_json[1].startswith(f"kafka:{FEED.raw_topic}/".encode())

    # The store, after the app stopped (a stopping agent finishes its batch): one outcome row per event.
    counts = dict(
        store.query(
            "SELECT outcome, count() FROM satudata.record_outcome FINAL "
            "WHERE feed = {feed:String} "
            "AND (startsWith(event_id, {run:String}) OR has({poison:Array(String)}, event_id)) "
            "GROUP BY outcome",
            parameters={"feed": FEED.name, "run": run, "poison": _poison_ids(poisoned)},
        ).result_rows
    )
    quarantined_ids = {_event_id(o) for o in mine if o[0] == FEED.quarantine_topic}
    clean_ids = {_event_id(o) for o in mine if o[0] == FEED.clean_topic}
    assert counts == {"clean": len(clean_ids), "quarantined": len(quarantined_ids)}
    assert not clean_ids & quarantined_ids  # no record in both places
    stored = store.query(
        "SELECT event_id, rules FROM satudata.quarantine FINAL WHERE has({ids:Array(String)}, event_id)",
        parameters={"ids": sorted(quarantined_ids)},
    ).result_rows
    assert {row[0] for row in stored} == quarantined_ids
    assert all(row[1] for row in stored)


def _event_id(output: Output) -> str:
    event = output[2]["event"]
    if isinstance(event, dict) and isinstance(event.get("id"), str):
        return event["id"]
    return output[1].decode()  # the message's key: kafka:<topic>/<partition>/<offset>


def _poison_ids(poisoned: list[Output]) -> list[str]:
    return [_event_id(o) for o in poisoned]


def test_a_restarted_agent_goes_on_where_it_stopped(
    quality_bootstrap: str, contract_validator: ContractValidator, outputs: OutputReader, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:10]
    good = read_examples(examples_dir() / "good.ndjson")
    before = [orjson.dumps({**e.event, "id": f"{run}-before-{i}"}) for i, e in enumerate(good * 5)]
    after = [orjson.dumps({**e.event, "id": f"{run}-after-{i}"}) for i, e in enumerate(good * 5)]

    def app() -> Any:
        settings = Settings(kafka=KafkaSettings(bootstrap=quality_bootstrap), var_dir=tmp_path)
        faust_app = make_faust_app(settings, f"quality-restart-{run}", datadir=tmp_path / "faust")
        register(faust_app, feeds=[FEED.name], validator_for=lambda _: contract_validator, batch_seconds=0.2)
        return faust_app

    def count(read: list[Output], prefix: str) -> int:
        return sum(1 for o in read if _event_id(o).startswith(prefix))

    with BulkProducer(quality_bootstrap) as producer:
        with running(app()):
            producer.publish_batch([(FEED.raw_topic, b"5301042003", value) for value in before])
            read = outputs.collect(lambda got: count(got, f"{run}-before-") >= len(before))
        # Same consumer group: the offsets committed when the first app stopped say where to go on.
        with running(app()):
            producer.publish_batch([(FEED.raw_topic, b"5301042003", value) for value in after])
            read += outputs.collect(lambda got: count(got, f"{run}-after-") >= len(after))
            read += outputs.collect(lambda _: True)
    assert count(read, f"{run}-before-") == len(before)
    assert count(read, f"{run}-after-") == len(after)
