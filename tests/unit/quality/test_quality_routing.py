"""Routing a batch of raw messages with the real contract: message format, keys, store rows, poison."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

from satudata.events import Feed
from services.quality.contract import ContractValidator
from services.quality.examples import Example
from services.quality.reasons import Verdict
from services.quality.routing import QUARANTINE_COLUMNS, Incoming, Routed, route
from services.quality.rows import OUTCOME_COLUMNS
from tests.unit.quality.support import FEED

NOW = datetime(2025, 6, 30, 3, 4, 5, 678000, tzinfo=UTC)
MAX = 64 * 1024
SIXTEEN_DIGITS = re.compile(rb"[0-9]{16}")


def incoming(values: Sequence[bytes | None]) -> list[Incoming]:
    return [
        Incoming(value, FEED.raw_topic, partition=1, offset=100 + i, timestamp=1_750_000_000.5)
        for i, value in enumerate(values)
    ]


def run(validator: ContractValidator, values: Sequence[bytes | None]) -> Routed:
    return route(incoming(values), validator, max_event_bytes=MAX, now=NOW)


def good(examples: list[Example], **data: Any) -> dict[str, Any]:
    event = copy.deepcopy(examples[0].event)
    event["data"].update(data)
    return event


def test_clean_message_keeps_the_event_as_sent_and_is_keyed_by_nik(
    validator: ContractValidator, good_examples: list[Example]
) -> None:
    # Spacing and number spelling as an agency might send them: the clean message keeps its bytes.
    raw = orjson.dumps(good(good_examples)).replace(b'"weight_kg":10.4', b'"weight_kg" : 10.40')
    assert b"10.40" in raw
    routed = run(validator, [raw])
    (message,) = routed.messages
    assert message.topic == FEED.clean_topic
    assert message.key == good_examples[0].event["data"]["child_nik"].encode()
    assert message.value.startswith(b'{"event":' + raw + b",")
    body = orjson.loads(message.value)
    assert list(body) == ["event", "reasons", "contract", "validated_at"]
    assert body["reasons"] == []
    assert body["contract"] == "child_measurement/v1"
    assert body["validated_at"] == "2025-06-30T03:04:05.678Z"
    assert (routed.clean, routed.quarantined, routed.quarantine_rows) == (1, 0, [])
    (row,) = routed.outcome_rows
    outcome = dict(zip(OUTCOME_COLUMNS, row, strict=True))
    assert outcome == {
        "feed": "child_measurement",
        "event_id": "ex-good-01",
        "source": "posyandu/5301042003-01",
        "agency": "posyandu",
        "record_id": good_examples[0].event["data"]["record_id"],
        "desa_code": "5301042003",
        "kabupaten_code": "5301",
        "outcome": "clean",
        "errors": [],
        "warnings": [],
        "event_date": date.fromisoformat(good_examples[0].event["data"]["measure_date"]),
        "received_at": datetime.fromtimestamp(1_750_000_000.5, UTC),
        "lateness_days": outcome["lateness_days"],
        "version": int(NOW.timestamp() * 1_000_000),
    }


def test_without_a_nik_the_key_is_the_record_id(validator: ContractValidator, good_examples: list[Example]) -> None:
    routed = run(validator, [orjson.dumps(good(good_examples, child_nik=None, record_id="R-7"))])
    assert routed.messages[0].key == b"rec:R-7"


def test_a_warning_travels_on_the_clean_topic(validator: ContractValidator, good_examples: list[Example]) -> None:
    routed = run(validator, [orjson.dumps(good(good_examples, catatan="rewel"))])
    (message,) = routed.messages
    assert message.topic == FEED.clean_topic
    assert [r["rule"] for r in orjson.loads(message.value)["reasons"]] == ["data_unknown_fields"]
    assert (routed.clean, routed.warned, routed.quarantined) == (1, 1, 0)


def test_quarantine_message_and_row(validator: ContractValidator, good_examples: list[Example]) -> None:
    event = good(good_examples, weight_kg=104, sex="M")
    routed = run(validator, [orjson.dumps(event)])
    (message,) = routed.messages
    assert message.topic == FEED.quarantine_topic
    assert message.key == event["data"]["child_nik"].encode()  # a well-formed NIK still groups the child
    body = orjson.loads(message.value)
    assert body["event"] == event
    assert [(r["rule"], r["severity"]) for r in body["reasons"]] == [
        ("sex_unknown", "error"),
        ("weight_kg_out_of_range", "error"),
    ]
    (row,) = routed.quarantine_rows
    stored = dict(zip(QUARANTINE_COLUMNS, row, strict=True))
    assert stored["event_id"] == event["id"]
    assert (stored["feed"], stored["source"], stored["desa_code"]) == (
        "child_measurement",
        event["source"],
        "5301042003",
    )
    assert stored["record_id"] == event["data"]["record_id"]
    assert stored["rules"] == ["sex_unknown", "weight_kg_out_of_range"]
    assert orjson.loads(stored["reasons"]) == body["reasons"]
    assert orjson.loads(stored["event"]) == event
    assert stored["version"] == int(NOW.timestamp() * 1_000_000)
    outcome = dict(zip(OUTCOME_COLUMNS, routed.outcome_rows[0], strict=True))
    assert (outcome["outcome"], outcome["errors"]) == ("quarantined", ["sex_unknown", "weight_kg_out_of_range"])


def test_poison_is_quarantined_never_raised(validator: ContractValidator, good_examples: list[Example]) -> None:
    not_an_object = good(good_examples)
    not_an_object["data"] = "berat 10,4"
    wrong_type = good(good_examples)
    wrong_type["type"] = "id.ntt.satudata.pregnancy_check.v1"
    no_id = good(good_examples)
    del no_id["id"]
    poison: list[tuple[bytes | None, str]] = [
        (b"\x00\xffnot json at all", "not_json"),
        (b"", "not_json"),
        (None, "not_json"),
        (b'{"id": "x", "data": {', "not_json"),
        (b"[" * 5000 + b"]" * 5000, "not_json"),  # deeper than orjson's recursion limit
        (b'"just a string"', "envelope_invalid"),
        (b"[1, 2, 3]", "envelope_invalid"),
        (orjson.dumps(not_an_object), "envelope_invalid"),
        (orjson.dumps(wrong_type), "envelope_invalid"),
        (orjson.dumps(no_id), "envelope_invalid"),
        (b'{"data": {"x": "' + b"a" * MAX + b'"}}', "message_too_large"),
    ]
    values = [value for value, _ in poison] + [orjson.dumps(good_examples[1].event)]
    routed = run(validator, values)
    assert len(routed.messages) == len(values) == len(routed.outcome_rows)
    assert (routed.clean, routed.quarantined) == (1, len(poison))
    for (value, rule), message, row in zip(poison, routed.messages, routed.quarantine_rows, strict=False):
        body = orjson.loads(message.value)  # always valid JSON, whatever came in
        assert [r["rule"] for r in body["reasons"]] == [rule], value
        assert message.topic == FEED.quarantine_topic
        assert len(message.value) < 16 * 1024
        assert row[0] in (message.key.decode(), "ex-good-01") or row[0].startswith("kafka:")
    first = orjson.loads(routed.messages[0].value)
    assert first["event"] == "\x00\ufffdnot json at all"  # the text, decoded with replacement
    assert routed.quarantine_rows[0][0] == f"kafka:{FEED.raw_topic}/1/100"
    assert routed.messages[0].key == f"kafka:{FEED.raw_topic}/1/100".encode()
    assert "envelope_invalid" in routed.quarantine_rows[7][5]


def test_envelope_reason_names_every_problem(validator: ContractValidator) -> None:
    routed = run(validator, [b'{"type": "x", "data": 1}'])
    (reason,) = orjson.loads(routed.messages[0].value)["reasons"]
    for name in ("id", "source", "type", "data"):
        assert name in reason["message_en"] and name in reason["message_id"]


class FailsOn:
    """A validator that raises on any batch holding a marked item: a bug meeting odd data."""

    def __init__(self, inner: ContractValidator) -> None:
        self.inner = inner
        self.feed: Feed = inner.feed
        self.contract = inner.contract

    def validate(self, events: Sequence[Any]) -> list[Verdict]:
        if any(isinstance(e, dict) and e.get("id") == "boom" for e in events):
            raise ZeroDivisionError
        return self.inner.validate(events)


def test_an_item_the_validator_chokes_on_is_isolated(
    validator: ContractValidator, good_examples: list[Example]
) -> None:
    events = [good(good_examples, record_id=f"R-{i}") for i in range(7)]
    events[4]["id"] = "boom"
    routed = route(incoming([orjson.dumps(e) for e in events]), FailsOn(validator), max_event_bytes=MAX, now=NOW)
    topics = [m.topic for m in routed.messages]
    assert topics == [FEED.clean_topic] * 4 + [FEED.quarantine_topic] + [FEED.clean_topic] * 2
    assert orjson.loads(routed.messages[4].value)["reasons"][0]["rule"] == "validation_failed"


def test_no_nik_leaks_into_anything_but_the_record(validator: ContractValidator, bad_examples: list[Example]) -> None:
    routed = run(validator, [orjson.dumps(e.event) for e in bad_examples])
    for message in routed.messages:
        body = orjson.loads(message.value)
        assert not SIXTEEN_DIGITS.search(orjson.dumps(body["reasons"]))
    for row in routed.quarantine_rows:
        assert not SIXTEEN_DIGITS.search(row[6].encode())
