"""Each alert kind, made by one misbehaving source in a synthetic stream while a well-behaved one stays quiet:
the stream is counted here the way metrics.py counts record_outcome, and the pure rules judge the counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from services.quality.alerts import (
    ConflictHour,
    RuleFailures,
    SilentUnit,
    SourceHour,
    SourceVolume,
    Thresholds,
    conflict_alerts,
    new_rule_alerts,
    silence_alerts,
    validity_alerts,
    volume_alerts,
)

NOW = datetime(2026, 3, 12, 2, 30, tzinfo=UTC)
FEED = "child_measurement"
T = Thresholds()


@dataclass(frozen=True)
class Outcome:
    source: str
    at: datetime
    clean: bool
    errors: tuple[str, ...] = ()
    record_id: str = "R"


def stream(source: str, *, per_day: int, days: int = 35, bad_every: int = 0, rule: str = "x") -> list[Outcome]:
    """`per_day` records a day for `days` days up to NOW; every `bad_every`th one failing `rule`."""
    out = []
    for day in range(days):
        for i in range(per_day):
            at = NOW - timedelta(days=day, minutes=i % 50)
            bad = bad_every > 0 and i % bad_every == 0
            out.append(Outcome(source, at, not bad, (rule,) if bad else (), f"{source}-{day}-{i}"))
    return out


def hours(outcomes: list[Outcome]) -> list[SourceHour]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if NOW - timedelta(hours=1) < o.at <= NOW:
            groups[o.source].append(o)
    result = []
    for source, rows in groups.items():
        bad = [o for o in rows if not o.clean]
        first_bad = min((o.at for o in bad), default=None)
        example = bad[0].record_id if bad else rows[0].record_id
        result.append(SourceHour(FEED, source, "5301", len(rows), len(rows) - len(bad), first_bad, example))
    return result


def rule_failures(outcomes: list[Outcome]) -> list[RuleFailures]:
    hour, week = NOW - timedelta(hours=1), NOW - timedelta(hours=1, days=7)
    received_before: dict[str, int] = defaultdict(int)
    per_rule: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if week < o.at <= hour:
            received_before[o.source] += 1
        if week < o.at <= NOW:
            for rule in o.errors:
                per_rule[(o.source, rule)].append(o)
    result = []
    for (source, rule), rows in per_rule.items():
        now_rows = [o for o in rows if o.at > hour]
        first = min((o.at for o in now_rows), default=NOW)
        example = now_rows[0].record_id if now_rows else ""
        before = len(rows) - len(now_rows)
        result.append(
            RuleFailures(FEED, source, "5301", rule, len(now_rows), before, received_before[source], first, example)
        )
    return result


def volumes(outcomes: list[Outcome]) -> list[SourceVolume]:
    week = NOW - timedelta(days=7)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.source].append(o)
    return [
        SourceVolume(
            FEED,
            source,
            "5301",
            sum(o.at > week for o in rows),
            sum(o.at <= week for o in rows),
            max(o.at for o in rows),
            rows[0].record_id,
        )
        for source, rows in groups.items()
    ]


def kinds_by_source(alerts: list) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for a in alerts:
        found[a.source].add(a.kind)
    return dict(found)


def test_many_bad_records_lower_validity() -> None:
    good = stream("dinkes/good", per_day=40, days=1)
    sloppy = stream("dinkes/sloppy", per_day=40, days=1, bad_every=3, rule="weight_kg_out_of_range")
    alerts = validity_alerts(hours(good + sloppy), T, NOW)
    assert kinds_by_source(alerts) == {"dinkes/sloppy": {"validity"}}
    (alert,) = alerts
    assert alert.value < 0.9 and alert.threshold == 0.9
    assert alert.example_record_id.startswith("dinkes/sloppy-0-")
    assert "dinkes/sloppy" in alert.message_id and "dinkes/sloppy" in alert.message_en
    assert "validitas" in alert.message_id and "Validity" in alert.message_en
    assert alert.since <= NOW and alert.alert_id == "validity:child_measurement:dinkes/sloppy::2026-03-12T02"


def test_validity_needs_enough_records() -> None:
    few = stream("dinkes/few", per_day=10, days=1, bad_every=2)
    assert validity_alerts(hours(few), T, NOW) == []


def test_a_rule_that_starts_failing_is_new() -> None:
    history = stream("dinkes/a", per_day=20, days=10) + stream("dinkes/b", per_day=20, days=10)
    # b fails a rule it never failed before, in the last hour only; a fails one it always fails.
    now_failing = [Outcome("dinkes/b", NOW - timedelta(minutes=5), False, ("height_cm_out_of_range",), "b-new")]
    always = stream("dinkes/a", per_day=5, days=8, bad_every=1, rule="sex_unknown")
    alerts = new_rule_alerts(rule_failures(history + now_failing + always), NOW)
    assert [(a.source, a.rule, a.kind, a.example_record_id) for a in alerts] == [
        ("dinkes/b", "height_cm_out_of_range", "rule_new_failure", "b-new")
    ]
    assert "height_cm_out_of_range" in alerts[0].message_id and "started failing" in alerts[0].message_en


def test_a_new_source_has_no_new_rule_alert() -> None:
    fresh = [Outcome("dinkes/new", NOW - timedelta(minutes=1), False, ("sex_unknown",), "n1")]
    assert new_rule_alerts(rule_failures(fresh), NOW) == []


def test_volume_falling_below_its_own_trailing_level() -> None:
    steady = stream("dinkes/steady", per_day=20)
    dropping = [o for o in stream("dinkes/drop", per_day=20) if o.at <= NOW - timedelta(days=5) or o.at.minute == 0]
    small = [o for o in stream("dinkes/small", per_day=2) if o.at <= NOW - timedelta(days=7)]  # under the minimum
    alerts = volume_alerts(volumes(steady + dropping + small), T, NOW)
    assert kinds_by_source(alerts) == {"dinkes/drop": {"volume_drop"}}
    assert alerts[0].value < 0.3 and alerts[0].alert_id.endswith(":2026-W11")


def test_silence_alert_names_the_unit_and_month() -> None:
    units = [SilentUnit(FEED, "dinkes/posyandu-7", "2026-03", "2026-02")]
    (alert,) = silence_alerts(units, NOW, {(FEED, "dinkes/posyandu-7"): "R-77"})
    assert (alert.kind, alert.example_record_id, alert.alert_id) == (
        "silence",
        "R-77",
        "silence:child_measurement:dinkes/posyandu-7::2026-03",
    )
    assert alert.since == datetime(2026, 2, 28, 16, 0, tzinfo=UTC)  # 1 March 00:00 WITA
    assert "belum melapor" in alert.message_id and "has not reported" in alert.message_en


def test_a_burst_of_conflicts() -> None:
    at = NOW - timedelta(minutes=10)
    burst = ConflictHour("bride_screening", "bkkbn/elsimil", "5301", 7, at, "B-1")
    calm = ConflictHour("bride_screening", "bkkbn/other", "5301", 2, at, "B-2")
    alerts = conflict_alerts([burst, calm], T, NOW)
    assert kinds_by_source(alerts) == {"bkkbn/elsimil": {"conflict_burst"}}
    assert "konflik" in alerts[0].message_id and "conflicts" in alerts[0].message_en


def test_the_same_problem_in_the_same_window_is_one_alert_id() -> None:
    sloppy = stream("dinkes/sloppy", per_day=40, days=1, bad_every=2)
    later = NOW + timedelta(minutes=20)
    first = validity_alerts(hours(sloppy), T, NOW)[0]
    second = validity_alerts(hours(sloppy), T, later)[0]
    assert first.alert_id == second.alert_id
    event = first.event()
    assert event["type"] == "alert" and event["since"].endswith("Z")
    assert len(first.row()) == 14
