"""Clean-topic messages of any feed → one typed polars frame, a whole batch at a time.

Per-event decoding is what costs a Faust worker most, so a batch is one orjson call and one frame. The columns
are the feed's fields (satudata/events.py, typed by their kind) plus `event_id`, `source`, `time` (UTC),
`partition` and `offset`. A message that is not a clean record of the feed is logged (where it sits, never what
it says) and left out, so one bad message cannot hold up the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson
import polars as pl

from satudata import events
from satudata.logs import get_logger

log = get_logger(__name__)

# CloudEvents times are RFC 3339: an offset or Z always, fractions of a second optional.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.f%#z"
_DTYPES: dict[str, Any] = {
    "str": pl.String,
    "nik": pl.String,
    "kk": pl.String,
    "desa": pl.String,
    "date": pl.String,  # parsed after the frame is built
    "float": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "nik_list": pl.List(pl.String),
}
_ENVELOPE: dict[str, Any] = {"event_id": pl.String, "source": pl.String, "time": pl.String}
_POSITION: dict[str, Any] = {"partition": pl.Int32, "offset": pl.Int64}


class Message(NamedTuple):
    partition: int
    offset: int
    value: bytes | None


def schema_dtype(kind: str) -> Any:
    """The polars dtype of a field kind; dates are Date once parsed."""
    return pl.Date() if kind == "date" else _DTYPES[kind]


def schema(feed: events.Feed) -> dict[str, Any]:
    fields = {f.name: _DTYPES[f.kind] for f in feed.fields}
    return {**_ENVELOPE, **fields, **_POSITION}


def _loads(messages: Sequence[Message]) -> list[Any]:
    try:
        return orjson.loads(b"[" + b",".join(m.value or b"null" for m in messages) + b"]")  # type: ignore[no-any-return]
    except orjson.JSONDecodeError:
        decoded: list[Any] = []
        for message in messages:
            try:
                decoded.append(orjson.loads(message.value or b""))
            except orjson.JSONDecodeError:
                decoded.append(None)
        return decoded


def _row(value: Any, names: Sequence[str], message: Message) -> tuple[Any, ...]:
    event = value["event"]
    data = event["data"]
    return (
        event["id"],
        event.get("source"),
        event.get("time"),
        *(data.get(name) for name in names),
        message.partition,
        message.offset,
    )


def decode(feed: events.Feed, messages: Sequence[Message]) -> pl.DataFrame:
    """The messages as one typed frame; dates parsed, records missing what counting needs left out."""
    names = feed.field_names
    rows: list[tuple[Any, ...]] = []
    for message, value in zip(messages, _loads(messages), strict=True):
        try:
            rows.append(_row(value, names, message))
        except (KeyError, TypeError, AttributeError):  # not an object where one belongs
            log.warning(
                "clean message skipped", reason="unreadable", partition=message.partition, offset=message.offset
            )
    columns_schema = schema(feed)
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in columns_schema]
    # Column by column, non-strict: a value of the wrong type (a text weight) becomes null, not an error.
    frame = pl.DataFrame(
        [
            pl.Series(name, values, dtype=dtype, strict=False)
            for (name, dtype), values in zip(columns_schema.items(), columns, strict=True)
        ]
    )
    dates = [f.name for f in feed.fields if f.kind == "date"]
    frame = frame.with_columns(
        *(pl.col(name).str.to_date("%Y-%m-%d", strict=False) for name in dates),
        pl.col("time").str.to_datetime(_TIME_FORMAT, time_zone="UTC", time_unit="us", strict=False),
    )
    required = ("event_id", "record_id", "desa_code", feed.date_field)
    complete = pl.all_horizontal(pl.col(name).is_not_null() for name in required)
    for partition, offset in frame.filter(~complete).select("partition", "offset").iter_rows():
        log.warning("clean message skipped", reason="incomplete", partition=partition, offset=offset)
    return frame.filter(complete)
