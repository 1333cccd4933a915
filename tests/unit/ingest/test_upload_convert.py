"""Cell values → field kinds: the forms agencies type, and the problems of what cannot be converted."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from services.ingest.uploads.convert import (
    UnconvertibleError,
    to_bool,
    to_date,
    to_float,
    to_identifier,
    to_identifier_list,
    to_int,
    to_str,
)


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("02/05/2023", "2023-05-02"),
        ("2/5/2023", "2023-05-02"),
        ("2-5-2023", "2023-05-02"),
        ("02.05.2023", "2023-05-02"),
        ("2023-05-02", "2023-05-02"),
        ("2023-05-02 00:00:00", "2023-05-02"),
        (45048, "2023-05-02"),  # an Excel serial date, as a number
        (45048.0, "2023-05-02"),
        ("45048", "2023-05-02"),  # and as CSV text
        (1, "1899-12-31"),
        (61, "1900-03-01"),  # past Excel's phantom 29 February 1900
        (datetime(2023, 5, 2, 7, 30), "2023-05-02"),
        (date(2023, 5, 2), "2023-05-02"),
    ],
)
def test_dates(typed: object, iso: str) -> None:
    assert to_date(typed) == iso


@pytest.mark.parametrize("typed", ["31/02/2023", "2023-13-01", "kemarin", "05/2023", 0, 3_000_000])
def test_bad_dates(typed: object) -> None:
    with pytest.raises(UnconvertibleError) as caught:
        to_date(typed)
    assert " / " in caught.value.message  # bilingual


@pytest.mark.parametrize(
    ("typed", "number"),
    [("10,4", 10.4), ("10.4", 10.4), (" 84,5 ", 84.5), (10, 10.0), ("1.234,5", 1234.5), ("1,234.5", 1234.5)],
)
def test_decimal_comma(typed: object, number: float) -> None:
    assert to_float(typed) == number


@pytest.mark.parametrize("typed", ["abc", "10,4,5", "nan", "inf", True])
def test_bad_numbers(typed: object) -> None:
    with pytest.raises(UnconvertibleError):
        to_float(typed)


@pytest.mark.parametrize(("typed", "number"), [("12", 12), (12.0, 12), ("Rp 350.000", 350000), ("1.234.567", 1234567)])
def test_ints(typed: object, number: int) -> None:
    assert to_int(typed) == number


def test_a_fraction_is_not_an_int() -> None:
    with pytest.raises(UnconvertibleError):
        to_int("12,5")


@pytest.mark.parametrize("typed", ["ya", "Ya", "Y", "1", 1, "true", "TRUE", True])
def test_true(typed: object) -> None:
    assert to_bool(typed) is True


@pytest.mark.parametrize("typed", ["tidak", "Tidak", "N", "0", 0, "false", False, "tdk"])
def test_false(typed: object) -> None:
    assert to_bool(typed) is False


def test_bad_bool() -> None:
    with pytest.raises(UnconvertibleError):
        to_bool("mungkin")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("53.01.04.2003", "5301042003"),
        ("5301042003", "5301042003"),
        (5301042003, "5301042003"),
        (5301042003.0, "5301042003"),
        ("'5301014505230001", "5301014505230001"),
        ("5301 0145 0523 0001", "5301014505230001"),
    ],
)
def test_identifiers(typed: object, digits: str) -> None:
    assert to_identifier(typed) == digits


def test_scientific_notation_lost_the_digits_and_says_so_without_the_value() -> None:
    with pytest.raises(UnconvertibleError) as caught:
        to_identifier("5,30101E+15")
    assert "5,30101" not in caught.value.message
    assert "notasi ilmiah" in caught.value.message


def test_identifier_lists() -> None:
    assert to_identifier_list("5301014505230001; 5301014505230002") == ["5301014505230001", "5301014505230002"]
    assert to_identifier_list("5301014505230001,5301014505230002") == ["5301014505230001", "5301014505230002"]


def test_strings_from_spreadsheets() -> None:
    assert to_str(12.0) == "12"
    assert to_str("  P-01 ") == "P-01"
