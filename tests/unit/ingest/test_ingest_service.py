"""The ingest use case with an in-memory publisher (our own port); Kafka itself is in tests/integration."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from satudata.access import Role, generate
from satudata.events import FEEDS, make_event
from satudata.problems import ProblemError
from services.ingest.body import Body
from services.ingest.service import ingest, kafka_key, triage

RAW = FEEDS["child_measurement"].raw_topic
ADMIN = generate(Role.ADMIN, "test admin")[1]


def event(event_id: str, desa: str | None = "5301042003", **overrides: Any) -> dict[str, Any]:
    ev = make_event(
        "child_measurement",
        {"record_id": event_id, "desa_code": desa},
        source="posyandu/x",
        event_id=event_id,
    )
    ev.update(overrides)
    return ev


def test_triage_refuses_the_later_duplicate_only() -> None:
    result = triage([event("a"), event("b"), event("a"), event("c")])
    assert [e["id"] for e in result.accepted] == ["a", "b", "c"]
    [refused] = result.refused
    assert (refused.index, refused.id, refused.problem.slug) == (2, "a", "duplicate-id")
    assert refused.problem.to_dict()["first_index"] == 0


def test_an_invalid_earlier_item_does_not_block_a_valid_one_with_its_id() -> None:
    result = triage([event("a", type="unknown"), event("a")])
    assert [e["id"] for e in result.accepted] == ["a"]
    assert [(r.index, r.problem.slug) for r in result.refused] == [(0, "invalid-envelope")]


def test_kafka_key_is_the_subject_else_the_data_desa_code() -> None:
    assert kafka_key(event("a")) == b"5301042003"
    no_subject = event("a")
    del no_subject["subject"]
    assert kafka_key(no_subject) == b"5301042003"
    assert kafka_key(event("a", desa=None)) is None
    assert kafka_key(event("a", desa="junk", subject=None)) is None


def test_ingest_publishes_compact_json_to_the_raw_topic(publisher) -> None:
    sent = event("a")
    receipt = ingest(Body([sent], single=True), publisher, ADMIN)
    assert receipt.to_dict() == {"accepted": ["a"], "refused": []}
    [(topic, key, value)] = publisher.published
    assert (topic, key) == (RAW, b"5301042003")
    assert value == orjson.dumps(sent) and orjson.loads(value) == sent


def test_a_mixed_batch_publishes_the_accepted_and_reports_the_refused(publisher) -> None:
    receipt = ingest(Body([event("a"), {"id": "b"}, "junk", event("c")], single=False), publisher, ADMIN)
    answer = receipt.to_dict()
    assert answer["accepted"] == ["a", "c"]
    assert [(r["index"], r["id"]) for r in answer["refused"]] == [(1, "b"), (2, None)]
    assert all(r["problem"]["status"] == 422 for r in answer["refused"])
    assert [orjson.loads(v)["id"] for _, _, v in publisher.published] == ["a", "c"]


def test_a_single_invalid_event_is_422_with_its_own_problem_and_publishes_nothing(publisher) -> None:
    with pytest.raises(ProblemError) as caught:
        ingest(Body([event("a", type="nope")], single=True), publisher, ADMIN)
    problem = caught.value.problem.to_dict()
    assert problem["status"] == 422 and problem["type"].endswith("/invalid-envelope")
    assert problem["errors"] == [{"pointer": "/type", "detail": "jenis kejadian tidak dikenal / unknown event type"}]
    assert publisher.published == []


def test_a_batch_with_no_valid_item_is_422_listing_every_refusal(publisher) -> None:
    with pytest.raises(ProblemError) as caught:
        ingest(Body([event("a", time="yesterday"), 3], single=False), publisher, ADMIN)
    problem = caught.value.problem.to_dict()
    assert problem["status"] == 422
    assert [r["index"] for r in problem["refused"]] == [0, 1]
    assert publisher.published == []


def test_a_publisher_failure_is_503_and_claims_nothing(failing_publisher) -> None:
    with pytest.raises(ProblemError) as caught:
        ingest(Body([event("a")], single=True), failing_publisher, ADMIN)
    assert caught.value.problem.status == 503
