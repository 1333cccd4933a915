"""Region code shapes and the Indonesian province list."""

from __future__ import annotations

import pytest

from satudata.regions import (
    INDONESIA_PROVINCE_CODES,
    InvalidRegionCodeError,
    code_level,
    dotted,
    normalise_code,
)


@pytest.mark.parametrize(
    ("given", "digits"),
    [
        ("53", "53"),
        ("53.01", "5301"),
        ("5301", "5301"),
        ("53.01.04", "530104"),
        ("53.01.04.2003", "5301042003"),
        ("5301042003", "5301042003"),
        ("  53.01.04.2003\t", "5301042003"),
        ("32.01", "3201"),
    ],
)
def test_normalise_code(given: str, digits: str) -> None:
    assert normalise_code(given) == digits


@pytest.mark.parametrize(
    "junk",
    [
        "",
        " ",
        "5",
        "530",
        "53010",
        "5301042",
        "53.0104",
        "5301.04",
        "53.01.04.200",
        "53..01",
        "53-01",
        "53 01",
        "٥٣٠١",
        "53a1",
        "5301042003.",
        "5301045503210012",
        None,
        5301,
    ],
)
def test_normalise_code_rejects_junk_in_two_languages(junk: object) -> None:
    with pytest.raises(InvalidRegionCodeError) as caught:
        normalise_code(junk)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "Kode wilayah tidak sah" in message and "Invalid region code" in message
    # A NIK passed by mistake must not reach the message.
    assert "5301045503210012" not in message


def test_dotted_and_level() -> None:
    assert dotted("5301042003") == "53.01.04.2003"
    assert dotted("53.01") == "53.01"
    assert dotted("53") == "53"
    assert code_level("53") == "provinsi"
    assert code_level("3201") == "kabupaten_kota"
    assert code_level("53.01.04") == "kecamatan"
    assert code_level("9999999999") == "desa_kelurahan"


def test_the_38_provinces() -> None:
    assert len(INDONESIA_PROVINCE_CODES) == 38
    assert all(len(code) == 2 and code.isdigit() for code in INDONESIA_PROVINCE_CODES)
    assert {"11", "19", "21", "31", "36", "51", "52", "53", "61", "65", "71", "76", "81", "82"} <= (
        INDONESIA_PROVINCE_CODES
    )
    assert {"91", "92", "93", "94", "95", "96"} <= INDONESIA_PROVINCE_CODES
    assert not {"00", "10", "20", "22", "37", "50", "54", "60", "66", "70", "77", "80", "83", "90", "97"} & (
        INDONESIA_PROVINCE_CODES
    )
