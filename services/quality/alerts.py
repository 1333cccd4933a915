"""Data-quality alerts as pure functions: counts in, alerts out. Who reads the counts (ClickHouse, see
metrics.py) and who delivers the alerts (watch.py) is not this module's business, so every kind can be tested
with counts made up for one misbehaving source.

An alert's id names its kind, feed, source, rule and window, so the same problem in the same window is one
alert however often it is evaluated (the `alerts` table replaces by id; the watcher sends each id once).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from services.quality.facts import WITA

KINDS: Final = ("validity", "rule_new_failure", "volume_drop", "silence", "conflict_burst", "evaluator_mismatch")


@dataclass(frozen=True, slots=True)
class Thresholds:
    validity: float = 0.9  # below this share of clean records in the trailing hour
    validity_min_records: int = 20  # ...over at least this many
    volume_ratio: float = 0.3  # this week below this share of the trailing 4-week weekly mean
    volume_min_weekly: float = 50.0  # ...when that mean is at least this
    conflict_burst: int = 5  # conflicts in the trailing hour for one source
    silence_day: int = 10  # the WITA day of month from which a unit that reported last month is silent


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: str
    kind: str
    feed: str
    source: str
    kabupaten_code: str
    rule: str
    since: datetime
    raised_at: datetime
    value: float
    threshold: float
    example_record_id: str
    message_id: str
    message_en: str

    def row(self) -> tuple[Any, ...]:
        return (*astuple_fields(self), int(self.raised_at.timestamp() * 1_000_000))

    def event(self) -> dict[str, Any]:
        body = asdict(self)
        body["since"] = _iso(self.since)
        body["raised_at"] = _iso(self.raised_at)
        return {"type": "alert", **body}


ALERT_COLUMNS: Final = (*Alert.__dataclass_fields__, "version")


def astuple_fields(alert: Alert) -> tuple[Any, ...]:
    return tuple(getattr(alert, name) for name in Alert.__dataclass_fields__)


# ---- the counts each kind is judged on ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceHour:
    """One source's trailing hour."""

    feed: str
    source: str
    kabupaten_code: str
    received: int
    clean: int
    first_bad_at: datetime | None
    example_record_id: str  # a quarantined one when there is one


@dataclass(frozen=True, slots=True)
class RuleFailures:
    feed: str
    source: str
    kabupaten_code: str
    rule: str
    failures_now: int  # trailing hour
    failures_before: int  # the 7 days before that hour
    received_before: int  # the source's records in those 7 days: a new source has no "before"
    first_failure_at: datetime
    example_record_id: str


@dataclass(frozen=True, slots=True)
class SourceVolume:
    feed: str
    source: str
    kabupaten_code: str
    this_week: int  # trailing 7 days
    previous_four_weeks: int  # the 28 days before them
    last_record_at: datetime | None
    example_record_id: str


@dataclass(frozen=True, slots=True)
class ConflictHour:
    feed: str
    source: str
    kabupaten_code: str
    conflicts: int
    first_at: datetime
    example_record_id: str


@dataclass(frozen=True, slots=True)
class SilentUnit:
    feed: str
    source: str
    month: str  # the month it has not reported in yet (YYYY-MM, WITA)
    last_month: str


# ---- the rules --------------------------------------------------------------------------------------------


def validity_alerts(hours: list[SourceHour], t: Thresholds, now: datetime) -> list[Alert]:
    alerts = []
    for h in hours:
        if h.received < t.validity_min_records:
            continue
        rate = h.clean / h.received
        if rate >= t.validity:
            continue
        pct, limit = f"{rate:.0%}", f"{t.validity:.0%}"
        alerts.append(
            _alert(
                "validity",
                h.feed,
                h.source,
                h.kabupaten_code,
                "",
                _hour(now),
                h.first_bad_at or now,
                now,
                rate,
                t.validity,
                h.example_record_id,
                f"Tingkat validitas {h.source} ({h.feed}) turun ke {pct} dari {h.received} rekaman dalam satu "
                f"jam terakhir (ambang {limit}).",
                f"Validity of {h.source} ({h.feed}) fell to {pct} of {h.received} records in the last hour "
                f"(threshold {limit}).",
            )
        )
    return alerts


def new_rule_alerts(rules: list[RuleFailures], now: datetime) -> list[Alert]:
    alerts = []
    for r in rules:
        if r.failures_now == 0 or r.failures_before > 0 or r.received_before == 0:
            continue
        alerts.append(
            _alert(
                "rule_new_failure",
                r.feed,
                r.source,
                r.kabupaten_code,
                r.rule,
                _hour(now),
                r.first_failure_at,
                now,
                float(r.failures_now),
                0.0,
                r.example_record_id,
                f"Aturan {r.rule} mulai gagal untuk {r.source} ({r.feed}): {r.failures_now} rekaman dalam satu "
                f"jam terakhir, tidak ada dalam 7 hari sebelumnya.",
                f"Rule {r.rule} started failing for {r.source} ({r.feed}): {r.failures_now} records in the last "
                f"hour, none in the 7 days before.",
            )
        )
    return alerts


def volume_alerts(volumes: list[SourceVolume], t: Thresholds, now: datetime) -> list[Alert]:
    alerts = []
    for v in volumes:
        mean = v.previous_four_weeks / 4
        if mean < t.volume_min_weekly or v.this_week >= t.volume_ratio * mean:
            continue
        ratio = v.this_week / mean
        since = v.last_record_at or now - timedelta(days=7)
        alerts.append(
            _alert(
                "volume_drop",
                v.feed,
                v.source,
                v.kabupaten_code,
                "",
                _week(now),
                since,
                now,
                ratio,
                t.volume_ratio,
                v.example_record_id,
                f"Volume {v.source} ({v.feed}) minggu ini {v.this_week} rekaman, {ratio:.0%} dari rata-rata "
                f"mingguan 4 minggu sebelumnya ({mean:.0f}).",
                f"Volume of {v.source} ({v.feed}) this week is {v.this_week} records, {ratio:.0%} of its "
                f"weekly mean over the 4 weeks before ({mean:.0f}).",
            )
        )
    return alerts


def silence_alerts(units: list[SilentUnit], now: datetime, examples: dict[tuple[str, str], str]) -> list[Alert]:
    """`examples`: the last record id each unit sent, so the agency knows which unit is meant."""
    alerts = []
    for u in units:
        since = datetime.fromisoformat(f"{u.month}-01T00:00:00").replace(tzinfo=WITA).astimezone(UTC)
        alerts.append(
            _alert(
                "silence",
                u.feed,
                u.source,
                "",
                "",
                u.month,
                since,
                now,
                0.0,
                0.0,
                examples.get((u.feed, u.source), ""),
                f"{u.source} ({u.feed}) melapor pada {u.last_month} tetapi belum melapor sejak awal {u.month}.",
                f"{u.source} ({u.feed}) reported in {u.last_month} but has not reported since the start of {u.month}.",
            )
        )
    return alerts


def conflict_alerts(hours: list[ConflictHour], t: Thresholds, now: datetime) -> list[Alert]:
    alerts = []
    for c in hours:
        if c.conflicts < t.conflict_burst:
            continue
        alerts.append(
            _alert(
                "conflict_burst",
                c.feed,
                c.source,
                c.kabupaten_code,
                "",
                _hour(now),
                c.first_at,
                now,
                float(c.conflicts),
                float(t.conflict_burst),
                c.example_record_id,
                f"{c.conflicts} konflik data antarinstansi (tanggal lahir/jenis kelamin) dari {c.source} "
                f"({c.feed}) dalam satu jam terakhir.",
                f"{c.conflicts} cross-agency conflicts (birth date/sex) from {c.source} ({c.feed}) in the last hour.",
            )
        )
    return alerts


def evaluator_mismatch_alert(feed: str, rules: dict[str, int], rows: int, differing: int, now: datetime) -> Alert:
    """The compiled evaluator and GX judged a re-checked batch differently (GX's verdict was used). Names the
    feed, the rules and counts only; one alert per feed and hour (`rule` lists every rule that differed)."""
    names = ",".join(sorted(rules))
    return _alert(
        "evaluator_mismatch",
        feed,
        "",
        "",
        names,
        _hour(now),
        now,
        now,
        float(differing),
        0.0,
        "",
        f"Evaluator kontrak terkompilasi berbeda dengan Great Expectations untuk {feed}: {differing} dari {rows} "
        f"rekaman, aturan {names}. Putusan GX dipakai untuk kelompok ini; periksa services/quality/compiled.",
        f"The compiled contract evaluator disagreed with Great Expectations for {feed}: {differing} of {rows} "
        f"records, rules {names}. GX's verdict was used for this batch; check services/quality/compiled.",
    )


def _alert(
    kind: str, feed: str, source: str, kabupaten: str, rule: str, window: str, since: datetime, now: datetime,
    value: float, threshold: float, example: str, message_id: str, message_en: str,
) -> Alert:  # fmt: skip
    alert_id = f"{kind}:{feed}:{source}:{rule}:{window}"
    return Alert(alert_id, kind, feed, source, kabupaten, rule, since, now, value, threshold, example,
                 message_id, message_en)  # fmt: skip


def _hour(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H")


def _week(now: datetime) -> str:
    year, week, _ = now.astimezone(WITA).isocalendar()
    return f"{year}-W{week:02d}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
