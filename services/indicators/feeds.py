"""What the indicators service needs from each feed: how its decoded records get the values its rule reads,
and where the record that counts is kept as a fact.

Everything else (choosing the record that counts, the rules, sums, tables, changelogs, ClickHouse) is the same
for every feed. Counting a new feed means: its fields in satudata/events.py, its rule and FEED_VALUES in
satudata/indicators/rules.py, and (when it needs derived values) an entry in DERIVE below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Final

import orjson
import polars as pl

from satudata import events, growth
from satudata.indicators import FEED_VALUES, period_start, subject_key
from satudata.nik import pseudonymise_column
from satudata.regions import master
from services.indicators.counting import Row, SumKey, Sums
from services.indicators.decode import schema_dtype

SUM_TABLE: Final = "indicator_value"
FACT_TABLE: Final = "fact_record"
CHILD_FACT_TABLE: Final = "fact_child_measurement"
SUM_COLUMNS: Final = (
    *("indicator", "period", "desa_code", "kecamatan_code", "kabupaten_code", "feed", "partition"),
    *("numerator", "denominator", "version", "updated_at"),
)
FACT_COLUMNS: Final = (
    *("feed", "subject_hash", "period", "desa_code", "kecamatan_code", "kabupaten_code"),
    *("event_id", "record_id", "source", "record_date", "record_values", "persons", "kk_hash"),
    *("event_time", "ingested_at", "version"),
)
CHILD_FACT_COLUMNS: Final = (
    *("subject_hash", "period", "desa_code", "kecamatan_code", "kabupaten_code"),
    *("event_id", "record_id", "source", "posyandu_id", "sex", "birth_date", "measure_date", "age_days"),
    *("weight_kg", "height_cm", "measure_position", "muac_cm", "oedema"),
    *("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "flen", "fwei", "fwfl", "fbmi", "fac"),
    *("event_time", "ingested_at", "version"),
)
# The people and the family a record names, for the joins (convergence): hashed like every subject.
PERSON_FIELDS: Final = {
    "family_risk": "child_niks",
    "household_welfare": "child_niks",
    "program_activity": "beneficiary_nik",
}
KK_FIELDS: Final = {
    "family_risk": "kk_number",
    "household_welfare": "kk_number",
    "wash_access": "kk_number",
    "pregnancy_check": "kk_number",
    "program_activity": "beneficiary_kk",
}
_SEX_CODES: Final = {"L": 1, "P": 2}
_MEASURE_CODES: Final = {"lying": "l", "standing": "h"}


def _child_measurement(frame: pl.DataFrame) -> pl.DataFrame:
    """Age in days and the WHO z-scores with their flags (satudata.growth)."""
    frame = frame.with_columns(growth.age_in_days("birth_date", "measure_date").cast(pl.Int32).alias("age_days"))
    inputs = frame.select(
        pl.col("sex").replace_strict(_SEX_CODES, default=None, return_dtype=pl.Int8),
        "age_days",
        "weight_kg",
        pl.col("height_cm").alias("lenhei_cm"),
        pl.col("measure_position").replace_strict(_MEASURE_CODES, default=None).alias("measure"),
        "oedema",
        "muac_cm",
    )
    return frame.hstack(growth.zscores(inputs).select(growth.OUTPUT_COLUMNS))


def whole_years(birth: pl.Expr, on: pl.Expr) -> pl.Expr:
    """Completed years of age on a date (a birthday counts on its day)."""
    before_birthday = (on.dt.month() < birth.dt.month()) | (
        (on.dt.month() == birth.dt.month()) & (on.dt.day() < birth.dt.day())
    )
    return (on.dt.year() - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64)


DERIVE: Final[dict[str, Callable[[pl.DataFrame], pl.DataFrame]]] = {
    "child_measurement": _child_measurement,
    "bride_screening": lambda f: f.with_columns(
        whole_years(pl.col("birth_date"), pl.col("screening_date")).alias("age_years")
    ),
    "household_welfare": lambda f: f.with_columns(pl.col("reference_date").dt.year().cast(pl.Int64).alias("year")),
}


def record_date(feed: events.Feed) -> pl.Expr:
    """The date that places a record in its period and ranks it: its date field (population: 1 January)."""
    if feed.name == "population":
        return pl.date(pl.col("year").cast(pl.Int32), 1, 1)
    return pl.col(feed.date_field)


def enrich(feed_name: str, frame: pl.DataFrame, secret: str) -> pl.DataFrame:
    """A decoded frame with subject_hash, period, record_date, time_us, region codes, the rule's values, and the
    hashes of the persons and KK it names; every NIK and KK number is dropped here, before anything else sees it."""
    feed = events.feed(feed_name)
    subject = pseudonymise_column(frame.select(subject_key(feed)).to_series(), secret)
    frame = DERIVE.get(feed_name, lambda f: f)(frame)
    frame = frame.with_columns(
        subject.alias("subject_hash"),
        record_date(feed).alias("record_date"),
        pl.col("time").dt.epoch("us").fill_null(0).alias("time_us"),
        _persons(feed_name, frame, secret),
        _kk_hash(feed_name, frame, secret),
    ).with_columns(period_start(pl.col("record_date")).alias("period"))
    kecamatan, kabupaten = region_codes(frame["desa_code"])
    identifiers = [f.name for f in feed.fields if f.kind in ("nik", "kk", "nik_list")]
    return frame.drop(identifiers).with_columns(kecamatan.alias("kecamatan_code"), kabupaten.alias("kabupaten_code"))


def _persons(feed_name: str, frame: pl.DataFrame, secret: str) -> pl.Series:
    field = PERSON_FIELDS.get(feed_name)
    if field is None:
        return pl.Series("persons", [[] for _ in range(frame.height)], dtype=pl.List(pl.String))
    column = frame[field]
    if column.dtype != pl.List(pl.String):
        column = column.cast(pl.String).map_elements(lambda v: [v], return_dtype=pl.List(pl.String), skip_nulls=True)
    lists = column.fill_null([]).to_list()
    flat = pl.Series([nik for niks in lists for nik in niks], dtype=pl.String)
    hashed = iter(pseudonymise_column(flat, secret).to_list())
    return pl.Series("persons", [[next(hashed) for _ in niks] for niks in lists], dtype=pl.List(pl.String))


def _kk_hash(feed_name: str, frame: pl.DataFrame, secret: str) -> pl.Series:
    field = KK_FIELDS.get(feed_name)
    if field is None:
        return pl.Series("kk_hash", [""] * frame.height, dtype=pl.String)
    return pseudonymise_column(frame[field].cast(pl.String), secret).fill_null("").alias("kk_hash")


def region_codes(desa: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Kecamatan and kabupaten codes (digits) of desa codes."""
    # A Kemendagri code holds its parents, so an unknown desa (the contracts refuse those) still rolls up.
    regions = master()
    kecamatan = regions.kecamatan_of(desa).fill_null(desa.str.slice(0, 6))
    kabupaten = regions.kabupaten_of(desa).fill_null(desa.str.slice(0, 4))
    return kecamatan, kabupaten


# dtypes of the values the rules read that are derived here rather than fields of the feed
_DERIVED_DTYPES: Final[dict[str, pl.DataType]] = {
    "age_days": pl.Int64(),
    **{name: pl.Float64() for name in ("zlen", "zwei", "zwfl")},
    **{name: pl.Int64() for name in ("flen", "fwei", "fwfl", "age_years", "year")},
}


def values_schema(feed_name: str) -> dict[str, pl.DataType]:
    """The dtype of each value the feed's rule reads."""
    kinds = {f.name: f.kind for f in events.feed(feed_name).fields}
    return {
        name: _DERIVED_DTYPES[name] if name in _DERIVED_DTYPES else schema_dtype(kinds[name])
        for name in FEED_VALUES[feed_name]
    }


def rows_frame(feed_name: str, rows: Sequence[Row]) -> pl.DataFrame:
    """Counted records (counting.rows) as the frame a rule reads."""
    data: dict[str, list[object]] = {
        "partition": [row[0] for row in rows],
        "subject": [row[1] for row in rows],
        "period": [date.fromisoformat(row[2]) for row in rows],
        "desa_code": [row[3] for row in rows],
    }
    value_types = values_schema(feed_name)
    for name in value_types:
        data[name] = [row[4].get(name) for row in rows]
    base = {"partition": pl.Int64(), "subject": pl.String(), "period": pl.Date(), "desa_code": pl.String()}
    return pl.DataFrame(data, schema={**base, **value_types}, strict=False)


def values_of(feed_name: str, frame: pl.DataFrame) -> list[dict[str, object]]:
    """Per row, what the feed's rule reads: the values the service keeps for the record that counts."""
    names = FEED_VALUES[feed_name]
    if not names:
        return [{} for _ in range(frame.height)]
    return frame.select(names).to_dicts()


def fact_rows(feed_name: str, frame: pl.DataFrame, rows: list[int], now: datetime) -> tuple[str, pl.DataFrame]:
    """(table, rows) of the facts of the records that now count (`rows` index `frame`); version = Kafka offset."""
    if feed_name == "child_measurement":
        return CHILD_FACT_TABLE, _child_fact_rows(frame[rows], now)
    chosen = frame[rows]
    values = [orjson.dumps(v).decode() for v in values_of(feed_name, chosen)]
    return FACT_TABLE, chosen.with_columns(
        pl.lit(feed_name).alias("feed"),
        pl.Series("record_values", values, dtype=pl.String),
        pl.col("source").fill_null(""),
        _event_time(),
        pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("ingested_at"),
        pl.col("offset").cast(pl.UInt64).alias("version"),
    ).select(FACT_COLUMNS)


def _event_time() -> pl.Expr:
    # The envelope check requires a time; should one still be missing, the epoch keeps the row.
    return pl.col("time").fill_null(pl.lit(0).cast(pl.Datetime("us", "UTC"))).alias("event_time")


def _child_fact_rows(chosen: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """The contract makes these fields required, but a null reaching a non-Nullable column would fail the
    insert and stall the partition: such a value is stored empty (text) or NaN (numbers) instead."""
    flags = ("flen", "fwei", "fwfl", "fbmi", "fac")
    return chosen.with_columns(
        pl.col("source", "posyandu_id", "sex", "measure_position").fill_null(""),
        pl.col("weight_kg", "height_cm").fill_null(float("nan")),
        pl.col("age_days").fill_null(-1),
        pl.col("oedema").fill_null(False).cast(pl.UInt8),
        pl.col(flags).cast(pl.UInt8),
        _event_time(),
        pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("ingested_at"),
        pl.col("offset").cast(pl.UInt64).alias("version"),
    ).select(CHILD_FACT_COLUMNS)


def sum_rows(feed_name: str, sums: Mapping[SumKey, Sums], now: datetime) -> pl.DataFrame:
    """indicator_value rows, one per changed partition × indicator × desa × period of the feed."""
    keys = list(sums)
    desa = pl.Series("desa_code", [key[2] for key in keys], dtype=pl.String)
    kecamatan, kabupaten = region_codes(desa)
    return pl.DataFrame(
        {
            "indicator": [key[1] for key in keys],
            "period": [date.fromisoformat(key[3]) for key in keys],
            "desa_code": desa,
            "kecamatan_code": kecamatan,
            "kabupaten_code": kabupaten,
            "feed": [feed_name] * len(keys),
            "partition": pl.Series([key[0] for key in keys], dtype=pl.UInt16),
            "numerator": pl.Series([s.numerator for s in sums.values()], dtype=pl.Int64),
            "denominator": pl.Series([s.denominator for s in sums.values()], dtype=pl.Int64),
            "version": pl.Series([s.version for s in sums.values()], dtype=pl.UInt64),
            "updated_at": pl.Series([now] * len(keys), dtype=pl.Datetime("us", "UTC")),
        },
        schema_overrides={"period": pl.Date, "feed": pl.String},
    )
