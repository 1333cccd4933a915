"""Quality metrics, all derived from `record_outcome` (one row per event) and `conflicts`: the per-batch metric
events for `satudata.quality.v1`, the per feed × source × rule × hour counts (what GET /v1/quality/scorecard
mirrors), and the counts the alert rules are judged on. Queries use FINAL: a replayed or duplicated event is
one row. Times are bound as epoch milliseconds, so no driver formats a datetime for us.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from clickhouse_connect.driver import Client

from services.quality.alerts import ConflictHour, RuleFailures, SourceHour, SourceVolume
from services.quality.rows import OUTCOME_COLUMNS

_OUTCOMES = "satudata.record_outcome FINAL"
_FEED, _SOURCE, _AGENCY = (OUTCOME_COLUMNS.index(c) for c in ("feed", "source", "agency"))
_OUTCOME, _ERRORS, _WARNINGS = (OUTCOME_COLUMNS.index(c) for c in ("outcome", "errors", "warnings"))


def batch_metrics(outcome_rows: Sequence[tuple[Any, ...]], at: datetime) -> list[dict[str, Any]]:
    """One metric event per feed × source of a batch: what it received and how it was judged, by rule."""
    groups: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for row in outcome_rows:
        groups[(row[_FEED], row[_SOURCE])].append(row)
    events = []
    for (feed, source), rows in sorted(groups.items()):
        rules: Counter[str] = Counter(rule for row in rows for rule in (*row[_ERRORS], *row[_WARNINGS]))
        clean = sum(row[_OUTCOME] == "clean" for row in rows)
        events.append(
            {
                "type": "metrics",
                "feed": feed,
                "source": source,
                "agency": rows[0][_AGENCY],
                "at": at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "received": len(rows),
                "clean": clean,
                "quarantined": len(rows) - clean,
                "warned": sum(bool(row[_WARNINGS]) for row in rows if row[_OUTCOME] == "clean"),
                "rules": dict(sorted(rules.items())),
            }
        )
    return events


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _t(name: str) -> str:
    return f"fromUnixTimestamp64Milli({{{name}:Int64}}, 'UTC')"


def source_hour_counts(client: Client, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """(feed, source, hour, received, accepted, quarantined, warned) per feed × source × hour in [start, end)."""
    sql = f"""
        SELECT feed, source, toStartOfHour(received_at) AS hour, count() AS received,
               countIf(outcome = 'clean') AS accepted, countIf(outcome = 'quarantined') AS quarantined,
               countIf(outcome = 'clean' AND notEmpty(warnings)) AS warned
        FROM {_OUTCOMES}
        WHERE received_at >= {_t("start")} AND received_at < {_t("end")}
        GROUP BY feed, source, hour ORDER BY feed, source, hour"""
    return client.query(sql, parameters={"start": _ms(start), "end": _ms(end)}).result_rows


def rule_hour_counts(client: Client, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
    """(feed, source, hour, rule, severity, records) per feed × source × rule × hour in [start, end)."""
    sql = f"""
        SELECT feed, source, toStartOfHour(received_at) AS hour, rule, severity, count() AS records
        FROM {_OUTCOMES}
        ARRAY JOIN arrayConcat(arrayMap(r -> (r, 'error'), errors), arrayMap(r -> (r, 'warning'), warnings))
            AS judged
        WHERE received_at >= {_t("start")} AND received_at < {_t("end")}
        GROUP BY feed, source, hour, judged.1 AS rule, judged.2 AS severity
        ORDER BY feed, source, hour, rule"""
    return client.query(sql, parameters={"start": _ms(start), "end": _ms(end)}).result_rows


def source_hours(client: Client, now: datetime) -> list[SourceHour]:
    sql = f"""
        SELECT feed, source, any(kabupaten_code), count(), countIf(outcome = 'clean'),
               countIf(outcome = 'quarantined'), minIf(received_at, outcome = 'quarantined'),
               if(countIf(outcome = 'quarantined') > 0, anyIf(record_id, outcome = 'quarantined'), any(record_id))
        FROM {_OUTCOMES}
        WHERE received_at > {_t("start")} AND received_at <= {_t("now")}
        GROUP BY feed, source"""
    params = {"start": _ms(now - timedelta(hours=1)), "now": _ms(now)}
    return [
        SourceHour(feed, source, kab, received, clean, _utc(first_bad) if bad else None, example)
        for feed, source, kab, received, clean, bad, first_bad, example in client.query(
            sql, parameters=params
        ).result_rows
    ]


def rule_failures(client: Client, now: datetime) -> list[RuleFailures]:
    hour_start, week_start = now - timedelta(hours=1), now - timedelta(hours=1, days=7)
    params = {"hour": _ms(hour_start), "week": _ms(week_start), "now": _ms(now)}
    before = f"received_at > {_t('week')} AND received_at <= {_t('hour')}"
    current = f"received_at > {_t('hour')} AND received_at <= {_t('now')}"
    received_before = dict(
        ((feed, source), n)
        for feed, source, n in client.query(
            f"SELECT feed, source, count() FROM {_OUTCOMES} WHERE {before} GROUP BY feed, source",
            parameters=params,
        ).result_rows
    )
    sql = f"""
        SELECT feed, source, any(kabupaten_code), rule, countIf({current}), countIf({before}),
               minIf(received_at, {current}), anyIf(record_id, {current})
        FROM {_OUTCOMES} ARRAY JOIN errors AS rule
        WHERE received_at > {_t("week")} AND received_at <= {_t("now")}
        GROUP BY feed, source, rule"""
    return [
        RuleFailures(feed, src, kab, rule, now_n, before_n, received_before.get((feed, src), 0), _utc(first), ex)
        for feed, src, kab, rule, now_n, before_n, first, ex in client.query(sql, parameters=params).result_rows
    ]


def source_volumes(client: Client, now: datetime) -> list[SourceVolume]:
    week, start = now - timedelta(days=7), now - timedelta(days=35)
    sql = f"""
        SELECT feed, source, any(kabupaten_code), countIf(received_at > {_t("week")}),
               countIf(received_at <= {_t("week")}), max(received_at), argMax(record_id, received_at)
        FROM {_OUTCOMES}
        WHERE received_at > {_t("start")} AND received_at <= {_t("now")}
        GROUP BY feed, source"""
    params = {"week": _ms(week), "start": _ms(start), "now": _ms(now)}
    return [
        SourceVolume(feed, source, kab, this_week, before, _utc(last), example)
        for feed, source, kab, this_week, before, last, example in client.query(sql, parameters=params).result_rows
    ]


def conflict_hours(client: Client, now: datetime) -> list[ConflictHour]:
    sql = f"""
        SELECT feed_b, source_b, any(kabupaten_code), count(), min(detected_at), any(record_id_b)
        FROM satudata.conflicts FINAL
        WHERE detected_at > {_t("start")} AND detected_at <= {_t("now")}
        GROUP BY feed_b, source_b"""
    params = {"start": _ms(now - timedelta(hours=1)), "now": _ms(now)}
    return [
        ConflictHour(feed, source, kab, n, _utc(first), example)
        for feed, source, kab, n, first, example in client.query(sql, parameters=params).result_rows
    ]


def last_record_ids(client: Client) -> dict[tuple[str, str], str]:
    """The latest record id per feed × source, the example a silence alert names."""
    sql = f"SELECT feed, source, argMax(record_id, received_at) FROM {_OUTCOMES} GROUP BY feed, source"
    return {(feed, source): rid for feed, source, rid in client.query(sql).result_rows}


def existing_alert_ids(client: Client, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    sql = "SELECT DISTINCT alert_id FROM satudata.alerts WHERE has({ids:Array(String)}, alert_id)"
    return {row[0] for row in client.query(sql, parameters={"ids": list(ids)}).result_rows}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
