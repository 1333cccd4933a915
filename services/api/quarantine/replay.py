"""Replay: open quarantine rows of a feed go back to its raw topic, exactly as received, to be judged again.

The quality gateway keys outcomes by event id, so a replayed event replaces its earlier outcome and, when it now
passes, resolves its quarantine row. Rows whose id the gateway made up from a Kafka position (no usable id) or
whose text was cut (message_too_large) are skipped: replayed, they would come back as new records, not as
themselves. Oldest first, in chunks, so that a large quarantine never sits in memory at once.
"""

from __future__ import annotations

from typing import Any, Final

from clickhouse_connect.driver import Client

from satudata.events import Feed
from satudata.logs import get_logger
from satudata.problems import ProblemError
from services.api import cursor as cursors
from services.api import problems, redact
from services.api.ports import Message, Publisher
from services.api.quarantine.models import ReplayResult

log = get_logger(__name__)

TABLE: Final = "satudata.quarantine_current"  # the status is derived there (migration 003)
MAX_PER_CALL: Final = 10_000
CHUNK: Final = 1_000
_REPLAYABLE: Final = "NOT startsWith(event_id, 'kafka:') AND NOT has(rules, 'message_too_large')"
# (received_at in ms, cityHash64(event_id)): a hash, not the id, because agencies choose ids and cursors are shown.
_CURSOR_SHAPE: Final = (int, int)
_KEY: Final = "(toUnixTimestamp64Milli(received_at), cityHash64(event_id))"


def _open_rows(feed: Feed, rule: str | None) -> tuple[list[str], dict[str, Any]]:
    where = ["feed = {feed:String}", "status = 'open'"]
    params: dict[str, Any] = {"feed": feed.name}
    if rule is not None:
        where.append("has(rules, {rule:String})")
        params["rule"] = rule
    return where, params


def _count(client: Client, where: list[str], params: dict[str, Any]) -> int:
    sql = f"SELECT count() FROM {TABLE} WHERE {' AND '.join(where)}"
    return int(client.query(sql, parameters=params).result_rows[0][0])


def replay(
    *,
    client: Client,
    publisher: Publisher,
    feed: Feed,
    rule: str | None,
    limit: int,
    cursor: str | None,
) -> ReplayResult:
    where, params = _open_rows(feed, rule)
    skipped = _count(client, [*where, f"NOT ({_REPLAYABLE})"], params)
    where.append(_REPLAYABLE)
    if cursor is not None:
        at_ms, after_hash = cursors.decode(cursor, _CURSOR_SHAPE)
        where.append(f"{_KEY} > ({{c_at:Int64}}, {{c_h:UInt64}})")
        params |= {"c_at": at_ms, "c_h": after_hash}
    matching = _count(client, where, params)
    event_ids: list[str] = []
    last: tuple[int, int] | None = None
    while len(event_ids) < min(limit, matching):
        chunk_where, chunk_params = list(where), dict(params)
        if last is not None:
            chunk_where.append(f"{_KEY} > ({{l_at:Int64}}, {{l_h:UInt64}})")
            chunk_params |= {"l_at": last[0], "l_h": last[1]}
        size = min(CHUNK, limit - len(event_ids))
        sql = (
            f"SELECT event_id, desa_code, event, toUnixTimestamp64Milli(received_at) AS at_ms, "
            f"cityHash64(event_id) AS h FROM {TABLE} "
            f"WHERE {' AND '.join(chunk_where)} ORDER BY at_ms, h LIMIT {int(size)}"
        )
        rows = client.query(sql, parameters=chunk_params).result_rows
        if not rows:
            break
        messages: list[Message] = [
            (feed.raw_topic, desa.encode() if desa else None, event.encode()) for _, desa, event, _, _ in rows
        ]
        try:
            publisher.publish(messages)
        except Exception as exc:
            # Only the type: a broker error may quote hosts, and nothing of the records belongs in a log.
            log.warning("quarantine.replay_publish_failed", feed=feed.name, error=type(exc).__name__)
            raise ProblemError(problems.publish_failed(len(event_ids))) from exc
        event_ids.extend(row[0] for row in rows)
        last = (int(rows[-1][3]), int(rows[-1][4]))
    remaining = max(matching - len(event_ids), 0)
    log.info(
        "quarantine.replayed",
        feed=feed.name,
        rule=redact.scrub_text(rule or ""),
        republished=len(event_ids),
        remaining=remaining,
    )
    return ReplayResult(
        feed=feed.name,
        rule=redact.scrub_text(rule) if rule is not None else None,
        topic=feed.raw_topic,
        republished=len(event_ids),
        event_ids=[redact.scrub_text(i) for i in event_ids],
        remaining=remaining,
        skipped=skipped,
        next_cursor=cursors.encode(list(last)) if last is not None and remaining else None,
    )
