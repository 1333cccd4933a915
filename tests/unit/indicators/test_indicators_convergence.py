"""convergence_reach's target children from hand-made facts (docs/indicators.md, "convergence_reach")."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from satudata.indicators import Methodology
from services.indicators.convergence import Facts, affected_months, targets_of_month

JUNE = date(2025, 6, 1)  # its last day E is 30 June; E-89 is 2 April
DESA_A, DESA_B, DESA_C = "5301042003", "5301042004", "5301042005"
LINE = Methodology({2024: 300_000, 2025: 300_000})


CHILD_SCHEMA = {
    "subject_hash": pl.String,
    "period": pl.Date,
    "desa_code": pl.String,
    "posyandu_id": pl.String,
    "measure_date": pl.Date,
    "age_days": pl.Int64,
    "oedema": pl.Boolean,
    **{z: pl.Float64 for z in ("zlen", "zwei", "zwfl")},
    **{f: pl.Int64 for f in ("flen", "fwei", "fwfl")},
}
KEYS = {
    "subject_hash": pl.String,
    "period": pl.Date,
    "record_date": pl.Date,
    "desa_code": pl.String,
    "persons": pl.List(pl.String),
}
FAMILY_SCHEMA = KEYS | {
    name: pl.Boolean
    for name in (
        "has_under_five",
        "has_pregnant",
        "safe_water",
        "proper_latrine",
        "mother_too_young",
        "mother_too_old",
        "births_too_close",
        "too_many_children",
    )
}
HOUSEHOLD_SCHEMA = KEYS | {"members": pl.Int64, "per_capita_expenditure_rp": pl.Int64, "year": pl.Int64}


def children(*rows: tuple[str, str, str, float]) -> pl.DataFrame:
    """(child, measure date, desa, zlen) → fact_child_measurement columns."""
    return pl.DataFrame(
        [
            {
                "subject_hash": child,
                "period": date.fromisoformat(measured[:8] + "01"),
                "desa_code": desa,
                "posyandu_id": f"P-{child}",
                "measure_date": date.fromisoformat(measured),
                "age_days": 500,
                "oedema": False,
                "zlen": zlen,
                "flen": 0,
                "zwei": 0.0,
                "fwei": 0,
                "zwfl": 0.0,
                "fwfl": 0,
            }
            for child, measured, desa, zlen in rows
        ],
        schema=CHILD_SCHEMA,
    )


def families(*rows: tuple[str, str, str, list[str], bool]) -> pl.DataFrame:
    """(kk, period, desa, children named, at risk)."""
    return pl.DataFrame(
        [
            {
                "subject_hash": kk,
                "period": date.fromisoformat(period),
                "record_date": date.fromisoformat(period),  # the record's date: the first of its month here
                "desa_code": desa,
                "persons": persons,
                "has_under_five": True,
                "has_pregnant": False,
                "safe_water": not risk,
                "proper_latrine": True,
                "mother_too_young": False,
                "mother_too_old": False,
                "births_too_close": False,
                "too_many_children": False,
            }
            for kk, period, desa, persons, risk in rows
        ],
        schema=FAMILY_SCHEMA,
    )


def households(*rows: tuple[str, str, str, list[str], int]) -> pl.DataFrame:
    """(kk, period, desa, children named, per-capita expenditure)."""
    return pl.DataFrame(
        [
            {
                "subject_hash": kk,
                "period": date.fromisoformat(period),
                "record_date": date.fromisoformat(period),  # the record's date: the first of its month here
                "desa_code": desa,
                "persons": persons,
                "members": 4,
                "per_capita_expenditure_rp": rp,
                "year": int(period[:4]),
            }
            for kk, period, desa, persons, rp in rows
        ],
        schema=HOUSEHOLD_SCHEMA,
    )


def activities(*rows: tuple[list[str], str, str, str]) -> pl.DataFrame:
    """(children named, kk, activity date, programme)."""
    return pl.DataFrame(
        [
            {"persons": persons, "kk_hash": kk, "record_date": date.fromisoformat(when), "programme": programme}
            for persons, kk, when, programme in rows
        ],
        schema={"persons": pl.List(pl.String), "kk_hash": pl.String, "record_date": pl.Date, "programme": pl.String},
    )


def targets(facts: Facts, month: date = JUNE) -> dict[str, dict[str, Any]]:
    out = targets_of_month(facts, month, LINE)
    assert set(out["period"].to_list()) <= {month}
    return {row.pop("child_hash"): row for row in out.drop("period", "posyandu_id").to_dicts()}


FACTS = Facts(
    children=children(
        ("s1", "2025-04-15", DESA_A, -2.5),  # m-2: stunted
        ("s2", "2025-03-20", DESA_A, -2.5),  # m-3: too long ago
        ("s3", "2025-05-10", DESA_A, -2.5),  # stunted in May, not in June: the latest counts
        ("s3", "2025-06-05", DESA_A, -1.0),
        ("n1", "2025-06-01", DESA_A, -2.0),  # exactly -2: not stunted
    ),
    families=families(
        ("kk1", "2024-07-01", DESA_B, ["f1"], True),  # m-11: at risk
        ("kk2", "2024-06-01", DESA_B, ["f2"], True),  # m-12: too long ago
        ("kk4", "2025-01-01", DESA_B, ["s1"], True),
        ("kk6", "2024-09-01", DESA_B, ["f3"], True),  # at risk, then assessed again and not
        ("kk6", "2025-02-01", DESA_B, ["f3"], False),
    ),
    households=households(
        ("kk3", "2025-01-01", DESA_C, ["p1"], 250_000),  # extreme poor
        ("kk5", "2025-03-01", DESA_C, ["f1"], 200_000),
        ("kk7", "2025-03-01", DESA_C, ["r1"], 300_000),  # at the line: not poor
    ),
    activities=activities(
        (["s1"], "", "2025-04-02", "genting"),  # E-89: inside the 90 days
        ([], "kk1", "2025-06-30", "posyandu"),  # reaches f1 by KK
        (["p1"], "", "2025-04-01", "gati"),  # E-90: 91 days, outside
        (["p1"], "kk3", "2025-06-15", "sidaya"),  # not a reaching programme
        (["p1"], "", "2025-07-01", "tamasya"),  # after the month
    ),
)


def test_the_target_children_of_a_month_and_who_reached_them() -> None:
    assert targets(FACTS) == {
        "s1": {
            "desa_code": DESA_A,  # measured there; its family's desa B comes after
            "stunted": 1,
            "family_at_risk": 1,
            "extreme_poor": 0,
            "reached": 1,
            "kk_hash": "kk4",
            "last_measure_date": date(2025, 4, 15),
            "last_intervention_date": date(2025, 4, 2),
        },
        "f1": {
            "desa_code": DESA_B,  # the family_risk record before the welfare one (desa C)
            "stunted": 0,
            "family_at_risk": 1,
            "extreme_poor": 1,
            "reached": 1,
            "kk_hash": "kk1",
            "last_measure_date": None,
            "last_intervention_date": date(2025, 6, 30),
        },
        "p1": {
            "desa_code": DESA_C,
            "stunted": 0,
            "family_at_risk": 0,
            "extreme_poor": 1,
            "reached": 0,
            "kk_hash": "kk3",
            "last_measure_date": None,
            "last_intervention_date": None,
        },
    }


def test_a_measurement_counts_for_three_months_and_a_family_for_twelve() -> None:
    # In May, s2 (measured March, m-2) is a target and s3 is stunted (its June record is in the future).
    may = targets(FACTS, date(2025, 5, 1))
    assert {"s1", "s2", "s3"} <= set(may)
    assert may["s3"]["stunted"] == 1
    # In May 2025, kk2 (June 2024) is m-11: f2 is a target; in July 2025 kk1 (July 2024) is m-12: f1 is only poor.
    assert may["f2"]["family_at_risk"] == 1
    july = targets(FACTS, date(2025, 7, 1))
    assert july["f1"]["family_at_risk"] == 0 and july["f1"]["extreme_poor"] == 1
    # kk6 at risk in September 2024 but not in February 2025: in December 2024, f3 is a target.
    assert "f3" in targets(FACTS, date(2024, 12, 1))
    assert "f3" not in targets(FACTS)


def test_reached_by_the_kk_of_a_welfare_record_too() -> None:
    facts = Facts(
        children=children(),
        families=families(),
        households=households(("kk3", "2025-01-01", DESA_C, ["p1"], 250_000)),
        activities=activities(([], "kk3", "2025-06-01", "tamasya"), ([], "kk9", "2025-06-01", "gati")),
    )
    got = targets(facts)
    assert got["p1"]["reached"] == 1 and got["p1"]["last_intervention_date"] == date(2025, 6, 1)


def test_the_families_desa_on_a_tie_is_the_smallest_code() -> None:
    facts = Facts(
        children=children(),
        families=families(
            ("kkB", "2025-05-01", DESA_B, ["c"], True),
            ("kkA", "2025-05-01", DESA_A, ["c"], False),
        ),
        households=households(),
        activities=activities(),
    )
    assert targets(facts)["c"]["desa_code"] == DESA_A


def test_no_facts_no_targets() -> None:
    empty = Facts(children(), families(), households(), activities())
    assert targets_of_month(empty, JUNE, LINE).height == 0


def test_the_months_a_changed_fact_can_change() -> None:
    assert affected_months([date(2025, 11, 1)], "child_measurement") == {
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    }
    assert len(affected_months([date(2025, 1, 1)], "family_risk")) == 12
    # an activity reaches 90 days back from a month's end: its own month and the three after
    assert affected_months([date(2025, 1, 1)], "program_activity") == {
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
        date(2025, 4, 1),
    }
