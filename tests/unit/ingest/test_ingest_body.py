"""Reading a body by its content type."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from satudata.problems import ProblemError
from services.ingest.body import BATCH, JSON, NDJSON, SINGLE, decode, media_type


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(ProblemError) as caught:
        call()
    return caught.value.problem.status


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("application/cloudevents+json", SINGLE),
        ("application/cloudevents+json; charset=utf-8", SINGLE),
        ("Application/CloudEvents-Batch+JSON", BATCH),
        ("application/json;charset=UTF-8", JSON),
        ('application/json; charset="utf-8"', JSON),
        ("application/x-ndjson", NDJSON),
    ],
)
def test_supported_media_types(header: str, kind: str) -> None:
    assert media_type(header) == kind


@pytest.mark.parametrize(
    "header",
    [None, "", "text/plain", "application/xml", "multipart/form-data", "application/json; charset=latin-1"],
)
def test_unsupported_media_types_are_415(header: str | None) -> None:
    assert status_of(lambda: media_type(header)) == 415


def test_single_object() -> None:
    for kind in (SINGLE, JSON):
        body = decode(kind, b'{"id": "a"}')
        assert body.single and body.items == [{"id": "a"}]


def test_array() -> None:
    for kind in (BATCH, JSON):
        body = decode(kind, b'[{"id": "a"}, 3]')
        # A non-object item is refused later, per item, not here.
        assert not body.single and body.items == [{"id": "a"}, 3]


def test_ndjson_skips_blank_lines_and_tolerates_crlf() -> None:
    raw = b'{"id": "a"}\r\n\n  \n{"id": "b"}\n'
    body = decode(NDJSON, raw)
    assert not body.single and body.items == [{"id": "a"}, {"id": "b"}]


@pytest.mark.parametrize("kind", [SINGLE, BATCH, JSON])
@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"\xff\xfe", b"NaN", b'{"a": 1} trailing'])
def test_not_json_is_400(kind: str, raw: bytes) -> None:
    with pytest.raises(ProblemError) as caught:
        decode(kind, raw)
    assert caught.value.problem.status == 400
    assert caught.value.problem.slug == "not-json"


def test_a_broken_ndjson_line_is_400_naming_the_line() -> None:
    with pytest.raises(ProblemError) as caught:
        decode(NDJSON, b'{"id": "a"}\n{"id": \n')
    problem = caught.value.problem.to_dict()
    assert problem["status"] == 400 and problem["line"] == 2


@pytest.mark.parametrize(
    ("kind", "value"),
    [(SINGLE, []), (SINGLE, "x"), (BATCH, {}), (JSON, 1), (JSON, "x"), (BATCH, []), (JSON, [])],
)
def test_json_of_the_wrong_shape_or_empty_is_400(kind: str, value: object) -> None:
    assert status_of(lambda: decode(kind, orjson.dumps(value))) == 400


def test_empty_ndjson_is_400() -> None:
    assert status_of(lambda: decode(NDJSON, b"\n\n")) == 400
