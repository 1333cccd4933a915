"""NIK and KK numbers: parsing, every reason code, scalar and column agreeing, generators, pseudonyms."""

from __future__ import annotations

import logging
import pickle
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satudata.nik import (
    DEFAULT_SEVERITY,
    KK_FORMAT,
    KK_REASON_CODES,
    KK_REGION_UNKNOWN,
    NIK_BIRTH_DATE_INVALID,
    NIK_BIRTH_DATE_MISMATCH,
    NIK_FORMAT,
    NIK_KABUPATEN_UNKNOWN,
    NIK_KECAMATAN_UNKNOWN,
    NIK_PROVINCE_UNKNOWN,
    NIK_REASON_CODES,
    NIK_REGISTERED_ELSEWHERE,
    NIK_SERIAL_ZERO,
    NIK_SEX_MISMATCH,
    InvalidNikError,
    check_kk,
    check_kk_column,
    check_nik,
    check_nik_column,
    make_kk,
    make_nik,
    mask,
    nik_birth_date,
    nik_sex,
    parse_nik,
    pseudonymise,
    pseudonymise_column,
)
from satudata.regions import master

REFERENCE = date(2025, 6, 15)
# A boy born 17 May 2019, first registered in Semau (53.01.04), serial 0001.
GOOD = "5301041705190001"
KECAMATAN = [r.digits for r in master().kecamatan()]


def codes(value: str | None, **kwargs: object) -> set[str]:
    return {issue.code for issue in check_nik(value, reference_date=REFERENCE, **kwargs)}  # type: ignore[arg-type]


def test_the_good_nik_is_good() -> None:
    assert make_nik("53.01.04", date(2019, 5, 17), "L", 1) == GOOD
    assert codes(GOOD, birth_date=date(2019, 5, 17), sex="L") == set()
    info = parse_nik(GOOD, reference_date=REFERENCE)
    assert (info.province, info.kabupaten, info.kecamatan) == ("53", "5301", "530104")
    assert (info.birth_date, info.sex, info.serial) == (date(2019, 5, 17), "L", "0001")


def test_women_have_forty_added_to_the_day() -> None:
    nik = make_nik("530104", date(2019, 5, 17), "P", 1)
    assert nik[6:8] == "57"
    info = parse_nik(nik, reference_date=REFERENCE)
    assert (info.birth_date, info.sex) == (date(2019, 5, 17), "P")
    assert make_nik("530104", date(2019, 5, 31), "P", 1)[6:8] == "71"
    assert parse_nik("5301044105190001", reference_date=REFERENCE).birth_date == date(2019, 5, 1)
    for impossible_day in ("00", "32", "40", "72", "99"):
        assert NIK_BIRTH_DATE_INVALID in codes(f"530104{impossible_day}05190001")


@pytest.mark.parametrize(
    ("ddmmyy", "reference", "born"),
    [
        ("150625", date(2025, 6, 15), date(2025, 6, 15)),  # the reference day itself is not after it
        ("160625", date(2025, 6, 15), date(1925, 6, 16)),  # a day later would be in the future
        ("010125", date(2025, 6, 15), date(2025, 1, 1)),
        ("311224", date(2025, 6, 15), date(2024, 12, 31)),
        ("010126", date(2025, 6, 15), date(1926, 1, 1)),
        ("010100", date(2025, 6, 15), date(2000, 1, 1)),
        ("010199", date(2025, 6, 15), date(1999, 1, 1)),
        ("290224", date(2024, 3, 1), date(2024, 2, 29)),
        ("290224", date(2024, 2, 28), date(1924, 2, 29)),
        ("280200", date(2000, 1, 1), date(1900, 2, 28)),
        ("010100", date(2100, 1, 1), date(2100, 1, 1)),
    ],
)
def test_century_is_the_latest_not_after_the_reference_date(ddmmyy: str, reference: date, born: date) -> None:
    nik = f"530104{ddmmyy}0001"
    assert parse_nik(nik, reference_date=reference).birth_date == born
    assert nik_birth_date(pl.Series([nik]), reference).to_list() == [born]


def test_a_leap_day_that_exists_in_neither_century_is_invalid() -> None:
    # 2000-02-29 would be after the reference date and 1900 was not a leap year.
    assert NIK_BIRTH_DATE_INVALID in {
        issue.code for issue in check_nik("5301042902000001", reference_date=date(2000, 1, 1))
    }
    assert NIK_BIRTH_DATE_INVALID in codes("5301042902190001")  # 2019 and 1919 are not leap years


def test_default_reference_date_is_today() -> None:
    yesterday = date.today() - timedelta(days=1)
    nik = make_nik("530104", yesterday, "L", 1)
    assert parse_nik(nik).birth_date == yesterday
    assert nik_birth_date(pl.Series([nik])).to_list() == [yesterday]


# Every reason code, with a value that fails and one that passes; kwargs are the record's birth date and sex.
CASES = [
    (NIK_FORMAT, "530104170519001", {}, GOOD, {}),
    (NIK_FORMAT, "53010417051900011", {}, GOOD, {}),
    (NIK_FORMAT, "530104170519000a", {}, GOOD, {}),
    (NIK_FORMAT, " 5301041705190001", {}, GOOD, {}),
    (NIK_FORMAT, "５３０１０４１７０５１９０００１", {}, GOOD, {}),  # full-width digits
    (NIK_PROVINCE_UNKNOWN, "9901041705190001", {}, "3201041705190001", {}),
    (NIK_PROVINCE_UNKNOWN, "0001041705190001", {}, "9601041705190001", {}),
    (NIK_REGISTERED_ELSEWHERE, "3201041705190001", {}, GOOD, {}),
    (NIK_KABUPATEN_UNKNOWN, "5322041705190001", {}, "5371011705190001", {}),
    (NIK_KABUPATEN_UNKNOWN, "5300041705190001", {}, "5321011705190001", {}),
    (NIK_KECAMATAN_UNKNOWN, "5301991705190001", {}, GOOD, {}),
    (NIK_BIRTH_DATE_INVALID, "5301043205190001", {}, "5301043105190001", {}),
    (NIK_BIRTH_DATE_INVALID, "5301041713190001", {}, "5301041712190001", {}),
    (NIK_BIRTH_DATE_INVALID, "5301041700190001", {}, "5301041701190001", {}),
    (NIK_BIRTH_DATE_INVALID, "5301043104190001", {}, "5301043004190001", {}),
    (NIK_BIRTH_DATE_INVALID, "5301047205190001", {}, "5301047105190001", {}),
    (NIK_BIRTH_DATE_INVALID, "5301047104190001", {}, "5301047003190001", {}),
    (NIK_SERIAL_ZERO, "5301041705190000", {}, "5301041705199999", {}),
    (
        NIK_BIRTH_DATE_MISMATCH,
        GOOD,
        {"birth_date": date(2019, 5, 18)},
        GOOD,
        {"birth_date": date(2019, 5, 17)},
    ),
    (NIK_BIRTH_DATE_MISMATCH, GOOD, {"birth_date": date(2018, 5, 17)}, GOOD, {"birth_date": None}),
    # The NIK holds a two-digit year only, so the century is not compared.
    (
        NIK_BIRTH_DATE_MISMATCH,
        GOOD,
        {"birth_date": date(2019, 6, 17)},
        GOOD,
        {"birth_date": date(1919, 5, 17)},
    ),
    (NIK_SEX_MISMATCH, GOOD, {"sex": "P"}, GOOD, {"sex": "L"}),
    (NIK_SEX_MISMATCH, "5301045705190001", {"sex": "L"}, "5301045705190001", {"sex": "P"}),
    # A sex outside the code list is the contract's business, not a mismatch.
    (NIK_SEX_MISMATCH, GOOD, {"sex": "P"}, GOOD, {"sex": "X"}),
]


@pytest.mark.parametrize(("code", "failing", "failing_record", "passing", "passing_record"), CASES)
def test_every_reason_code_fails_and_passes(
    code: str, failing: str, failing_record: dict, passing: str, passing_record: dict
) -> None:
    assert code in codes(failing, **failing_record)
    assert code not in codes(passing, **passing_record)
    column = check_nik_column(
        pl.Series([failing, passing]),
        birth_dates=pl.Series([failing_record.get("birth_date"), passing_record.get("birth_date")], dtype=pl.Date),
        sexes=pl.Series([failing_record.get("sex"), passing_record.get("sex")], dtype=pl.String),
        reference_date=REFERENCE,
    )
    assert column[code].to_list() == [True, False]


def test_severities() -> None:
    warnings = {code for code in NIK_REASON_CODES if DEFAULT_SEVERITY[code] == "warning"}
    assert warnings == {NIK_REGISTERED_ELSEWHERE, NIK_KECAMATAN_UNKNOWN}
    for issue in check_nik("3201043205190000", birth_date=date(2000, 1, 1), reference_date=REFERENCE):
        assert issue.severity == DEFAULT_SEVERITY[issue.code]
        assert issue.message_id and issue.message_en and issue.message_id != issue.message_en


def test_format_failure_hides_every_other_reason() -> None:
    assert codes("99000000000000", birth_date=date(2000, 1, 1), sex="P") == {NIK_FORMAT}


def test_a_missing_nik_has_no_issues() -> None:
    assert check_nik(None, birth_date=date(2019, 5, 17), sex="P") == []
    frame = check_nik_column(pl.Series([None], dtype=pl.String), birth_dates=pl.Series([date(2019, 5, 17)]))
    assert frame.row(0) == (False,) * len(NIK_REASON_CODES)


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("530104170519001", NIK_FORMAT),
        ("9901041705190001", NIK_PROVINCE_UNKNOWN),
        ("5322041705190001", NIK_KABUPATEN_UNKNOWN),
        ("5301043205190001", NIK_BIRTH_DATE_INVALID),
        ("5301041705190000", NIK_SERIAL_ZERO),
    ],
)
def test_parse_raises_on_errors_with_the_reason_code(nik: str, code: str) -> None:
    with pytest.raises(InvalidNikError) as caught:
        parse_nik(nik, reference_date=REFERENCE)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    assert " / " in str(caught.value)  # Bahasa Indonesia, then English


def test_parse_passes_warnings() -> None:
    assert parse_nik("3201041705190001", reference_date=REFERENCE).province == "32"
    assert parse_nik("5301991705190001", reference_date=REFERENCE).kecamatan == "530199"


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(InvalidNikError) as caught:
        parse_nik(5301041705190001, reference_date=REFERENCE)  # type: ignore[arg-type]
    assert caught.value.code == NIK_FORMAT


BAD_NIKS = [
    "5301041705190000",
    "9901041705190001",
    "5322041705190001",
    "5301991705190001",
    "5301043205190001",
    "3201041705190001",
    "5301041705190001",
]


@pytest.mark.parametrize("nik", BAD_NIKS)
def test_no_nik_digits_in_messages_reprs_or_logs(nik: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    for issue in check_nik(nik, birth_date=date(2001, 1, 1), sex="P", reference_date=REFERENCE):
        shown += [repr(issue), str(issue), issue.message_id, issue.message_en]
    try:
        info = parse_nik(nik, reference_date=REFERENCE)
    except InvalidNikError as error:
        shown += [str(error), repr(error), *map(str, error.args)]
    else:
        shown += [repr(info), str(info)]
        # Birth date, sex, region and serial together rebuild the NIK: the repr must not hold all of them.
        assert info.serial not in repr(info) and str(info.birth_date) not in repr(info)
    shown.append(caplog.text)
    for text in shown:
        assert nik not in text
    assert all(issue.code not in nik for issue in check_nik(nik, reference_date=REFERENCE))


def test_no_nik_digits_in_the_column_output() -> None:
    frame = check_nik_column(pl.Series(BAD_NIKS), reference_date=REFERENCE)
    text = repr(frame) + str(frame.columns)
    assert not any(nik in text for nik in BAD_NIKS)


def test_column_output_shape() -> None:
    frame = check_nik_column(pl.Series("child_nik", [GOOD, None, "x"]), reference_date=REFERENCE)
    assert frame.columns == list(NIK_REASON_CODES)
    assert all(dtype == pl.Boolean for dtype in frame.dtypes)
    assert frame[NIK_FORMAT].to_list() == [False, False, True]


def test_column_accepts_datetimes_and_checks_lengths() -> None:
    frame = check_nik_column(
        pl.Series([GOOD]), birth_dates=pl.Series([datetime(2019, 5, 18, 7, 30)]), reference_date=REFERENCE
    )
    assert frame[NIK_BIRTH_DATE_MISMATCH].to_list() == [True]
    with pytest.raises(ValueError, match="must be as long as"):
        check_nik_column(pl.Series([GOOD]), sexes=pl.Series(["L", "P"]))


def test_nik_birth_date_and_sex_columns() -> None:
    niks = pl.Series([GOOD, "5301045705190001", "5301043205190001", None, "short"])
    assert nik_birth_date(niks, REFERENCE).to_list() == [
        date(2019, 5, 17),
        date(2019, 5, 17),
        None,
        None,
        None,
    ]
    assert nik_birth_date(niks, REFERENCE).dtype == pl.Date
    assert nik_sex(niks, reference_date=REFERENCE).to_list() == ["L", "P", None, None, None]


# Scalar and column agree, on batches that hypothesis makes.

_KECAMATAN = st.sampled_from([*KECAMATAN[:40], "530199", "539901", "532201", "320101", "990101", "000000"])
_DAY = st.one_of(st.integers(1, 31), st.integers(41, 71), st.integers(0, 99))
_MONTH = st.one_of(st.integers(1, 12), st.integers(0, 99))


@st.composite
def nik_rows(draw: st.DrawFn) -> tuple[str | None, date | None, str | None]:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return None, None, draw(st.sampled_from([None, "L", "P"]))
    if kind == 1:
        return draw(st.text(max_size=18)), None, None
    if kind == 2:
        return draw(st.text(alphabet="0123456789", max_size=18)), None, None
    kecamatan, dd, mm, yy = draw(_KECAMATAN), draw(_DAY), draw(_MONTH), draw(st.integers(0, 99))
    serial = draw(st.one_of(st.just(0), st.integers(0, 9999)))
    nik = f"{kecamatan}{dd:02d}{mm:02d}{yy:02d}{serial:04d}"
    birth = draw(st.one_of(st.none(), st.dates(date(1900, 1, 1), date(2030, 12, 31))))
    if draw(st.booleans()):
        for century in (2000, 1900):
            try:
                birth = date(century + yy, mm, dd - 40 if dd > 40 else dd)
                break
            except ValueError:
                continue
    return nik, birth, draw(st.sampled_from([None, "L", "P", "X"]))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(nik_rows(), max_size=40), reference=st.dates(date(1999, 1, 1), date(2101, 12, 31)))
def test_scalar_and_column_agree(rows: list, reference: date) -> None:
    niks = pl.Series([r[0] for r in rows], dtype=pl.String)
    births = pl.Series([r[1] for r in rows], dtype=pl.Date)
    sexes = pl.Series([r[2] for r in rows], dtype=pl.String)
    frame = check_nik_column(niks, birth_dates=births, sexes=sexes, reference_date=reference)
    born = nik_birth_date(niks, reference).to_list()
    sex = nik_sex(niks, reference_date=reference).to_list()
    for i, (nik, birth, recorded_sex) in enumerate(rows):
        scalar = {issue.code for issue in check_nik(nik, birth_date=birth, sex=recorded_sex, reference_date=reference)}
        column = {code for code in NIK_REASON_CODES if frame[code][i]}
        assert scalar == column, i
        readable = nik is not None and not scalar & {NIK_FORMAT, NIK_BIRTH_DATE_INVALID}
        assert (born[i] is not None) == readable
        assert (sex[i] is not None) == readable
    kk = check_kk_column(niks)
    for i, (value, _, _) in enumerate(rows):
        assert {issue.code for issue in check_kk(value)} == {code for code in KK_REASON_CODES if kk[code][i]}


@settings(max_examples=200, deadline=None)
@given(
    kecamatan=st.sampled_from(KECAMATAN),
    born=st.dates(REFERENCE - timedelta(days=365 * 99), REFERENCE),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(1, 9999),
)
def test_make_nik_round_trips_through_parse_nik(kecamatan: str, born: date, sex: str, serial: int) -> None:
    nik = make_nik(kecamatan, born, sex, serial)  # type: ignore[arg-type]
    assert len(nik) == 16 and nik.isdigit()
    info = parse_nik(nik, reference_date=REFERENCE)
    assert (info.kecamatan, info.birth_date, info.sex, int(info.serial)) == (kecamatan, born, sex, serial)
    assert check_nik(nik, birth_date=born, sex=sex, reference_date=REFERENCE) == []


def test_make_nik_accepts_dotted_codes_and_other_provinces() -> None:
    assert make_nik("32.01.01", date(1990, 1, 2), "P", 9999).startswith("320101420190")
    for bad in (
        lambda: make_nik("5301", date(1990, 1, 2), "L", 1),
        lambda: make_nik("530104", date(1990, 1, 2), "X", 1),  # type: ignore[arg-type]
        lambda: make_nik("530104", date(1990, 1, 2), "L", 0),
        lambda: make_nik("530104", date(1990, 1, 2), "L", 10_000),
    ):
        with pytest.raises(ValueError):
            bad()


# KK numbers


def test_kk_numbers() -> None:
    kk = make_kk("53.01.04", date(2020, 3, 15), 7)
    assert kk == "5301041503200007"
    assert check_kk(kk) == []
    assert check_kk(None) == []
    assert check_kk("3201041503200007") == []  # issued in another province
    assert check_kk("5301991503200007") == []  # an unknown kecamatan is not checked for KK numbers
    assert [i.code for i in check_kk("530104150320007")] == [KK_FORMAT]
    assert [i.code for i in check_kk("9901041503200007")] == [KK_REGION_UNKNOWN]
    assert [i.code for i in check_kk("5322041503200007")] == [KK_REGION_UNKNOWN]
    frame = check_kk_column(pl.Series([kk, None, "x", "5322041503200007"]))
    assert frame.columns == list(KK_REASON_CODES)
    assert frame.rows() == [(False, False), (False, False), (True, False), (False, True)]
    assert all(kk not in str(issue) for issue in check_kk("5322041503200007"))


# Pseudonyms and masks


def test_pseudonym_is_a_stable_keyed_hmac() -> None:
    # Same as: printf 5301045503210012 | openssl dgst -sha256 -hmac rahasia-uji
    expected = "3541864d928e461751b399f2e156aad87ba4ccebdc76967feb5389dc667f882a"
    assert pseudonymise("5301045503210012", "rahasia-uji") == expected
    assert pseudonymise("5301045503210012", "kunci-lain") != expected
    assert pseudonymise("5301045503210013", "rahasia-uji") != expected
    assert pseudonymise(None, "rahasia-uji") is None
    with pytest.raises(ValueError, match="Empty HMAC secret"):
        pseudonymise("5301045503210012", "")


def test_pseudonymise_column_matches_the_scalar() -> None:
    values = ["5301045503210012", None, GOOD]
    hashed = pseudonymise_column(pl.Series("child_nik", values), "rahasia-uji")
    assert hashed.name == "child_nik"
    assert hashed.dtype == pl.String
    assert hashed.to_list() == [pseudonymise(v, "rahasia-uji") for v in values]
    assert not any(v in "".join(hashed.drop_nulls()) for v in values if v)


def test_mask() -> None:
    assert mask("5301045503210012") == "5301**********12"
    assert mask("12345") == "*****"
    assert mask("") == ""


def test_errors_survive_pickling() -> None:
    with pytest.raises(InvalidNikError) as caught:
        parse_nik("5301041705190000", reference_date=REFERENCE)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.code, str(copy)) == (NIK_SERIAL_ZERO, str(caught.value))
