"""The generic feed path for the feeds other than child_measurement: derived values, record dates, facts, and
no NIK or KK number anywhere after enrich."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import polars as pl

from satudata import events
from satudata.indicators import Methodology, contributions
from satudata.nik import pseudonymise
from services.indicators import feeds
from services.indicators.agent import records
from services.indicators.counting import Row, State, Sums, apply
from services.indicators.decode import decode
from tests.unit.indicators.builders import DESA, SECRET, feed_message, messages

NOW = datetime(2025, 3, 11, tzinfo=UTC)
KK = "5301040101230009"
HEAD = "5301041111800001"
KIDS = ["5301045505230002", "5301041206240003"]


VERSION = 7  # the write time a batch is counted with (agent: µs); every sum it moves carries it


def enriched(feed_name: str, *data: dict[str, Any]) -> pl.DataFrame:
    values = [feed_message(feed_name, d, event_id=f"e{i}") for i, d in enumerate(data)]
    return feeds.enrich(feed_name, decode(events.feed(feed_name), messages(*values)), SECRET)


def counted(feed_name: str, frame: pl.DataFrame, methodology: Methodology = Methodology()) -> dict:
    def contribute(rows: Sequence[Row]) -> pl.DataFrame:
        return contributions(feed_name, feeds.rows_frame(feed_name, rows), methodology)

    return apply(State({}, {}), records(feed_name, frame), contribute, VERSION).sums


def bride(nik: str, birth: str, screened: str, **values: Any) -> dict[str, Any]:
    data = {
        "record_id": f"B-{nik}",
        "nik": nik,
        "sex": "P",
        "birth_date": birth,
        "screening_date": screened,
        "hb_g_dl": 13.0,
        "muac_cm": 25.0,
        "height_cm": 155.0,
        "weight_kg": 50.0,
        "planned_marriage_date": None,
        "desa_code": DESA,
    }
    return data | values


def family(**values: Any) -> dict[str, Any]:
    data = {
        "record_id": "F-1",
        "kk_number": KK,
        "head_nik": HEAD,
        "assessment_date": "2025-03-10",
        "has_under_five": True,
        "has_pregnant": False,
        "safe_water": False,
        "proper_latrine": True,
        "mother_too_young": False,
        "mother_too_old": False,
        "births_too_close": False,
        "too_many_children": False,
        "child_niks": KIDS,
        "tpk_id": "TPK-1",
        "desa_code": DESA,
    }
    return data | values


def household(**values: Any) -> dict[str, Any]:
    data = {
        "record_id": "H-1",
        "kk_number": KK,
        "head_nik": HEAD,
        "members": 5,
        "per_capita_expenditure_rp": 250_000,
        "welfare_decile": 1,
        "receives_pkh": True,
        "receives_bpnt": False,
        "receives_pbi": True,
        "child_niks": KIDS,
        "reference_date": "2024-11-20",
        "desa_code": DESA,
    }
    return data | values


def test_bride_age_is_whole_years_and_19_on_the_birthday() -> None:
    frame = enriched(
        "bride_screening",
        bride("5301044101060001", "2006-03-10", "2025-03-09"),  # the day before her 19th birthday
        bride("5301044101060002", "2006-03-10", "2025-03-10"),  # her 19th birthday
        bride("5301044101060003", "2004-02-29", "2023-02-28"),  # born on 29 Feb: 19 only from 1 March
        bride("5301044101060004", "2004-02-29", "2023-03-01"),
    )
    assert frame["age_years"].to_list() == [18, 19, 18, 19]
    sums = counted("bride_screening", frame)
    # March 2025: one of two at risk (the 18-year-old, healthy otherwise); Feb 2023 at risk, Mar 2023 not.
    # Every sum a batch moves takes the batch's version (its write time).
    assert sums == {
        (0, "bride_risk_rate", DESA, "2025-03-01"): Sums(1, 2, VERSION),
        (0, "bride_risk_rate", DESA, "2023-02-01"): Sums(1, 1, VERSION),
        (0, "bride_risk_rate", DESA, "2023-03-01"): Sums(0, 1, VERSION),
    }


def test_household_year_is_the_reference_dates_year() -> None:
    frame = enriched("household_welfare", household(reference_date="2024-11-20"))
    assert frame["year"].to_list() == [2024]
    sums = counted("household_welfare", frame, Methodology({2024: 300_000}))
    assert sums == {(0, "extreme_poverty_rate", DESA, "2024-11-01"): Sums(5, 5, VERSION)}


def test_population_is_dated_the_first_of_january_of_its_year() -> None:
    data = {"record_id": "P-1", "year": 2025, "age_group": "0-4", "sex": "L", "count": 40, "desa_code": DESA}
    frame = enriched("population", data)
    assert frame.select("record_date", "period").row(0) == (date(2025, 1, 1), date(2025, 1, 1))
    # the subject is (desa, year, age group, sex), hashed
    assert frame["subject_hash"].to_list() == [pseudonymise(f"{DESA}|2025|0-4|L", SECRET)]
    sums = counted("population", frame)
    assert sums == {(0, "weighing_coverage", DESA, f"2025-{m:02d}-01"): Sums(0, 40, VERSION) for m in range(1, 13)}


def test_no_nik_or_kk_number_leaves_enrich_and_the_facts_name_them_by_hmac() -> None:
    frame = enriched("family_risk", family())
    for name in ("kk_number", "head_nik", "child_niks"):
        assert name not in frame.columns
    assert frame["subject_hash"].to_list() == [pseudonymise(KK, SECRET)]
    assert frame["kk_hash"].to_list() == [pseudonymise(KK, SECRET)]
    assert frame["persons"].to_list() == [[pseudonymise(n, SECRET) for n in KIDS]]
    sums = counted("family_risk", frame)
    assert sums == {(0, "family_risk_rate", DESA, "2025-03-01"): Sums(1, 1, VERSION)}
    table, facts = feeds.fact_rows("family_risk", frame, [0], NOW)
    assert table == "fact_record"
    assert facts.columns == list(feeds.FACT_COLUMNS)
    text = str(facts.to_dicts())
    for secret_value in (KK, HEAD, *KIDS):
        assert secret_value not in text
    [row] = facts.to_dicts()
    assert (row["feed"], row["event_id"], row["version"]) == ("family_risk", "e0", 0)
    assert row["record_values"].startswith('{"has_under_five":true,"has_pregnant":false,"safe_water":false')


def test_a_programme_activity_names_its_beneficiary_by_hmac_and_counts_in_no_stream_sum() -> None:
    data = {
        "record_id": "A-1",
        "programme": "genting",
        "activity_type": "food_package",
        "beneficiary_nik": KIDS[0],
        "beneficiary_kk": None,
        "provider_id": "X",
        "activity_date": "2025-03-02",
        "quantity": 1.0,
        "desa_code": DESA,
    }
    frame = enriched("program_activity", data)
    assert frame["persons"].to_list() == [[pseudonymise(KIDS[0], SECRET)]]
    assert frame["kk_hash"].to_list() == [""]
    assert counted("program_activity", frame) == {}
