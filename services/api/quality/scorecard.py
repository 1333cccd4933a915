"""The scorecard: per group, counts and rates over `record_outcome` FINAL (one row per event, its latest verdict).

FINAL matters: a replayed event has two outcome rows until a merge, and only the newer one may count.
"""

from __future__ import annotations

from typing import Final

from clickhouse_connect.driver import Client

from satudata.regions import RegionMaster
from services.api.quality.models import GroupBy, Scorecard, ScoreCounts, ScoreGroup
from services.api.window import Window

TABLE: Final = "satudata.record_outcome"
LATE_AFTER_DAYS: Final = 7
_KEY: Final[dict[GroupBy, str]] = {
    "agency": "toString(agency)",
    "feed": "toString(feed)",
    "source": "source",
    "kabupaten": "kabupaten_code",
}
# Completeness rules: the contracts name a required field's rule `<field>_missing` (absent or null) and a blank
# required text `<field>_empty`; `missing_field` is the generic name.
_INCOMPLETE: Final = (
    "arrayExists(r -> r = 'missing_field' OR endsWith(r, '_missing') OR endsWith(r, '_empty'), "
    "arrayConcat(errors, warnings))"
)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _counts(received: int, clean: int, quarantined: int, warned: int, timely: int, timed: int, complete: int) -> dict:
    return {
        "received": received,
        "clean": clean,
        "quarantined": quarantined,
        "warnings": warned,
        "validity": _rate(clean, received),
        "timeliness": _rate(timely, timed),
        "completeness": _rate(complete, received),
    }


def scorecard(*, client: Client, master: RegionMaster, by: GroupBy, window: Window) -> Scorecard:
    clause, params = window.clause("received_at")
    sql = (
        f"SELECT {_KEY[by]} AS k, count(), countIf(outcome = 'clean'), countIf(outcome = 'quarantined'), "
        f"countIf(notEmpty(warnings)), countIf(lateness_days <= {LATE_AFTER_DAYS}), "
        f"countIf(lateness_days IS NOT NULL), countIf(NOT {_INCOMPLETE}) "
        f"FROM {TABLE} FINAL WHERE {clause} GROUP BY k ORDER BY k"
    )
    rows = [(str(k), *(int(v) for v in values)) for k, *values in client.query(sql, parameters=params).result_rows]
    items = []
    for key, *values in rows:
        region = master.find(key) if by == "kabupaten" and key else None
        if region is not None and region.level != "kabupaten_kota":
            region = None
        items.append(
            ScoreGroup(key=region.code if region else key, name=region.name if region else None, **_counts(*values))
        )
    totals = [sum(row[i] for row in rows) for i in range(1, 8)]
    return Scorecard.model_validate(
        {
            "by": by,
            "from": window.start,
            "to": window.end,
            "total": ScoreCounts(**_counts(*totals)),
            "items": items,
        }
    )
