"""convergence_reach: which target children a programme reached, from the facts of four feeds (pure).

docs/indicators.md states the rule. Inputs are the facts as ClickHouse keeps them (the record that counts per
feed, subject and month), already pseudonymised: children by the HMAC of their NIK, families by the HMAC of
their KK number. The job that reads and writes ClickHouse is joined.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

import polars as pl

from satudata.indicators import (
    Methodology,
    child_measurement_contributions,
    extreme_poor,
    family_at_risk,
    shift_period,
)

#: Programmes whose activities reach a child (cadre training and SIDAYA do not).
REACHING_PROGRAMMES: Final = ("genting", "tamasya", "gati", "posyandu")
WINDOW_DAYS: Final = 90
MEASUREMENT_MONTHS: Final = 3  # m-2..m
FAMILY_MONTHS: Final = 12  # m-11..m
TARGET_COLUMNS: Final = (
    *("period", "child_hash", "desa_code", "stunted", "family_at_risk", "extreme_poor", "reached"),
    *("kk_hash", "posyandu_id", "last_measure_date", "last_intervention_date"),
)


@dataclass(frozen=True, slots=True)
class Facts:
    """children: fact_child_measurement columns (subject_hash, period, desa_code, posyandu_id, measure_date and
    the z-scores the rules read); families / households: subject_hash (the KK), period, desa_code, persons and
    the rule's values; activities: persons, kk_hash, record_date, programme."""

    children: pl.DataFrame
    families: pl.DataFrame
    households: pl.DataFrame
    activities: pl.DataFrame


def months_back(month: date, count: int) -> date:
    """The first month of the `count` months that end with `month`."""
    return shift_period(month, 1 - count)


def month_end(month: date) -> date:
    return shift_period(month, 1) - timedelta(days=1)


def _within(frame: pl.DataFrame, month: date, count: int) -> pl.DataFrame:
    return frame.filter(pl.col("period").is_between(months_back(month, count), month))


def _latest(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """Per key the row of its latest period (one record counts per subject and period)."""
    return frame.sort(key, "period").group_by(key, maintain_order=True).last()


_NAMED: Final = ("child_hash", "kk_hash", "desa_code", "record_date")


def _named(frame: pl.DataFrame, status: pl.Expr, name: str) -> pl.DataFrame:
    """(child_hash, kk_hash, desa_code, record_date, <name>) for every child a family or household names."""
    return (
        frame.select(
            pl.col("persons").alias("child_hash"),
            pl.col("subject_hash").alias("kk_hash"),
            "desa_code",
            "record_date",
            status.fill_null(False).alias(name),
        )
        .explode("child_hash")
        .drop_nulls("child_hash")
    )


def targets_of_month(facts: Facts, month: date, methodology: Methodology) -> pl.DataFrame:
    """The target children of one month (TARGET_COLUMNS), reached or not."""
    children = _latest(_within(facts.children, month, MEASUREMENT_MONTHS), "subject_hash")
    children = children.hstack(child_measurement_contributions(children).select("stunting_prevalence_num"))
    measured = children.select(
        pl.col("subject_hash").alias("child_hash"),
        (pl.col("stunting_prevalence_num") == 1).alias("stunted"),
        pl.col("desa_code").alias("measured_desa"),
        "posyandu_id",
        pl.col("measure_date").alias("last_measure_date"),
    )
    families = _named(_latest(_within(facts.families, month, FAMILY_MONTHS), "subject_hash"), family_at_risk(), "risk")
    households = _named(
        _latest(_within(facts.households, month, FAMILY_MONTHS), "subject_hash"), extreme_poor(methodology), "poor"
    )
    named = pl.concat(
        [
            families.select(*_NAMED, pl.lit(0).alias("source"), "risk", pl.lit(False).alias("poor")),
            households.select(*_NAMED, pl.lit(1).alias("source"), pl.lit(False).alias("risk"), "poor"),
        ]
    )
    # the family's desa: the family_risk record naming the child before the welfare one, the latest first
    per_child = (
        named.sort("child_hash", "source", "record_date", "desa_code", descending=[False, False, True, False])
        .group_by("child_hash", maintain_order=True)
        .agg(
            pl.col("risk").any().alias("family_at_risk"),
            pl.col("poor").any().alias("extreme_poor"),
            pl.col("kk_hash").first().alias("kk_hash"),
            pl.col("kk_hash").alias("kks"),
            pl.col("desa_code").first().alias("family_desa"),
        )
    )
    joined = measured.join(per_child, on="child_hash", how="full", coalesce=True).with_columns(
        pl.col("stunted", "family_at_risk", "extreme_poor").fill_null(False),
        pl.col("kks").fill_null([]),
    )
    target = joined.filter(pl.col("stunted") | pl.col("family_at_risk") | pl.col("extreme_poor"))
    return _reached(target, facts.activities, month).select(
        pl.lit(month).alias("period"),
        "child_hash",
        pl.coalesce("measured_desa", "family_desa").alias("desa_code"),
        *(pl.col(name).cast(pl.UInt8) for name in ("stunted", "family_at_risk", "extreme_poor", "reached")),
        pl.col("kk_hash").fill_null(""),
        pl.col("posyandu_id").fill_null(""),
        "last_measure_date",
        "last_intervention_date",
    )


def _reached(target: pl.DataFrame, activities: pl.DataFrame, month: date) -> pl.DataFrame:
    end = month_end(month)
    window = activities.filter(
        pl.col("programme").is_in(REACHING_PROGRAMMES)
        & pl.col("record_date").is_between(end - timedelta(days=WINDOW_DAYS - 1), end)
    )
    by_person = (
        window.select(pl.col("persons").alias("child_hash"), "record_date")
        .explode("child_hash")
        .drop_nulls("child_hash")
        .group_by("child_hash")
        .agg(pl.col("record_date").max().alias("by_nik"))
    )
    by_kk = window.filter(pl.col("kk_hash") != "").group_by("kk_hash").agg(pl.col("record_date").max().alias("kk_date"))
    kk_dates = (
        target.select("child_hash", pl.col("kks").alias("kk"))
        .explode("kk")
        .join(by_kk, left_on="kk", right_on="kk_hash", how="inner")
        .group_by("child_hash")
        .agg(pl.col("kk_date").max().alias("by_kk"))
    )
    return (
        target.join(by_person, on="child_hash", how="left")
        .join(kk_dates, on="child_hash", how="left")
        .with_columns(pl.max_horizontal("by_nik", "by_kk").alias("last_intervention_date"))
        .with_columns(pl.col("last_intervention_date").is_not_null().alias("reached"))
    )


def targets(facts: Facts, months: Iterable[date], methodology: Methodology) -> pl.DataFrame:
    frames = [targets_of_month(facts, month, methodology) for month in sorted(set(months))]
    return pl.concat(frames) if frames else pl.DataFrame()


def affected_months(periods: Iterable[date], feed: str) -> set[date]:
    """Months whose convergence a changed fact of `feed` and `period` can change."""
    reach = {"child_measurement": MEASUREMENT_MONTHS, "program_activity": 4}.get(feed, FAMILY_MONTHS)
    return {shift_period(period, k) for period in periods for k in range(reach)}
