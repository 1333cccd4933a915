"""child_measurement for the indicators service: from clean-topic bytes to counting records and ClickHouse rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import polars as pl

from satudata import growth
from satudata.nik import pseudonymise
from services.indicators import child_measurement as batch
from services.indicators.counting import State, Sums, apply
from services.indicators.feeds import SUM_COLUMNS, sum_rows
from tests.unit.indicators.builders import DESA, NIK, SECRET, clean_message, messages

NOW = datetime(2025, 3, 11, 0, 0, tzinfo=UTC)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def enriched(*values: bytes) -> pl.DataFrame:
    return batch.enrich(batch.decode(messages(*values)), SECRET)


def test_unreadable_or_incomplete_messages_are_left_out_and_the_rest_kept() -> None:
    good = clean_message("e1")
    no_desa = clean_message("e2", desa=None)  # type: ignore[arg-type]
    bad_date = clean_message("e3", measure_date="10/03/2025")
    frame = batch.decode(messages(good, b"{not json", b'{"event": {"id": "x"}}', no_desa, bad_date, b"null"))
    assert frame["event_id"].to_list() == ["e1"]
    assert frame["offset"].to_list() == [0]


def test_one_bad_message_does_not_spoil_the_batch_decode() -> None:
    frame = batch.decode(messages(clean_message("e1"), b"\xff", clean_message("e2")))
    assert frame["event_id"].to_list() == ["e1", "e2"]
    assert frame["offset"].to_list() == [0, 2]


def test_the_nik_is_replaced_by_its_hmac_and_appears_nowhere() -> None:
    frame = enriched(clean_message("e1"), clean_message("e2", nik=None, record_id="R-9"))
    assert frame["subject_hash"].to_list() == [pseudonymise(NIK, SECRET), pseudonymise("rec:R-9", SECRET)]
    assert "child_nik" not in frame.columns
    for column in frame.select(pl.col(pl.String)).columns:
        assert not frame[column].str.contains(NIK).any(), column


def test_period_region_codes_and_age() -> None:
    frame = enriched(clean_message("e1", birth_date="2023-01-15", measure_date="2025-03-31"))
    row = frame.row(0, named=True)
    assert row["period"] == date(2025, 3, 1)
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


def test_a_short_child_counts_as_stunted() -> None:
    # A boy of 26 months at 80 cm is far below the WHO median (about 88 cm): zlen well under -2.
    frame = enriched(clean_message("e1", height_cm=80.0))
    assert frame["zlen"][0] < -2
    assert frame["stunting_prevalence_num"][0] == 1
    assert frame["stunting_prevalence_den"][0] == 1


def test_records_carry_rank_partition_offset_and_nonzero_contributions() -> None:
    frame = enriched(clean_message("e1", time="2025-03-10T10:00:00.5+08:00"))
    [record] = batch.records(frame)
    assert record.subject == pseudonymise(NIK, SECRET)
    assert record.period == "2025-03-01"
    assert record.rank == (
        "2025-03-10",
        # 10:00:00.5 in WITA (+08:00) is 02:00:00.5 UTC
        (datetime(2025, 3, 10, 2, 0, 0, 500_000, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1),
        "e1",
    )
    assert (record.partition, record.offset, record.row) == (0, 0, 0)
    assert all(n or d for n, d in record.contributions.values())
    assert set(record.contributions) <= set(batch.CODES)


def test_fact_rows_are_the_winners_with_the_fact_tables_columns() -> None:
    frame = enriched(
        clean_message("e1", measure_date="2025-03-05", oedema=True),
        clean_message("e2", measure_date="2025-03-20", oedema=True),
    )
    changes = apply(State({}, {}), batch.records(frame))
    facts = batch.fact_rows(frame, changes.winners, NOW)
    assert facts.columns == list(batch.FACT_COLUMNS)
    row = facts.row(0, named=True)
    assert (row["event_id"], row["version"], row["oedema"], row["sex"]) == ("e2", 1, 1, "L")
    assert row["ingested_at"] == NOW
    assert facts["fwei"].dtype == pl.UInt8


def test_sum_rows_have_the_indicator_value_columns() -> None:
    rows = sum_rows({(2, "stunting_prevalence", DESA, "2025-03-01"): Sums(3, 7, 42)}, NOW)
    assert rows.columns == list(SUM_COLUMNS)
    assert rows.row(0) == ("stunting_prevalence", date(2025, 3, 1), DESA, "530104", "5301", 2, 3, 7, 42, NOW)


def test_an_empty_batch_is_an_empty_frame() -> None:
    frame = batch.enrich(batch.decode([]), SECRET)
    assert frame.height == 0
    assert batch.records(frame) == []


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
    # The odd record has no usable measurement, so it is in no denominator.
    assert all(d == 0 for code in batch.CODES for d in frame[f"{code}_den"].to_list()[1:])
    changes = apply(State({}, {}), batch.records(frame))
    facts = batch.fact_rows(frame, changes.winners, NOW)
    nullable = {"muac_cm", "clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "flen", "fwei", "fwfl", "fbmi", "fac"}
    for column in set(batch.FACT_COLUMNS) - nullable:
        assert facts[column].null_count() == 0, column
