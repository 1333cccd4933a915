"""The preparer on its own: typed columns, JSON types and derived columns, for any feed and any junk."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest

from satudata.events import FEEDS, feed
from services.quality.prepare import json_type, prepare

TODAY = date(2025, 6, 30)
CM = feed("child_measurement")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("x", "string"),
        (True, "boolean"),
        (3, "integer"),
        (2**64 - 1, "number"),
        (3.5, "number"),
        (["a"], "array"),
        ([1], "array_of_other"),
        ({}, "object"),
    ],
)
def test_json_types(value: Any, expected: str | None) -> None:
    assert json_type(value) == expected


def test_wrong_types_become_null_beside_their_json_type() -> None:
    frame = prepare(CM, [{"weight_kg": "10,4"}, {"weight_kg": 10}, {"weight_kg": 9.5}, {}], today=TODAY)
    assert frame["weight_kg"].to_list() == [None, 10.0, 9.5, None]
    assert frame["_weight_kg_json_type"].to_list() == ["string", "integer", "number", None]


def test_dates_and_age_are_null_where_they_cannot_be_judged() -> None:
    rows = [
        {"birth_date": "2023-05-14", "measure_date": "2025-03-10"},
        {"birth_date": "2023-02-30", "measure_date": "2025-03-10"},
        {"birth_date": "2023-5-14", "measure_date": "2025-07-01"},
        {"birth_date": 20230514},
    ]
    frame = prepare(CM, rows, today=TODAY)
    assert frame["_birth_date_is_date"].to_list() == [True, False, False, None]
    assert frame["_measure_date_days_in_future"].to_list() == [-112, -112, 1, None]
    assert frame["_age_days"].to_list() == [666, None, None, None]


def test_unknown_fields_are_counted() -> None:
    frame = prepare(CM, [{"sex": "L"}, {"sex": "L", "catatan": "x", "foto": None}], today=TODAY)
    assert frame["_unknown_field_count"].to_list() == [0, 2]


@pytest.mark.parametrize("name", sorted(FEEDS))
def test_every_feed_prepares_any_junk(name: str) -> None:
    f = FEEDS[name]
    junk: list[Any] = [None, "x", 1, 1.5, True, [], ["5301041405230017"], [1, "a"], {"a": 1}, 2**64 - 1]
    rows = [{field.name: junk[(i + j) % len(junk)] for j, field in enumerate(f.fields)} for i in range(len(junk))]
    frame = prepare(f, [*rows, {}], today=TODAY)
    assert frame.height == len(rows) + 1
    for field in f.fields:
        assert f"_{field.name}_json_type" in frame.columns
    # Only day counts and flags are derived: no timestamp column ever reaches GX.
    assert not any(isinstance(dtype, pl.Datetime | pl.Date) for dtype in frame.dtypes)
