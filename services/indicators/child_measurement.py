"""child_measurement for the indicators service: a batch of clean measurements, from Kafka bytes to what
counting and storage need.

Whole batches at once (one orjson call, one polars frame, one z-score pass): per-event decoding is what
costs a Faust worker most. The child's NIK is replaced by its HMAC as soon as the subject key is built, and
never leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
import polars as pl

from satudata import events, growth, indicators
from satudata.logs import get_logger
from satudata.nik import pseudonymise_column
from services.indicators.counting import Record
from services.indicators.feeds import FeedCounting, Message, region_codes

FEED = "child_measurement"
FACT_TABLE = "fact_child_measurement"
CODES = indicators.of_feed(FEED)

_SEX_CODES = {"L": 1, "P": 2}
_MEASURE_CODES = {"lying": "l", "standing": "h"}
# CloudEvents times are RFC 3339: an offset or Z always, fractions of a second optional.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"

# What is read from each clean message, in this order (see _row).
_SCHEMA: dict[str, Any] = {
    "event_id": pl.String,
    "source": pl.String,
    "time": pl.String,
    "record_id": pl.String,
    "child_nik": pl.String,
    "sex": pl.String,
    "birth_date": pl.String,
    "measure_date": pl.String,
    "weight_kg": pl.Float64,
    "height_cm": pl.Float64,
    "measure_position": pl.String,
    "muac_cm": pl.Float64,
    "oedema": pl.Boolean,
    "desa_code": pl.String,
    "partition": pl.Int32,
    "offset": pl.Int64,
}
_REQUIRED = ("event_id", "record_id", "birth_date", "measure_date", "desa_code")

# The columns of the ClickHouse tables (satudata/store/migrations), in their order.
FACT_COLUMNS = (
    *("subject_hash", "period", "desa_code", "kecamatan_code", "kabupaten_code"),
    *("event_id", "record_id", "source", "sex", "birth_date", "measure_date", "age_days"),
    *("weight_kg", "height_cm", "measure_position", "muac_cm", "oedema"),
    *("clenhei", "zlen", "zwei", "zwfl", "zbmi", "zac", "flen", "fwei", "fwfl", "fbmi", "fac"),
    *("event_time", "ingested_at", "version"),
)
log = get_logger(__name__)


def _row(message: Any, partition: int, offset: int) -> tuple[Any, ...]:
    event = message["event"]
    data = event["data"]
    optional = data.get
    return (
        event["id"],
        event.get("source"),
        event.get("time"),
        data["record_id"],
        optional("child_nik"),
        optional("sex"),
        data["birth_date"],
        data["measure_date"],
        optional("weight_kg"),
        optional("height_cm"),
        optional("measure_position"),
        optional("muac_cm"),
        optional("oedema"),
        data["desa_code"],
        partition,
        offset,
    )


def _loads_each(messages: Sequence[Message]) -> list[Any]:
    decoded: list[Any] = []
    for message in messages:
        try:
            decoded.append(orjson.loads(message.value or b""))
        except orjson.JSONDecodeError:
            decoded.append(None)
    return decoded


def decode(messages: Sequence[Message]) -> pl.DataFrame:
    """The messages as one typed frame; a message that is not a clean child measurement is logged (where it
    sits, never what it says) and left out, so one bad message cannot hold up the rest."""
    try:
        decoded = orjson.loads(b"[" + b",".join(m.value or b"null" for m in messages) + b"]")
    except orjson.JSONDecodeError:
        decoded = _loads_each(messages)
    rows: list[tuple[Any, ...]] = []
    for message, value in zip(messages, decoded, strict=True):
        try:
            rows.append(_row(value, message.partition, message.offset))
        except (KeyError, TypeError, AttributeError):  # not an object where one belongs
            where = {"partition": message.partition, "offset": message.offset}
            log.warning("clean message skipped", reason="unreadable", **where)
    # Column by column, non-strict: a value of the wrong type (a text weight) becomes null, not an error.
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in _SCHEMA]
    series = zip(_SCHEMA.items(), columns, strict=True)
    frame = pl.DataFrame([pl.Series(name, values, dtype=dtype, strict=False) for (name, dtype), values in series])
    frame = frame.with_columns(
        pl.col("birth_date", "measure_date").str.to_date("%Y-%m-%d", strict=False),
        pl.col("time").str.to_datetime(_TIME_FORMAT, time_zone="UTC", time_unit="us", strict=False),
    )
    complete = pl.all_horizontal(pl.col(name).is_not_null() for name in _REQUIRED)
    incomplete = frame.filter(~complete)
    for partition, offset in incomplete.select("partition", "offset").iter_rows():
        log.warning("clean message skipped", reason="incomplete", partition=partition, offset=offset)
    return frame.filter(complete)


def enrich(frame: pl.DataFrame, secret: str) -> pl.DataFrame:
    """The decoded frame with subject_hash (the NIK dropped), period, region codes, age, WHO z-scores and
    flags, and each indicator's contributions."""
    subject = pseudonymise_column(frame.select(indicators.subject_key(events.feed(FEED))).to_series(), secret)
    frame = frame.drop("child_nik").with_columns(
        subject.alias("subject_hash"),
        indicators.period_start(pl.col("measure_date")).alias("period"),
        growth.age_in_days("birth_date", "measure_date").cast(pl.Int32).alias("age_days"),
        pl.col("time").dt.epoch("us").fill_null(0).alias("time_us"),
    )
    kecamatan, kabupaten = region_codes(frame["desa_code"])
    growth_inputs = frame.select(
        pl.col("sex").replace_strict(_SEX_CODES, default=None, return_dtype=pl.Int8),
        "age_days",
        "weight_kg",
        pl.col("height_cm").alias("lenhei_cm"),
        pl.col("measure_position").replace_strict(_MEASURE_CODES, default=None).alias("measure"),
        "oedema",
        "muac_cm",
    )
    scores = growth.zscores(growth_inputs).select(growth.OUTPUT_COLUMNS)
    frame = frame.with_columns(kecamatan.alias("kecamatan_code"), kabupaten.alias("kabupaten_code"))
    frame = frame.hstack(scores)
    return frame.hstack(indicators.child_measurement_contributions(frame))


def records(frame: pl.DataFrame) -> list[Record]:
    """One counting record per row of an enriched frame; `row` points back into the frame."""
    contributions: list[dict[str, tuple[int, int]]] = [{} for _ in range(frame.height)]
    for code in CODES:
        numerators = frame[indicators.numerator_column(code)].to_list()
        denominators = frame[indicators.denominator_column(code)].to_list()
        for i, (numerator, denominator) in enumerate(zip(numerators, denominators, strict=True)):
            if numerator or denominator:
                contributions[i][code] = (numerator, denominator)
    columns = frame.select(
        "subject_hash",
        pl.col("period").cast(pl.String),
        "desa_code",
        pl.col("measure_date").cast(pl.String),
        "time_us",
        "event_id",
        "partition",
        "offset",
    )
    return [
        Record(subject, period, desa, (measured, time_us, event_id), contributions[i], partition, offset, i)
        for i, (subject, period, desa, measured, time_us, event_id, partition, offset) in enumerate(columns.iter_rows())
    ]


def fact_rows(frame: pl.DataFrame, winners: Iterable[Record], now: datetime) -> pl.DataFrame:
    """fact_child_measurement rows of the records that now count; version = the record's Kafka offset.

    The contract makes these fields required, but a null reaching a non-Nullable column would fail the insert
    and stall the partition: such a value is stored empty (text) or NaN (numbers) instead.
    """
    flags = ("flen", "fwei", "fwfl", "fbmi", "fac")
    return (
        frame[[record.row for record in winners]]
        .with_columns(
            pl.col("source", "sex", "measure_position").fill_null(""),
            pl.col("weight_kg", "height_cm").fill_null(float("nan")),
            pl.col("age_days").fill_null(-1),
            pl.col("oedema").fill_null(False).cast(pl.UInt8),
            pl.col(flags).cast(pl.UInt8),
            # The envelope check requires a time; should one still be missing, the epoch keeps the row.
            pl.col("time").fill_null(pl.lit(0).cast(pl.Datetime("us", "UTC"))).alias("event_time"),
            pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("ingested_at"),
            pl.col("offset").cast(pl.UInt64).alias("version"),
        )
        .select(FACT_COLUMNS)
    )


COUNTING = FeedCounting(FEED, FACT_TABLE, decode, enrich, records, fact_rows)
