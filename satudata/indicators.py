"""The indicator registry, and the rules that turn a record into contributions.

For now the five anthropometric prevalences of the child_measurement feed; the indicators registry issue
extends this module (programmes, poverty). Values are fractions (0.12 is 12 %); `unit` says how to show them.

A contribution is what one record adds to an indicator's numerator and denominator (0 or 1 each). Rules are
vectorised over a polars frame, pure, and know nothing of Kafka or storage: the indicators service decides
which record counts for a subject and month, and sums the contributions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal

import polars as pl

from satudata.events import Feed
from satudata.growth.age import DAYS_PER_MONTH, MONTHS_LIMIT

Unit = Literal["percent"]


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    name_id: str
    name_en: str
    unit: Unit = "percent"
    higher_is_better: bool = False
    target: float | None = None  # a fraction, like the values
    feed: str = "child_measurement"


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(
            "stunting_prevalence",
            "Prevalensi stunting (balita pendek dan sangat pendek)",
            "Stunting prevalence (children under five, height-for-age below -2 SD)",
            target=0.12,  # RPJMD NTT
        ),
        Indicator(
            "severe_stunting_prevalence",
            "Prevalensi balita sangat pendek",
            "Severe stunting prevalence (height-for-age below -3 SD)",
        ),
        Indicator(
            "wasting_prevalence",
            "Prevalensi wasting (gizi kurang dan gizi buruk)",
            "Wasting prevalence (weight-for-height below -2 SD)",
        ),
        Indicator(
            "underweight_prevalence",
            "Prevalensi berat badan kurang (underweight)",
            "Underweight prevalence (weight-for-age below -2 SD)",
        ),
        Indicator(
            "overweight_prevalence",
            "Prevalensi gizi lebih (overweight)",
            "Overweight prevalence (weight-for-height above +2 SD)",
        ),
    )
}


def of_feed(feed: str) -> tuple[str, ...]:
    """Codes of the indicators a feed's records contribute to, in registry order."""
    return tuple(code for code, indicator in INDICATORS.items() if indicator.feed == feed)


def numerator_column(code: str) -> str:
    return f"{code}_num"


def denominator_column(code: str) -> str:
    return f"{code}_den"


# Who a record is about and which month it counts in


def subject_key(feed: Feed) -> pl.Expr:
    """The feed's subject key as text: its key fields joined by '|', or `rec:<record_id>` when one is missing.

    The same value keys the clean topic, so every record about one subject lands in one partition. It holds a
    NIK or KK number: hash it (satudata.nik.pseudonymise_column) before it goes anywhere.
    """
    fields = [pl.col(name).cast(pl.String) for name in feed.subject_key]
    known = pl.all_horizontal(field.is_not_null() for field in fields)
    return (
        pl.when(known)
        .then(pl.concat_str(fields, separator="|"))
        .otherwise(pl.lit("rec:") + pl.col("record_id").cast(pl.String))
    )


def period_start(date: pl.Expr) -> pl.Expr:
    """The period of a local (WITA) date: its calendar month, as the first day of that month."""
    return date.dt.truncate("1mo")


# child_measurement: WHO prevalence rules, as WHO's anthro package computes them (R/prevalence.R)

# Oedema makes the weight-based z-scores missing, yet WHO counts those children below -3 SD in every
# weight-based prevalence (anthro's auxiliary z of -3.1): they are in the denominator and in the
# undernutrition numerators, never in overweight.
OEDEMA_AUX_Z: Final = -3.1

# indicator → (z-score, its flag column, the cut-off test); the denominator is "an auxiliary z exists".
_ANTHRO_RULES: Final[dict[str, tuple[str, str, Callable[[pl.Expr], pl.Expr]]]] = {
    "stunting_prevalence": ("zlen", "flen", lambda z: z < -2),
    "severe_stunting_prevalence": ("zlen", "flen", lambda z: z < -3),
    "wasting_prevalence": ("zwfl", "fwfl", lambda z: z < -2),
    "underweight_prevalence": ("zwei", "fwei", lambda z: z < -2),
    "overweight_prevalence": ("zwfl", "fwfl", lambda z: z > 2),
}
_WEIGHT_BASED: Final = frozenset({"zwei", "zwfl"})


def _under_five(age_days: pl.Expr) -> pl.Expr:
    # Stated here as well as in growth.zscores so that a z-score from elsewhere cannot put an older child in.
    return age_days.is_not_null() & (age_days >= 0) & (age_days / DAYS_PER_MONTH < MONTHS_LIMIT)


def _auxiliary_z(z_name: str, flag_name: str, under_five: pl.Expr, oedema: pl.Expr) -> pl.Expr:
    """The z-score a prevalence uses: null when missing, flagged or over age; -3.1 for oedema if weight-based.

    Oedema wins over a flag and over a missing z, as in anthro, where the auxiliary value replaces both.
    """
    z, flag = pl.col(z_name), pl.col(flag_name)
    usable = under_five & z.is_not_null() & z.is_not_nan() & (flag.fill_null(0) == 0)
    value = pl.when(usable).then(z)
    if z_name in _WEIGHT_BASED:
        value = pl.when(under_five & oedema).then(pl.lit(OEDEMA_AUX_Z)).otherwise(value)
    return value


def child_measurement_contributions(frame: pl.DataFrame) -> pl.DataFrame:
    """Per record (row i of the result is row i of `frame`), 0/1 numerator and denominator of each
    anthropometric prevalence, as UInt8 columns `<code>_num` and `<code>_den`.

    `frame` needs `age_days`, `oedema` (Boolean, null = no) and the z-scores with their flags as
    satudata.growth.zscores adds them (zlen/flen, zwei/fwei, zwfl/fwfl). A flagged z-score is left out, as
    WHO does; so is every record from 60 months of age.
    """
    under_five = _under_five(pl.col("age_days"))
    oedema = pl.col("oedema").fill_null(False)
    auxiliary = {
        z_name: _auxiliary_z(z_name, flag_name, under_five, oedema) for z_name, flag_name, _ in _ANTHRO_RULES.values()
    }
    columns: list[pl.Expr] = []
    for code, (z_name, _, cut) in _ANTHRO_RULES.items():
        z = auxiliary[z_name]
        columns.append(cut(z).fill_null(False).cast(pl.UInt8).alias(numerator_column(code)))
        columns.append(z.is_not_null().cast(pl.UInt8).alias(denominator_column(code)))
    return frame.select(columns)
