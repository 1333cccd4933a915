"""The custom GX expectations (services/quality/expectations) on their own, through GX's validation path, and
the preparer's age and year columns they leave to it."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from satudata.events import feed
from services.quality.contract import ContractValidator
from services.quality.prepare import prepare
from services.quality.suite import ContractFile, read_contract

GOOD_NIK = "5301041405230017"  # kecamatan 53.01.04, born 14-05-2023, a boy, serial 0017
GIRL_NIK = "5302015411240003"  # born 14-11-2024, a girl


def judge(tmp_path: Path, expectations: list[dict[str, Any]], frame: pl.DataFrame) -> dict[str, list[int]]:
    """Failed rows per rule of a small suite of custom expectations (the real ContractValidator.judge)."""
    import orjson

    for i, e in enumerate(expectations):
        e.setdefault("meta", {"rule": f"r{i}", "message_id": "pesan", "message_en": "message"})
    path = tmp_path / "v1.json"
    path.write_bytes(orjson.dumps({"name": "t", "expectations": expectations}))
    validator = ContractValidator(read_contract(feed("child_measurement"), path))
    failed: dict[str, list[int]] = {e["meta"]["rule"]: [] for e in expectations}
    for row, reason in validator.judge(frame):
        failed[reason.rule].append(row)
    return failed


def test_a_desa_code_is_known_only_when_it_is_ten_digits_of_the_master(tmp_path: Path) -> None:
    codes = ["5301042003", "5301049999", "53.01.04.2003", None, "5302011001"]
    expectation = {"type": "expect_column_values_to_be_known_desa_code", "kwargs": {"column": "desa"}}
    assert judge(tmp_path, [expectation], pl.DataFrame({"desa": codes})) == {"r0": [1]}


@pytest.mark.parametrize(
    ("check", "failing"),
    [
        ("nik_format", [1]),
        ("nik_province_unknown", [2]),
        ("nik_registered_elsewhere", [3]),
        ("nik_kabupaten_unknown", [4]),
        ("nik_kecamatan_unknown", [5]),
        ("nik_birth_date_invalid", [6]),
        ("nik_serial_zero", [7]),
    ],
)
def test_each_nik_check_fails_only_its_own_defect(tmp_path: Path, check: str, failing: list[int]) -> None:
    niks = [
        GOOD_NIK,
        GOOD_NIK[:14],
        "99" + GOOD_NIK[2:],
        "517101" + GOOD_NIK[6:],
        "5399" + GOOD_NIK[4:],
        "530199" + GOOD_NIK[6:],
        GOOD_NIK[:6] + "35" + GOOD_NIK[8:],
        GOOD_NIK[:12] + "0000",
        None,
    ]
    expectation = {"type": "expect_column_values_to_be_valid_nik", "kwargs": {"column": "nik", "check": check}}
    assert judge(tmp_path, [expectation], pl.DataFrame({"nik": niks})) == {"r0": failing}


def test_kk_checks(tmp_path: Path) -> None:
    kks = ["5301041203150007", "530104120315000", "5399041203150007", None]
    expectations = [
        {"type": "expect_column_values_to_be_valid_kk", "kwargs": {"column": "kk", "check": "kk_format"}},
        {"type": "expect_column_values_to_be_valid_kk", "kwargs": {"column": "kk", "check": "kk_region_unknown"}},
    ]
    assert judge(tmp_path, expectations, pl.DataFrame({"kk": kks})) == {"r0": [1], "r1": [2]}


def test_a_nik_must_agree_with_birth_date_and_sex_where_both_can_be_read(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "nik": [GOOD_NIK, GOOD_NIK, GOOD_NIK, GIRL_NIK, GIRL_NIK, "123", None, GOOD_NIK],
            "birth_date": [
                "2023-05-14",
                "2023-05-15",
                "2023-02-30",
                "2024-11-14",
                "2024-11-14",
                "2023-05-14",
                "x",
                None,
            ],
            "sex": ["L", "L", "P", "L", "P", "P", "L", None],
        }
    )
    expectations = [
        {
            "type": "expect_column_pair_values_nik_to_agree_with_birth_date",
            "kwargs": {"column_A": "nik", "column_B": "birth_date"},
        },
        {"type": "expect_column_pair_values_nik_to_agree_with_sex", "kwargs": {"column_A": "nik", "column_B": "sex"}},
    ]
    # Row 2's date is not a date and row 5's NIK not a NIK: other rules report those, not these.
    assert judge(tmp_path, expectations, frame) == {"r0": [1], "r1": [2, 3]}


def test_not_both_missing_judges_exactly_the_rows_gx_would_skip(tmp_path: Path) -> None:
    frame = pl.DataFrame({"a": ["x", None, None, "y"], "b": [None, "z", None, "w"]})
    expectation = {
        "type": "expect_column_pair_values_to_not_both_be_missing",
        "kwargs": {"column_A": "a", "column_B": "b"},
    }
    assert judge(tmp_path, [expectation], frame) == {"r0": [2]}


def test_allowed_for_leaves_unknown_keys_to_the_vocabulary_rule(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "programme": ["genting", "genting", "pkh", "gati", None, "gati"],
            "activity_type": ["food_package", "vitamin_a", "food_package", "father_class", "x", None],
        }
    )
    expectation = {
        "type": "expect_column_pair_values_to_be_allowed_for",
        "kwargs": {
            "column_A": "programme",
            "column_B": "activity_type",
            "allowed": {"genting": ["food_package"], "gati": ["father_class"]},
        },
    }
    assert judge(tmp_path, [expectation], frame) == {"r0": [1]}


def test_a_custom_type_counts_as_loaded(tmp_path: Path) -> None:
    # GX drops what it does not know: a loaded custom type proves registration happened before the suite.
    path = tmp_path / "v1.json"
    path.write_text(
        '{"expectations": [{"type": "expect_column_values_to_be_known_desa_code", "kwargs": {"column": "d"},'
        ' "meta": {"rule": "r", "message_id": "p", "message_en": "m"}}]}'
    )
    contract: ContractFile = read_contract(feed("population"), path)
    assert ContractValidator(contract).expectation_count == 1


def test_age_in_completed_years_is_null_before_birth() -> None:
    rows = [
        {"birth_date": "1998-07-21", "check_date": "2025-07-20"},
        {"birth_date": "1998-07-21", "check_date": "2025-07-21"},
        {"birth_date": "1998-07-21", "check_date": "1997-01-01"},
        {"birth_date": "1998-02-30", "check_date": "2025-07-21"},
    ]
    frame = prepare(feed("pregnancy_check"), rows, today=date(2025, 12, 31))
    assert frame["_age_years"].to_list() == [26, 27, None, None]
    assert frame["_age_days"][2] < 0


def test_a_year_feed_gets_years_in_future() -> None:
    frame = prepare(feed("population"), [{"year": 2025}, {"year": 2026}, {"year": "2026"}], today=date(2025, 6, 30))
    assert frame["_year_years_in_future"].to_list() == [0, 1, None]


def test_a_nik_list_fails_where_any_of_its_niks_fails(tmp_path: Path) -> None:
    lists = [[GOOD_NIK, GIRL_NIK], [], [GOOD_NIK, GOOD_NIK[:15]], None, [GOOD_NIK[:15]]]
    frame = pl.DataFrame({"niks": lists}, schema={"niks": pl.List(pl.String)})
    expectation = {
        "type": "expect_column_values_to_be_valid_nik_list",
        "kwargs": {"column": "niks", "check": "nik_format"},
    }
    assert judge(tmp_path, [expectation], frame) == {"r0": [2, 4]}
