"""The GX re-check of the compiled evaluator, on the real broker, chDB, Faust and GX: with one compiled rule
deliberately broken (it never fails a row), a re-checked batch is routed as GX judges it, and an
evaluator_mismatch alert (a row and an event, naming feed, rule and counts, never a NIK) is raised."""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from clickhouse_connect.driver import Client

from satudata import events
from satudata.kafka import BulkProducer
from satudata.settings import KafkaSettings, Settings
from satudata.store import Writer
from services.bootstrap import make_faust_app
from services.quality.agent import register
from services.quality.compiled import CompiledValidator, compiler
from services.quality.compiled.rule import CompiledRule, Spec
from services.quality.examples import read_examples
from services.quality.suite import contract_path, contracts_dir, read_contract
from tests.integration.faust_runner import running
from tests.integration.quality.test_stateful_gateway import Reader, wait_for_rows
from tests.unit.quality.support import examples_dir

pytestmark = pytest.mark.integration

CHILD = events.feed("child_measurement")
BROKEN = "sex_unknown"


def test_a_compiled_rule_that_disagrees_with_gx_raises_an_alert_and_gx_decides(
    quality_bootstrap: str, store: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_set = compiler.FAMILIES["expect_column_values_to_be_in_set"]

    def broken_in_set(spec: Spec) -> CompiledRule:
        rule = in_set(spec)
        return dataclasses.replace(rule, failed=pl.lit(False)) if spec.rule == BROKEN else rule

    monkeypatch.setitem(compiler.FAMILIES, "expect_column_values_to_be_in_set", broken_in_set)
    validator = CompiledValidator(read_contract(CHILD, contract_path(CHILD, contracts_dir())), recheck_every=1)

    run = uuid.uuid4().hex[:10]
    good = [e.event for e in read_examples(examples_dir() / "good.ndjson")]
    wrong_sex = [e.event for e in read_examples(examples_dir() / "bad.ndjson") if e.expect_rule == BROKEN]
    published = [{**event, "id": f"{run}-{i}"} for i, event in enumerate([*good, *wrong_sex])]
    wrong_ids = {f"{run}-{i}" for i in range(len(good), len(published))}

    settings = Settings(kafka=KafkaSettings(bootstrap=quality_bootstrap), var_dir=tmp_path)
    app = make_faust_app(settings, f"quality-mismatch-{run}", datadir=tmp_path / "faust")
    register(
        app,
        feeds=[CHILD.name],
        validator_for=lambda _: validator,
        store_writer=Writer(store),
        batch_size=500,
        batch_seconds=0.2,
    )
    reader = Reader(quality_bootstrap, [CHILD.clean_topic, CHILD.quarantine_topic, events.QUALITY_TOPIC])

    def ours(got: list[Any]) -> list[Any]:
        return [r for r in got if isinstance(r[2].get("event"), dict) and r[2]["event"].get("id", "").startswith(run)]

    def mismatch_alerts(got: list[Any]) -> list[dict[str, Any]]:
        return [r[2] for r in got if r[0] == events.QUALITY_TOPIC and r[2].get("kind") == "evaluator_mismatch"]

    with running(app):
        with BulkProducer(quality_bootstrap) as producer:
            producer.publish_batch([(CHILD.raw_topic, b"5301042003", orjson.dumps(e)) for e in published])
        got = reader.until(lambda got: len(ours(got)) >= len(published) and mismatch_alerts(got))

    # GX's verdict was used: the records the broken rule would have passed are quarantined by that rule.
    routed = {r[2]["event"]["id"]: (r[0], [x["rule"] for x in r[2]["reasons"]]) for r in ours(got)}
    assert {i: routed[i] for i in wrong_ids} == {i: (CHILD.quarantine_topic, [BROKEN]) for i in wrong_ids}
    assert all(routed[i] == (CHILD.clean_topic, []) for i in routed.keys() - wrong_ids)

    (alert,) = [a for a in mismatch_alerts(got) if a["rule"] == BROKEN]
    assert alert["feed"] == CHILD.name and alert["value"] >= len(wrong_ids)
    assert BROKEN in alert["message_id"] and BROKEN in alert["message_en"]
    text = orjson.dumps(alert).decode()
    assert all(e["data"]["child_nik"] not in text for e in published if e["data"].get("child_nik"))

    rows = wait_for_rows(
        store,
        "SELECT kind, feed, rule FROM satudata.alerts FINAL WHERE alert_id = {id:String}",
        {"id": alert["alert_id"]},
        lambda rows: len(rows) == 1,
    )
    assert rows == [("evaluator_mismatch", CHILD.name, BROKEN)]
