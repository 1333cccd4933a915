"""Quarantine queries: the latest version of each quarantined event with its derived status, newest first,
paged by keyset.

Nothing leaves this module unmasked: the event goes through `redact.mask_event`, every other text through
`redact.scrub`, because a quarantined record may carry a NIK in any field.
"""

from __future__ import annotations

from typing import Any, Final

import orjson
from clickhouse_connect.driver import Client

from satudata.events import FEEDS, Feed
from satudata.regions import RegionMaster
from services.api import cursor as cursors
from services.api import redact
from services.api.quarantine.models import QuarantinedRecord, Reason, Status
from services.api.window import Window

# A view over quarantine FINAL and record_outcome FINAL that derives each record's status (migration 003).
TABLE: Final = "satudata.quarantine_current"
_COLUMNS: Final = (
    "event_id, toString(feed), source, desa_code, record_id, rules, reasons, event, "
    "toUnixTimestamp64Milli(received_at) AS at_ms, received_at, toString(status), resolved_at, resolved_by, "
    "cityHash64(event_id) AS h"
)
# The cursor holds a hash of the event id, not the id: agencies choose ids, and a cursor is not scrubbed.
_CURSOR_SHAPE: Final = (int, str, int)


def filters(
    *, feed: Feed | None, source: str | None, rule: str | None, status: Status | None, window: Window
) -> tuple[list[str], dict[str, Any]]:
    clause, params = window.clause("received_at")
    where = [clause]
    if feed is not None:
        where.append("feed = {feed:String}")
        params["feed"] = feed.name
    if source is not None:
        where.append("source = {source:String}")
        params["source"] = source
    if rule is not None:
        where.append("has(rules, {rule:String})")
        params["rule"] = rule
    if status is not None:
        where.append("status = {status:String}")
        params["status"] = status
    return where, params


def page(
    *,
    client: Client,
    master: RegionMaster,
    feed: Feed | None,
    source: str | None,
    rule: str | None,
    status: Status | None,
    window: Window,
    limit: int,
    cursor: str | None,
) -> tuple[list[QuarantinedRecord], str | None]:
    """One page newest first, and the cursor of the next page (None on the last)."""
    where, params = filters(feed=feed, source=source, rule=rule, status=status, window=window)
    if cursor is not None:
        at_ms, after_feed, after_hash = cursors.decode(cursor, _CURSOR_SHAPE)
        where.append("(at_ms, toString(feed), h) < ({c_at:Int64}, {c_feed:String}, {c_h:UInt64})")
        params |= {"c_at": at_ms, "c_feed": after_feed, "c_h": after_hash}
    sql = (
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE {' AND '.join(where)} "
        f"ORDER BY at_ms DESC, toString(feed) DESC, h DESC LIMIT {int(limit) + 1}"
    )
    rows, next_cursor = cursors.take(
        client.query(sql, parameters=params).result_rows, limit, lambda row: [int(row[8]), row[1], int(row[13])]
    )
    return [_record(row, master) for row in rows], next_cursor


def _record(row: tuple[Any, ...], master: RegionMaster) -> QuarantinedRecord:
    event_id, feed_name, source, desa_code, record_id, rules, reasons, event, _, received_at, *rest = row
    status, resolved_at, resolved_by, _ = rest
    desa = master.find(desa_code) if desa_code else None
    if desa is not None and desa.level != "desa_kelurahan":
        desa = None
    kecamatan = master.find(desa.digits[:6]) if desa else None
    kabupaten = master.find(desa.digits[:4]) if desa else None
    return QuarantinedRecord(
        event_id=redact.scrub_text(event_id),
        feed=feed_name,
        source=redact.scrub_text(source),
        record_id=redact.scrub_text(record_id),
        desa_code=desa.code if desa else redact.scrub_text(desa_code),
        desa_name=desa.name if desa else None,
        kecamatan_code=kecamatan.code if kecamatan else None,
        kecamatan_name=kecamatan.name if kecamatan else None,
        kabupaten_code=kabupaten.code if kabupaten else None,
        kabupaten_name=kabupaten.name if kabupaten else None,
        rules=redact.scrub(list(rules)),
        reasons=_reasons(reasons),
        received_at=received_at,
        status=status if status in ("open", "replaced", "resolved") else "open",
        resolved_at=resolved_at,
        resolved_by=redact.scrub_text(resolved_by),
        event=_event(event, FEEDS.get(feed_name)),
    )


def _reasons(text: str) -> list[Reason]:
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        return []
    reasons = []
    for item in parsed if isinstance(parsed, list) else []:
        if isinstance(item, dict):
            clean = redact.scrub({k: str(item.get(k, "")) for k in ("rule", "severity", "message_id", "message_en")})
            reasons.append(Reason(**clean))
    return reasons


def _event(text: str, feed: Feed | None) -> Any:
    try:
        event = orjson.loads(text)
    except orjson.JSONDecodeError:
        # not_json and message_too_large rows keep the text as received: only the digit-run scrub applies.
        return redact.scrub_text(text)
    return redact.mask_event(event, feed) if feed is not None else redact.scrub(event)
