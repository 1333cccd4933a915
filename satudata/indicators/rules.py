"""The rules that turn the records that count into contributions: numerator and denominator per indicator,
period and desa. Vectorised over polars frames, pure, and blind to Kafka and storage.

A feed's rule reads a frame of its *counted* records, one row per subject × period (the latest valid record of
that period, chosen by the indicators service), with the columns `FEED_VALUES[feed]` names plus `subject`,
`period` (Date, first of the month), `desa_code` and `partition`. It returns the contributions in long form:
`partition, indicator, period, desa_code, numerator, denominator` (Int64). A rule may look across a subject's
periods (no weight gain compares a child's month with the month before) and may contribute to other periods
than its own (a population count is the denominator of every month of its year), so the service always hands
it every counted period of the subjects it recomputes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final

import polars as pl

from satudata.events import Feed
from satudata.growth.age import DAYS_PER_MONTH, MONTHS_LIMIT

LONG_COLUMNS: Final = ("partition", "indicator", "period", "desa_code", "numerator", "denominator")

# Cut-offs (DOMAIN.md "Indicators"; Kemenkes for KEK and anaemia; BKKBN Elsimil for catin).
KEK_MUAC_CM: Final = 23.5
PREGNANT_ANAEMIA_HB: Final = 11.0
BRIDE_ANAEMIA_HB: Final = 12.0
BRIDE_MIN_AGE_YEARS: Final = 19
# JMP "at least basic" (the BPS "layak" classes).
SAFE_WATER_CLASSES: Final = ("safely_managed", "basic")
PROPER_SANITATION_CLASSES: Final = ("safely_managed", "basic")
UNDER_FIVE_AGE_GROUP: Final = "0-4"
FAMILY_TARGET_FIELDS: Final = ("has_under_five", "has_pregnant")

#: The values of a counted record each feed's rule needs (what the service keeps per subject × period).
FEED_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "child_measurement": ("age_days", "oedema", "zlen", "flen", "zwei", "fwei", "zwfl", "fwfl", "weight_kg"),
    "pregnancy_check": ("muac_cm", "hb_g_dl"),
    "family_risk": (
        *FAMILY_TARGET_FIELDS,
        *("safe_water", "proper_latrine", "mother_too_young", "mother_too_old", "births_too_close"),
        "too_many_children",
    ),
    "bride_screening": ("hb_g_dl", "muac_cm", "age_years"),
    "household_welfare": ("members", "per_capita_expenditure_rp", "year"),
    "wash_access": ("water_source_class", "sanitation_class"),
    "population": ("age_group", "count", "year"),
    "program_activity": ("programme", "activity_type", "quantity"),
}


@dataclass(frozen=True, slots=True)
class Methodology:
    """What a rule needs beyond the record: settings that may change (and then call for a rebuild)."""

    # year → Rp per capita per month; a year not listed takes the nearest listed year's line
    extreme_poverty_line_rp: Mapping[int, int] = field(default_factory=dict)

    def extreme_line(self, year: pl.Expr) -> pl.Expr:
        lines = self.extreme_poverty_line_rp
        if not lines:
            raise ValueError("garis kemiskinan ekstrem belum diatur / no extreme-poverty line is set")
        low, high = min(lines), max(lines)
        clipped = year.clip(low, high)
        known = sorted(lines)
        # the nearest listed year at or below, then the nearest above when it is closer
        below = pl.lit(None, dtype=pl.Int64)
        for y in known:
            below = pl.when(clipped >= y).then(pl.lit(y)).otherwise(below)
        above = pl.lit(None, dtype=pl.Int64)
        for y in reversed(known):
            above = pl.when(clipped <= y).then(pl.lit(y)).otherwise(above)
        nearest = pl.when((clipped - below) <= (above - clipped)).then(below).otherwise(above)
        return nearest.replace_strict({y: v for y, v in lines.items()}, return_dtype=pl.Int64)


Rule = Callable[[pl.DataFrame, Methodology], pl.DataFrame]


def period_start(date: pl.Expr) -> pl.Expr:
    """The period of a local (WITA) date: its calendar month, as the first day of that month."""
    return date.dt.truncate("1mo")


def shift_period(period: date, months: int) -> date:
    """The period `months` after (or, negative, before) a period, both as the first day of their month."""
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


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


def numerator_column(code: str) -> str:
    return f"{code}_num"


def denominator_column(code: str) -> str:
    return f"{code}_den"


def _long(frame: pl.DataFrame, pairs: Mapping[str, tuple[pl.Expr, pl.Expr]]) -> pl.DataFrame:
    """One contribution row per input row and indicator (rows adding nothing are dropped)."""
    parts = [
        frame.select(
            "partition",
            pl.lit(code).alias("indicator"),
            "period",
            "desa_code",
            numerator.fill_null(0).cast(pl.Int64).alias("numerator"),
            denominator.fill_null(0).cast(pl.Int64).alias("denominator"),
        )
        for code, (numerator, denominator) in pairs.items()
    ]
    return _nonzero(pl.concat(parts) if parts else empty())


def _nonzero(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter((pl.col("numerator") != 0) | (pl.col("denominator") != 0))


def empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "partition": pl.Int64,
            "indicator": pl.String,
            "period": pl.Date,
            "desa_code": pl.String,
            "numerator": pl.Int64,
            "denominator": pl.Int64,
        }
    )


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
ANTHRO_CODES: Final = tuple(_ANTHRO_RULES)
_WEIGHT_BASED: Final = frozenset({"zwei", "zwfl"})


def under_five(age_days: pl.Expr) -> pl.Expr:
    # Stated here as well as in growth.zscores so that a z-score from elsewhere cannot put an older child in.
    return age_days.is_not_null() & (age_days >= 0) & (age_days / DAYS_PER_MONTH < MONTHS_LIMIT)


def _auxiliary_z(z_name: str, flag_name: str, young: pl.Expr, oedema: pl.Expr) -> pl.Expr:
    """The z-score a prevalence uses: null when missing, flagged or over age; -3.1 for oedema if weight-based.

    Oedema wins over a flag and over a missing z, as in anthro, where the auxiliary value replaces both.
    """
    z, flag = pl.col(z_name), pl.col(flag_name)
    usable = young & z.is_not_null() & z.is_not_nan() & (flag.fill_null(0) == 0)
    value = pl.when(usable).then(z)
    if z_name in _WEIGHT_BASED:
        value = pl.when(young & oedema).then(pl.lit(OEDEMA_AUX_Z)).otherwise(value)
    return value


def child_measurement_contributions(frame: pl.DataFrame) -> pl.DataFrame:
    """Per record (row i of the result is row i of `frame`), 0/1 numerator and denominator of each
    anthropometric prevalence, as UInt8 columns `<code>_num` and `<code>_den`.

    `frame` needs `age_days`, `oedema` (Boolean, null = no) and the z-scores with their flags as
    satudata.growth.zscores adds them (zlen/flen, zwei/fwei, zwfl/fwfl). A flagged z-score is left out, as
    WHO does; so is every record from 60 months of age.
    """
    young = under_five(pl.col("age_days"))
    oedema = pl.col("oedema").fill_null(False)
    auxiliary = {
        z_name: _auxiliary_z(z_name, flag_name, young, oedema) for z_name, flag_name, _ in _ANTHRO_RULES.values()
    }
    columns: list[pl.Expr] = []
    for code, (z_name, _, cut) in _ANTHRO_RULES.items():
        z = auxiliary[z_name]
        columns.append(cut(z).fill_null(False).cast(pl.UInt8).alias(numerator_column(code)))
        columns.append(z.is_not_null().cast(pl.UInt8).alias(denominator_column(code)))
    return frame.select(columns)


def _child_measurement(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    wide = frame.hstack(child_measurement_contributions(frame))
    young = under_five(pl.col("age_days"))
    pairs = {code: (pl.col(numerator_column(code)), pl.col(denominator_column(code))) for code in ANTHRO_CODES}
    # D of D/S: a child under five measured in the month (its denominator S comes from the population feed)
    pairs["weighing_coverage"] = (young.cast(pl.Int64), pl.lit(0))
    # T: this month and the month before, both with a weight, the weight not higher than before
    ordered = wide.sort("subject", "period")
    previous = ordered.with_columns(
        pl.col("period").shift(1).over("subject").alias("_before_period"),
        pl.col("weight_kg").shift(1).over("subject").alias("_before_weight"),
    )
    consecutive = (
        (pl.col("_before_period") == pl.col("period").dt.offset_by("-1mo"))
        & pl.col("weight_kg").is_not_null()
        & pl.col("_before_weight").is_not_null()
        & young
    )
    gain = {"no_weight_gain_rate": (consecutive & (pl.col("weight_kg") <= pl.col("_before_weight")), consecutive)}
    return pl.concat([_long(wide, pairs), _long(previous, gain)])


def _pregnancy_check(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    muac, hb = pl.col("muac_cm"), pl.col("hb_g_dl")
    return _long(
        frame,
        {
            "pregnant_kek_prevalence": (muac < KEK_MUAC_CM, muac.is_not_null()),
            "pregnant_anaemia_prevalence": (hb < PREGNANT_ANAEMIA_HB, hb.is_not_null()),
        },
    )


def family_at_risk() -> pl.Expr:
    """BKKBN's family at risk of stunting: a target member (an under-five or a pregnant woman) and at least
    one risk factor (no safe water, no proper latrine, or one of the four 'too's)."""
    flag = lambda name: pl.col(name).fill_null(False)  # noqa: E731
    target = flag("has_under_five") | flag("has_pregnant")
    risk = (
        ~pl.col("safe_water").fill_null(True)
        | ~pl.col("proper_latrine").fill_null(True)
        | flag("mother_too_young")
        | flag("mother_too_old")
        | flag("births_too_close")
        | flag("too_many_children")
    )
    return target & risk


def _family_risk(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    return _long(frame, {"family_risk_rate": (family_at_risk(), pl.lit(1))})


def bride_at_risk() -> pl.Expr:
    hb, muac, age = pl.col("hb_g_dl"), pl.col("muac_cm"), pl.col("age_years")
    return (
        (hb < BRIDE_ANAEMIA_HB).fill_null(False)
        | (muac < KEK_MUAC_CM).fill_null(False)
        | (age < BRIDE_MIN_AGE_YEARS).fill_null(False)
    )


def _bride_screening(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    return _long(frame, {"bride_risk_rate": (bride_at_risk(), pl.lit(1))})


def extreme_poor(methodology: Methodology) -> pl.Expr:
    """A household below the extreme-poverty line of its reference year."""
    return pl.col("per_capita_expenditure_rp") < methodology.extreme_line(pl.col("year"))


def _household_welfare(frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    members = pl.col("members").fill_null(0)
    poor = extreme_poor(methodology).fill_null(False)
    return _long(frame, {"extreme_poverty_rate": (pl.when(poor).then(members).otherwise(0), members)})


def _wash_access(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    return _long(
        frame,
        {
            "safe_water_rate": (pl.col("water_source_class").is_in(SAFE_WATER_CLASSES), pl.lit(1)),
            "proper_sanitation_rate": (pl.col("sanitation_class").is_in(PROPER_SANITATION_CLASSES), pl.lit(1)),
        },
    )


def _population(frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    """S of D/S: the children aged 0-4 of a desa and year are the denominator of each month of that year."""
    children = frame.filter(pl.col("age_group") == UNDER_FIVE_AGE_GROUP)
    months = children.with_columns(
        pl.date_ranges(pl.col("period"), pl.col("period").dt.offset_by("11mo"), "1mo").alias("period")
    ).explode("period")
    return _long(months, {"weighing_coverage": (pl.lit(0), pl.col("count").fill_null(0))})


def _nothing(_frame: pl.DataFrame, _: Methodology) -> pl.DataFrame:
    return empty()


RULES: Final[dict[str, Rule]] = {
    "child_measurement": _child_measurement,
    "pregnancy_check": _pregnancy_check,
    "family_risk": _family_risk,
    "bride_screening": _bride_screening,
    "household_welfare": _household_welfare,
    "wash_access": _wash_access,
    "population": _population,
    "program_activity": _nothing,  # its records count in the joined indicator (convergence) and the programmes
}


def contributions(feed: str, frame: pl.DataFrame, methodology: Methodology) -> pl.DataFrame:
    """The long contributions of a frame of counted records of `feed` (see the module's docstring)."""
    if frame.height == 0:
        return empty()
    out = RULES[feed](frame, methodology)
    return out.select(
        pl.col("partition").cast(pl.Int64),
        pl.col("indicator").cast(pl.String),
        pl.col("period").cast(pl.Date),
        pl.col("desa_code").cast(pl.String),
        "numerator",
        "denominator",
    )
