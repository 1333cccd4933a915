"""The calculator behind `satudata anthro`: users' values, errors naming row and column, prevalence."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from satudata.growth.calculator import (
    ALL_GROUP,
    RESULT_COLUMNS,
    AnthroInputError,
    calculate,
    has_decimal_comma,
    prevalence,
    prevalence_counts,
    standard_frame,
)


def text_table(rows: list[dict[str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.Utf8))


COLUMNS = ["Sex", "birth_date", "measure_date", "weight_kg", "lenhei_cm", "measure", "oedema", "muac_cm"]
OFFICER_ROWS = [
    dict(zip(COLUMNS, values, strict=True))
    for values in (
        ["P", "15/03/2022", "10/01/2024", "9,8", "79,5", "Berdiri", "tidak", "13,5"],
        ["L", "2023-06-01", "2024-01-10", " 6.9 ", "66", "terlentang", "Ya", ""],
        ["2", "01-02-2021", "2024-01-10 00:00:00", "", "", "", "", None],
    )
]


def test_reads_the_values_a_nutrition_officer_writes() -> None:
    frame = standard_frame(text_table(OFFICER_ROWS))
    assert frame["sex"].to_list() == [2, 1, 2]
    assert frame["birth_date"].to_list() == [dt.date(2022, 3, 15), dt.date(2023, 6, 1), dt.date(2021, 2, 1)]
    assert frame["measure_date"].to_list() == [dt.date(2024, 1, 10)] * 3
    assert frame["weight_kg"].to_list() == [9.8, 6.9, None]
    assert frame["lenhei_cm"].to_list() == [79.5, 66.0, None]
    assert frame["measure"].to_list() == ["h", "l", None]
    assert frame["oedema"].to_list() == [False, True, False]
    assert frame["muac_cm"].to_list() == [13.5, None, None]


def test_optional_columns_may_be_left_out() -> None:
    table = text_table([{"sex": "m", "age_days": "400", "weight_kg": "9", "lenhei_cm": "75", "birth_date": "x"}])
    frame = standard_frame(table)  # a birth date without a measurement date is not used, so not read
    assert frame.columns == ["sex", "age_days", "weight_kg", "lenhei_cm"]
    assert frame["age_days"].to_list() == [400.0]


@pytest.mark.parametrize("missing", ["sex", "weight_kg", "lenhei_cm"])
def test_a_missing_column_is_named(missing: str) -> None:
    row = {"sex": "1", "age_days": "400", "weight_kg": "9", "lenhei_cm": "75"}
    del row[missing]
    with pytest.raises(AnthroInputError) as caught:
        standard_frame(text_table([row]))
    assert caught.value.column == missing and caught.value.row is None
    assert missing in caught.value.message_id and missing in caught.value.message_en
    assert "Kolom" in caught.value.message_id and "Column" in caught.value.message_en


def test_a_missing_age_asks_for_either_form() -> None:
    with pytest.raises(AnthroInputError) as caught:
        standard_frame(text_table([{"sex": "1", "birth_date": "2023-01-01", "weight_kg": "9", "lenhei_cm": "75"}]))
    assert "measure_date" in caught.value.message_en and "age_days" in caught.value.message_id


@pytest.mark.parametrize(
    ("column", "bad"),
    [
        ("weight_kg", "9,8kg"),
        ("Sex", "X"),
        ("measure_date", "31/02/2024"),
        ("measure", "duduk"),
        ("oedema", "?"),
    ],
)
def test_an_unreadable_value_names_its_spreadsheet_row_and_column(column: str, bad: str) -> None:
    rows = [dict(OFFICER_ROWS[0]) for _ in range(4)]
    rows[2][column] = bad  # the third child: spreadsheet row 4, under the header row
    with pytest.raises(AnthroInputError) as caught:
        standard_frame(text_table(rows))
    error = caught.value
    assert (error.column, error.row, error.value) == (column, 4, bad)
    assert "Baris 4" in error.message_id and "Row 4" in error.message_en
    assert f"'{bad}'" in error.message_id and f"'{bad}'" in error.message_en


def test_rows_of_a_later_chunk_are_counted_from_its_first_row() -> None:
    rows = [dict(OFFICER_ROWS[0]), dict(OFFICER_ROWS[0], weight_kg="berat")]
    with pytest.raises(AnthroInputError) as caught:
        standard_frame(text_table(rows), first_row=100_002)
    assert caught.value.row == 100_003


def test_calculate_keeps_the_users_columns_and_adds_the_results() -> None:
    table = text_table([dict(OFFICER_ROWS[0], zlen="old value")])
    result = calculate(table).table
    assert result.columns == [c for c in table.columns if c != "zlen"] + list(RESULT_COLUMNS)
    assert result.select(pl.exclude(RESULT_COLUMNS)).equals(table.drop("zlen"))
    assert result["clenhei"][0] == pytest.approx(80.2)  # standing at 666 days: +0.7 cm


def _scored(rows: list[tuple[str, float | None, int | None, bool]], z: str) -> pl.DataFrame:
    """A zscores()-like frame where only indicator `z` has values: (group, z, flag, oedema)."""
    frame = pl.DataFrame(
        {
            "group": [r[0] for r in rows],
            "oedema": [r[3] for r in rows],
            "age_days_used": [500] * len(rows),
        }
    )
    columns = {}
    for name in ("zlen", "zwei", "zwfl", "zbmi", "zac"):
        flag = "f" + name.removeprefix("z")
        columns[name] = pl.Series([r[1] if name == z else None for r in rows], dtype=pl.Float64)
        columns[flag] = pl.Series([r[2] if name == z else None for r in rows], dtype=pl.Int8)
    return frame.with_columns(**columns)


def test_prevalence_leaves_out_flagged_values_and_counts_oedema_as_severe() -> None:
    rows = [
        ("A", -3.5, 0, False),
        ("A", -2.5, 0, False),
        ("A", 0.0, 0, False),
        ("A", 2.5, 0, False),
        ("A", -7.0, 1, False),  # flagged: not counted at all
        ("B", None, None, True),  # oedema: no z-score, counted below -3 for the weight-based indicators
        ("B", 1.0, 0, False),
    ]
    wasting = prevalence(prevalence_counts(_scored(rows, "zwfl"))).filter(pl.col("indicator") == "zwfl")
    by_group = {row["group"]: row for row in wasting.iter_rows(named=True)}
    assert by_group["A"]["n"] == 4
    assert by_group["A"]["below_minus3_pct"] == 25.0
    assert by_group["A"]["below_minus2_pct"] == 50.0
    assert by_group["A"]["above_plus2_pct"] == 25.0
    assert (by_group["B"]["n"], by_group["B"]["below_minus3_pct"], by_group["B"]["below_minus2_pct"]) == (
        2,
        50.0,
        50.0,
    )
    assert by_group[ALL_GROUP]["n"] == 6
    assert by_group[ALL_GROUP]["below_minus3_pct"] == pytest.approx(100 * 2 / 6, abs=0.05)
    assert wasting["group"][0] == ALL_GROUP  # the total comes first

    # Oedema does not make a child stunted: length-for-age ignores it.
    stunting = prevalence(prevalence_counts(_scored(rows, "zlen"))).filter(pl.col("group") == "B")
    assert stunting.filter(pl.col("indicator") == "zlen")["n"].to_list() == [1]
    assert stunting.filter(pl.col("indicator") == "zwfl")["n"].to_list() == [1]


def test_prevalence_counts_of_chunks_add_up() -> None:
    rows = [("A", -2.5, 0, False), ("A", 0.5, 0, False), ("B", -3.2, 0, False)]
    whole = prevalence(prevalence_counts(_scored(rows, "zwei")))
    chunks = pl.concat([prevalence_counts(_scored(rows[:1], "zwei")), prevalence_counts(_scored(rows[1:], "zwei"))])
    assert prevalence(chunks).equals(whole)


def test_prevalence_without_groups_is_the_total_only() -> None:
    scored = _scored([("A", -2.5, 0, False)], "zwei").drop("group")
    assert set(prevalence(prevalence_counts(scored))["group"]) == {ALL_GROUP}


def test_decimal_comma_detection() -> None:
    assert has_decimal_comma(text_table(OFFICER_ROWS))
    assert not has_decimal_comma(text_table([{"sex": "1", "weight_kg": "9.5", "lenhei_cm": "75"}]))


def test_the_first_unreadable_row_is_reported_first() -> None:
    rows = [dict(OFFICER_ROWS[0]) for _ in range(3)]
    rows[2]["weight_kg"] = "berat"  # row 4
    rows[1]["muac_cm"] = "lila"  # row 3: earlier, though further right
    with pytest.raises(AnthroInputError) as caught:
        standard_frame(text_table(rows))
    assert (caught.value.row, caught.value.column) == (3, "muac_cm")
