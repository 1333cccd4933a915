"""Alerts and conflicts, newest first from their tables (FINAL), paged by keyset on (time, id).

Alerts and conflicts hold no NIK by design, but their record ids and texts come from agencies, so every text is
scrubbed of long digit runs all the same.
"""

from __future__ import annotations

from typing import Any, Final

from clickhouse_connect.driver import Client

from satudata.regions import Region, RegionMaster
from services.api import cursor as cursors
from services.api import redact
from services.api.quality.models import Alert, Conflict
from services.api.window import Window

ALERTS: Final = "satudata.alerts"
CONFLICTS: Final = "satudata.conflicts"
_CURSOR_SHAPE: Final = (int, str)


def _kabupaten(master: RegionMaster, code: str) -> Region | None:
    region = master.find(code) if code else None
    return region if region is not None and region.level == "kabupaten_kota" else None


def _keyset(
    client: Client,
    *,
    table: str,
    time_column: str,
    id_column: str,
    columns: list[str],
    where: list[str],
    params: dict[str, Any],
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    if cursor is not None:
        at_ms, after_id = cursors.decode(cursor, _CURSOR_SHAPE)
        where = [*where, f"(at_ms, {id_column}) < ({{c_at:Int64}}, {{c_id:String}})"]
        params = {**params, "c_at": at_ms, "c_id": after_id}
    sql = (
        f"SELECT {', '.join(columns)}, toUnixTimestamp64Milli({time_column}) AS at_ms FROM {table} FINAL "
        f"WHERE {' AND '.join(where)} ORDER BY at_ms DESC, {id_column} DESC LIMIT {int(limit) + 1}"
    )
    result = client.query(sql, parameters=params)
    names = [name.removeprefix("toString(").removesuffix(")") for name in result.column_names]
    rows = [dict(zip(names, row, strict=True)) for row in result.result_rows]
    return cursors.take(rows, limit, lambda row: [int(row["at_ms"]), row[id_column]])


def _answer(row: dict[str, Any], master: RegionMaster, *, times: tuple[str, ...]) -> dict[str, Any]:
    """A row as answered: scrubbed of any 16-digit run (times excepted), with its kabupaten's code and name."""
    row.pop("at_ms")
    kabupaten = _kabupaten(master, row["kabupaten_code"])
    answer = redact.scrub(row) | {name: row[name] for name in times}
    return answer | {
        "kabupaten_code": kabupaten.code if kabupaten else answer["kabupaten_code"] or None,
        "kabupaten_name": kabupaten.name if kabupaten else None,
    }


def alerts(
    *,
    client: Client,
    master: RegionMaster,
    kind: str | None,
    feed: str | None,
    source: str | None,
    window: Window,
    limit: int,
    cursor: str | None,
) -> tuple[list[Alert], str | None]:
    clause, params = window.clause("raised_at")
    where = [clause]
    for column, value in (("kind", kind), ("feed", feed), ("source", source)):
        if value is not None:
            where.append(f"{column} = {{{column}:String}}")
            params[column] = value
    columns = [name for name in Alert.model_fields if name not in ("kabupaten_name",)]
    columns = [f"toString({c})" if c in ("kind", "feed") else c for c in columns]
    rows, next_cursor = _keyset(
        client,
        table=ALERTS,
        time_column="raised_at",
        id_column="alert_id",
        columns=columns,
        where=where,
        params=params,
        limit=limit,
        cursor=cursor,
    )
    return [Alert(**_answer(row, master, times=("since", "raised_at"))) for row in rows], next_cursor


def conflicts(
    *,
    client: Client,
    master: RegionMaster,
    source: str | None,
    window: Window,
    limit: int,
    cursor: str | None,
) -> tuple[list[Conflict], str | None]:
    clause, params = window.clause("detected_at")
    where = [clause]
    if source is not None:
        # Both agencies see the conflict: it is about each of them.
        where.append("(source_a = {source:String} OR source_b = {source:String})")
        params["source"] = source
    columns = [name for name in Conflict.model_fields if name not in ("kabupaten_name",)]
    columns = [f"toString({c})" if c in ("field", "feed_a", "feed_b") else c for c in columns]
    rows, next_cursor = _keyset(
        client,
        table=CONFLICTS,
        time_column="detected_at",
        id_column="conflict_id",
        columns=columns,
        where=where,
        params=params,
        limit=limit,
        cursor=cursor,
    )
    return [Conflict(**_answer(row, master, times=("detected_at",))) for row in rows], next_cursor
