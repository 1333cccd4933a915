"""Each envelope rule, passing and failing, as plain functions."""

from __future__ import annotations

from typing import Any

import pytest

from satudata.events import FEEDS, make_event
from services.ingest import envelope
from services.ingest.envelope import check_envelope, event_id_of, is_desa_code, is_rfc3339


def valid_event(**overrides: Any) -> dict[str, Any]:
    event = make_event(
        "child_measurement",
        {"record_id": "r-1", "desa_code": "5301042003", "child_nik": None},
        source="posyandu/5301042003-01",
        event_id="ev-1",
    )
    event.update(overrides)
    return event


def test_a_valid_event_passes_every_rule() -> None:
    assert check_envelope(valid_event()) == []


@pytest.mark.parametrize("feed_name", list(FEEDS))
def test_every_registered_feed_type_is_known(feed_name: str) -> None:
    assert envelope.check_type({"type": FEEDS[feed_name].event_type}) is None


# (rule, attribute, good values, bad values); None in "bad" means the attribute is missing.
CASES: list[tuple[envelope.Rule, str, list[Any], list[Any]]] = [
    (envelope.check_specversion, "specversion", ["1.0"], [None, "0.3", "1", 1.0, ""]),
    (envelope.check_id, "id", ["a", "0", "ev-1"], [None, "", "   ", 7, ["a"]]),
    (envelope.check_source, "source", ["posyandu/1", "x"], [None, "", " ", 3, {}]),
    (
        envelope.check_type,
        "type",
        ["id.ntt.satudata.child_measurement.v1"],
        [None, "", "id.ntt.satudata.child_measurement.v9", "id.ntt.satudata.unknown.v1", 1],
    ),
    (
        envelope.check_time,
        "time",
        ["2025-03-01T08:30:00Z", "2025-03-01T08:30:00.123+08:00", "2025-03-01t08:30:00z"],
        [
            None,
            "2025-03-01",
            "2025-03-01T08:30:00",  # no offset: the instant is ambiguous
            "2025-03-01 08:30:00Z",
            "2025-02-30T08:30:00Z",
            "2025-03-01T25:00:00Z",
            "01/03/2025 08:30",
            "२०२५-03-01T08:30:00Z",  # non-ASCII digits
            1740817800,
        ],
    ),
    (envelope.check_data, "data", [{}, {"a": 1}], [None, [], "x", 1, True]),
]


@pytest.mark.parametrize(("rule", "name", "good", "bad"), CASES, ids=[c[1] for c in CASES])
def test_required_attribute_rules(rule: envelope.Rule, name: str, good: list[Any], bad: list[Any]) -> None:
    for value in good:
        assert rule(valid_event(**{name: value})) is None, value
        assert check_envelope(valid_event(**{name: value})) == []
    for value in bad:
        event = valid_event()
        if value is None:
            del event[name]
        else:
            event[name] = value
        violation = rule(event)
        assert violation is not None, value
        assert violation.pointer == f"/{name}"
        assert [v.pointer for v in check_envelope(event)] == [f"/{name}"]


def test_subject_is_optional_but_a_desa_code_when_present() -> None:
    absent = valid_event()
    del absent["subject"]
    assert envelope.check_subject(absent) is None
    # null counts as absent in the CloudEvents JSON format
    assert envelope.check_subject(valid_event(subject=None)) is None
    assert envelope.check_subject(valid_event(subject="5301042003")) is None
    for bad in ["530104200", "53010420031", "53.01.04.2003", "", 5301042003, "530104200x"]:
        violation = envelope.check_subject(valid_event(subject=bad))
        assert violation is not None and violation.pointer == "/subject", bad


def test_datacontenttype_is_optional_but_json_when_present() -> None:
    absent = valid_event()
    del absent["datacontenttype"]
    assert envelope.check_datacontenttype(absent) is None
    for good in ["application/json", "Application/JSON", "application/json; charset=utf-8"]:
        assert envelope.check_datacontenttype(valid_event(datacontenttype=good)) is None, good
    for bad in ["text/csv", "application/xml", "", 1]:
        violation = envelope.check_datacontenttype(valid_event(datacontenttype=bad))
        assert violation is not None and violation.pointer == "/datacontenttype", bad


def test_every_failed_rule_is_reported_at_once() -> None:
    event = {"specversion": "0.3", "type": "nope", "time": "soon"}
    assert [v.pointer for v in check_envelope(event)] == [
        "/specversion",
        "/id",
        "/source",
        "/type",
        "/time",
        "/data",
    ]


@pytest.mark.parametrize("item", [[], "event", 1, None, True])
def test_an_item_that_is_not_an_object_is_refused(item: Any) -> None:
    [violation] = check_envelope(item)
    assert violation.pointer == ""


def test_the_data_content_is_not_judged() -> None:
    # A bad desa code or NIK inside data is the quality service's business: it must reach the raw topic.
    assert check_envelope(valid_event(data={"desa_code": "nonsense", "child_nik": "123"})) == []


def test_violation_detail_is_bilingual() -> None:
    detail = envelope.check_id({})
    assert detail is not None
    assert detail.to_dict() == {
        "pointer": "/id",
        "detail": "harus teks yang tidak kosong / must be a non-empty string",
    }


def test_helpers() -> None:
    assert is_rfc3339("2025-01-01T00:00:00.123456789Z")
    assert not is_rfc3339("2025-01-01T00:00:00+24:00")
    assert is_desa_code("5301042003") and not is_desa_code(5301042003)
    assert event_id_of({"id": "x"}) == "x"
    assert event_id_of({"id": ""}) is None
    assert event_id_of(["x"]) is None
