"""Every event is a CloudEvent of its feed, with exactly the feed's fields, kinds and vocabularies."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import polars as pl

from satudata import events
from satudata.nik import check_kk_column, check_nik_column
from satudata.regions import master

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
SIXTEEN = re.compile(r"^[0-9]{16}$")
VOCABULARIES = {
    "sex": events.SEXES,
    "measure_position": events.MEASURE_POSITIONS,
    "water_source_class": events.WATER_SOURCE_CLASSES,
    "sanitation_class": events.SANITATION_CLASSES,
    "age_group": events.POPULATION_AGE_GROUPS,
    "programme": events.PROGRAMMES,
}


def _valid(batch):  # type: ignore[no-untyped-def]
    """Valid records, each once (a duplicate is a copy of an earlier event, valid or not)."""
    return [
        e
        for e, label in zip(batch.events, batch.labels, strict=True)
        if not label.startswith("bad:") and label != "duplicate"
    ]


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str) and value.strip() != ""
    if kind == "date":
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    if kind == "float":
        return type(value) is float
    if kind == "int":
        return type(value) is int
    if kind == "bool":
        return type(value) is bool
    if kind in ("nik", "kk"):
        return isinstance(value, str) and SIXTEEN.match(value) is not None
    if kind == "desa":
        return isinstance(value, str) and len(value) == 10 and value.isdigit()
    if kind == "nik_list":
        return isinstance(value, list) and all(isinstance(v, str) and SIXTEEN.match(v) for v in value)
    raise AssertionError(kind)


def test_envelopes(every_feed) -> None:  # type: ignore[no-untyped-def]
    types = {f.event_type: f for f in events.FEEDS.values()}
    for event in every_feed.events:
        assert set(event) >= {"specversion", "id", "source", "type", "time", "datacontenttype", "data"}
        assert event["specversion"] == "1.0"
        assert event["type"] in types
        assert event["datacontenttype"] == "application/json"
        assert isinstance(event["source"], str) and event["source"]
        assert TIME.match(event["time"])
        assert set(event["data"]) == set(types[event["type"]].field_names)
        if "subject" in event:
            assert isinstance(event["subject"], str)
    assert {e["type"] for e in every_feed.events} == set(types)


def test_valid_records_have_the_feed_kinds_and_codes(every_feed) -> None:  # type: ignore[no-untyped-def]
    known_desa = {r.digits for r in master().desa()}
    for event in _valid(every_feed):
        feed = events.feed_for_type(event["type"])
        assert feed is not None
        data = event["data"]
        for field in feed.fields:
            value = data[field.name]
            if value is None:
                assert field.nullable, (feed.name, field.name)
                continue
            assert _kind_ok(field.kind, value), (feed.name, field.name, value)
            if field.name in VOCABULARIES:
                assert value in VOCABULARIES[field.name], (feed.name, field.name, value)
        assert data["desa_code"] in known_desa
        assert event["subject"] == data["desa_code"]
        if feed.name == "program_activity":
            assert data["activity_type"] in events.ACTIVITY_TYPES[data["programme"]]


def test_event_time_is_after_the_date(every_feed) -> None:  # type: ignore[no-untyped-def]
    for event in _valid(every_feed):
        feed = events.feed_for_type(event["type"])
        assert feed is not None
        value = event["data"][feed.date_field]
        sent = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
        if isinstance(value, str):
            # Local (WITA, UTC+8) dates: the event is sent from 08:00 local on that day.
            assert sent.date() >= date.fromisoformat(value)


def _nik_frame(batch, feed_name: str, nik: str, sex: str | None) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    rows = [e["data"] for e in _valid(batch) if e["type"] == events.feed(feed_name).event_type]
    frame = pl.DataFrame(
        {
            "nik": [r[nik] for r in rows],
            "birth_date": [date.fromisoformat(r["birth_date"]) for r in rows],
            "sex": [r[sex] if sex else "P" for r in rows],
            "desa": [r["desa_code"] for r in rows],
        },
        schema={"nik": pl.String, "birth_date": pl.Date, "sex": pl.String, "desa": pl.String},
    )
    return frame.filter(pl.col("nik").is_not_null())


def test_niks_agree_with_birth_date_sex_and_region(every_feed, children) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (every_feed, "child_measurement", "child_nik", "sex"),
        (children, "child_measurement", "child_nik", "sex"),
        (every_feed, "pregnancy_check", "mother_nik", None),  # mothers are women: the NIK says so too
        (every_feed, "bride_screening", "nik", "sex"),
    ]
    for batch, feed_name, nik, sex in cases:
        frame = _nik_frame(batch, feed_name, nik, sex)
        assert frame.height > 100
        issues = check_nik_column(frame["nik"], birth_dates=frame["birth_date"], sexes=frame["sex"])
        assert not issues.select(pl.any_horizontal(pl.all())).to_series().any(), feed_name
        # One record per person, bar corrections (which repeat the superseded record's NIK).
        corrections = sum(
            label == "correction" and e["type"] == events.feed(feed_name).event_type
            for e, label in zip(batch.events, batch.labels, strict=True)
        )
        assert frame["nik"].n_unique() >= frame.height - corrections
    children_frame = _nik_frame(children, "child_measurement", "child_nik", "sex")
    # A child's NIK was issued in the kecamatan the child lives in.
    assert (children_frame["nik"].str.slice(0, 6) == children_frame["desa"].str.slice(0, 6)).all()


def test_kk_numbers_are_sound(every_feed) -> None:  # type: ignore[no-untyped-def]
    rows = [e["data"] for e in _valid(every_feed) if e["data"].get("kk_number")]
    kks = pl.Series([r["kk_number"] for r in rows])
    assert not check_kk_column(kks).select(pl.any_horizontal(pl.all())).to_series().any()
    assert all(r["kk_number"][:6] == r["desa_code"][:6] for r in rows)
    for r in rows:
        issued = date(2000 + int(r["kk_number"][10:12]), int(r["kk_number"][8:10]), int(r["kk_number"][6:8]))
        assert date(2010, 1, 1) <= issued < date(2026, 10, 1)


def test_family_niks_join_the_child_measurements(every_feed) -> None:  # type: ignore[no-untyped-def]
    children = {e["data"]["child_nik"] for e in _valid(every_feed) if e["type"].endswith("child_measurement.v1")}
    listed = {
        nik
        for e in _valid(every_feed)
        if e["type"].endswith(("family_risk.v1", "household_welfare.v1"))
        for nik in e["data"]["child_niks"]
    }
    # One population behind every feed: children measured by Posyandu appear in BKKBN and P3KE lists too.
    assert len(children & listed) > 50
