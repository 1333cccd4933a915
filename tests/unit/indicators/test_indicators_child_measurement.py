"""child_measurement through the generic feed path: clean-topic bytes → decoded frame → enriched frame →
counting records, facts and indicator_value rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import orjson
import polars as pl

from satudata import events, growth
from satudata.indicators import FEED_VALUES, Methodology, child_measurement_contributions, contributions
from satudata.nik import pseudonymise
from services.indicators import feeds
from services.indicators.agent import records
from services.indicators.counting import Row, State, Sums, apply
from services.indicators.decode import decode
from services.indicators.feeds import SUM_COLUMNS, sum_rows
from tests.unit.indicators.builders import ANTHRO, DESA, NIK, SECRET, clean_message, messages

NOW = datetime(2025, 3, 11, 0, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
FEED = "child_measurement"
CHILD = events.feed(FEED)


VERSION = 7  # the write time a batch is counted with (agent: µs); every sum it moves carries it


def decoded(*values: bytes) -> pl.DataFrame:
    return decode(CHILD, messages(*values))


def enriched(*values: bytes) -> pl.DataFrame:
    return feeds.enrich(FEED, decoded(*values), SECRET)


def contribute(rows: Sequence[Row]) -> pl.DataFrame:
    return contributions(FEED, feeds.rows_frame(FEED, rows), Methodology())


def test_unreadable_or_incomplete_messages_are_left_out_and_the_rest_kept() -> None:
    good = clean_message("e1")
    no_desa = clean_message("e2", desa=None)  # type: ignore[arg-type]
    bad_date = clean_message("e3", measure_date="10/03/2025")
    frame = decoded(good, b"{not json", b'{"event": {"id": "x"}}', no_desa, bad_date, b"null")
    assert frame["event_id"].to_list() == ["e1"]
    assert frame["offset"].to_list() == [0]


def test_one_bad_message_does_not_spoil_the_batch_decode() -> None:
    frame = decoded(clean_message("e1"), b"\xff", clean_message("e2"))
    assert frame["event_id"].to_list() == ["e1", "e2"]
    assert frame["offset"].to_list() == [0, 2]


def test_the_nik_is_replaced_by_its_hmac_and_appears_nowhere() -> None:
    frame = enriched(clean_message("e1"), clean_message("e2", nik=None, record_id="R-9"))
    assert frame["subject_hash"].to_list() == [pseudonymise(NIK, SECRET), pseudonymise("rec:R-9", SECRET)]
    assert "child_nik" not in frame.columns
    for column in frame.select(pl.col(pl.String)).columns:
        assert not frame[column].str.contains(NIK).any(), column
    changes = apply(State({}, {}), records(FEED, frame), contribute, VERSION)
    _, facts = feeds.fact_rows(FEED, frame, [r.row for r in changes.winners], NOW)
    assert NIK not in str(facts.to_dicts())
    assert all(NIK not in r.subject for r in changes.winners)


def test_period_region_codes_and_age() -> None:
    frame = enriched(clean_message("e1", birth_date="2023-01-15", measure_date="2025-03-31"))
    row = frame.row(0, named=True)
    assert row["period"] == date(2025, 3, 1)
    assert row["record_date"] == date(2025, 3, 31)
    assert (row["desa_code"], row["kecamatan_code"], row["kabupaten_code"]) == (DESA, "530104", "5301")
    assert row["age_days"] == (date(2025, 3, 31) - date(2023, 1, 15)).days


def test_z_scores_are_growths_for_the_agencys_codes() -> None:
    # L/P and lying/standing are the feed's codes; growth wants 1/2 and l/h.
    frame = enriched(
        clean_message("e1", sex="L", position="standing", height_cm=80.0, weight_kg=9.0),
        clean_message("e2", sex="P", position="lying", height_cm=80.0, weight_kg=9.0),
    )
    expected = growth.zscores(
        pl.DataFrame(
            {
                "sex": [1, 2],
                "age_days": frame["age_days"],
                "weight_kg": [9.0, 9.0],
                "lenhei_cm": [80.0, 80.0],
                "measure": ["h", "l"],
                "oedema": [False, False],
                "muac_cm": [14.5, 14.5],
            }
        )
    )
    for column in ("clenhei", "zlen", "zwei", "zwfl", "zac", "flen"):
        assert frame[column].to_list() == expected[column].to_list(), column
    # A child over two measured standing keeps the height; the girl, measured lying, loses 0.7 cm.
    assert frame["clenhei"].to_list() == [80.0, 79.3]


def test_a_short_child_counts_as_stunted_and_as_measured() -> None:
    # A boy of 26 months at 80 cm is far below the WHO median (about 88 cm): zlen well under -2.
    frame = enriched(clean_message("e1", height_cm=80.0))
    assert frame["zlen"][0] < -2
    changes = apply(State({}, {}), records(FEED, frame), contribute, VERSION)
    key = (0, "stunting_prevalence", DESA, "2025-03-01")
    assert changes.sums[key] == Sums(1, 1, VERSION)
    # D of D/S: one child under five measured, the denominator S comes from the population feed
    assert changes.sums[(0, "weighing_coverage", DESA, "2025-03-01")] == Sums(1, 0, VERSION)


def test_records_carry_rank_partition_offset_and_the_rules_values() -> None:
    frame = enriched(clean_message("e1", time="2025-03-10T10:00:00.5+08:00", weight_kg=10.0))
    [record] = records(FEED, frame)
    assert record.subject == pseudonymise(NIK, SECRET)
    assert record.period == "2025-03-01"
    assert record.desa == DESA
    assert record.rank == (
        "2025-03-10",
        # 10:00:00.5 in WITA (+08:00) is 02:00:00.5 UTC
        (datetime(2025, 3, 10, 2, 0, 0, 500_000, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1),
        "e1",
    )
    assert (record.partition, record.offset, record.row) == (0, 0, 0)
    assert tuple(record.values) == FEED_VALUES[FEED]
    assert record.values["weight_kg"] == 10.0
    assert record.values["oedema"] is False
    assert record.values["age_days"] == (date(2025, 3, 10) - date(2023, 1, 15)).days


def test_fact_rows_are_the_winners_with_the_fact_tables_columns() -> None:
    frame = enriched(
        clean_message("e1", measure_date="2025-03-05", oedema=True),
        clean_message("e2", measure_date="2025-03-20", oedema=True),
    )
    changes = apply(State({}, {}), records(FEED, frame), contribute, VERSION)
    table, facts = feeds.fact_rows(FEED, frame, [r.row for r in changes.winners], NOW)
    assert table == "fact_child_measurement"
    assert facts.columns == list(feeds.CHILD_FACT_COLUMNS)
    [row] = facts.to_dicts()
    assert (row["event_id"], row["version"], row["oedema"], row["sex"]) == ("e2", 1, 1, "L")
    assert row["ingested_at"] == NOW
    assert facts["fwei"].dtype == pl.UInt8


def test_sum_rows_have_the_indicator_value_columns() -> None:
    rows = sum_rows(FEED, {(2, "stunting_prevalence", DESA, "2025-03-01"): Sums(3, 7, 42)}, NOW)
    assert rows.columns == list(SUM_COLUMNS)
    assert rows.row(0) == ("stunting_prevalence", date(2025, 3, 1), DESA, "530104", "5301", FEED, 2, 3, 7, 42, NOW)


def test_an_empty_batch_is_an_empty_frame() -> None:
    frame = feeds.enrich(FEED, decode(CHILD, []), SECRET)
    assert frame.height == 0
    assert records(FEED, frame) == []
    assert apply(State({}, {}), records(FEED, frame), contribute, VERSION).sums == {}


def test_odd_values_never_break_the_batch_nor_reach_a_non_nullable_column_as_null() -> None:
    odd = orjson.loads(clean_message("e2", nik=None, record_id="R-2"))
    odd["event"]["data"].update(
        weight_kg="berat", height_cm=None, sex="X", measure_position=None, oedema="ya", desa_code=5301042003
    )
    odd["event"]["source"] = None
    del odd["event"]["time"]
    not_an_object = orjson.loads(clean_message("e3"))
    not_an_object["event"]["data"] = ["a", "list"]
    frame = enriched(clean_message("e1"), orjson.dumps(odd), orjson.dumps(not_an_object))
    assert frame["event_id"].to_list() == ["e1", "e2"]
    # The odd record has no usable measurement, so it is in no anthropometric denominator.
    odd_row = child_measurement_contributions(frame[1:])
    assert all(odd_row[f"{code}_den"].to_list() == [0] for code in ANTHRO)
    changes = apply(State({}, {}), records(FEED, frame), contribute, VERSION)
    _, facts = feeds.fact_rows(FEED, frame, [r.row for r in changes.winners], NOW)
    assert facts.height == 2
    nullable = {"muac_cm", "clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "flen", "fwei", "fwfl", "fbmi", "fac"}
    for column in set(feeds.CHILD_FACT_COLUMNS) - nullable:
        assert facts[column].null_count() == 0, column
