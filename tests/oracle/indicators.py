"""The reference count of every indicator, written from docs/indicators.md alone, one record at a time.

Nothing here comes from the implementation (no polars, nothing from satudata.indicators or services): only the
feed registry (satudata.events: subject keys, date fields), the WHO z-score maths (satudata.growth, validated
against WHO anthro on its own) and the HMAC (satudata.nik.pseudonymise). Quotes "like this" are from
docs/indicators.md.

The steps:
1. `accepted_records`: one record per event id ("An event id seen again changes nothing").
2. `counted_records`: per feed, subject and month, the latest record by (record date, event time, event id)
   ("Per subject and month exactly one record counts").
3. Each counted record contributes (numerator, denominator) to its desa and month, per the table "Rules per
   feed"; weighing_coverage's denominator comes from the population feed, no_weight_gain_rate joins a child's
   month with the month before.
4. convergence_reach joins child_measurement, family_risk, household_welfare and program_activity per month.
5. "Kecamatan, kabupaten and province values are sums of numerators and sums of denominators".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np

from satudata import events as registry
from satudata.growth import FLAG_LIMITS
from satudata.growth.inputs import Inputs
from satudata.growth.scores import compute as who_zscores
from satudata.nik import pseudonymise

PROVINCE = "53"
Key = tuple[str, str, str]  # (indicator, region, period 'YYYY-MM-01')
Value = tuple[int, int]  # (numerator, denominator)

#: "age in days / 30.4375 < 60"
DAYS_PER_MONTH = 30.4375
UNDER_FIVE_MONTHS = 60
#: "Oedema makes a child count as below -3 SD in wasting and underweight (anthro's auxiliary -3.1)."
OEDEMA_AUX_Z = -3.1
KEK_MUAC_CM = 23.5
PREGNANT_ANAEMIA_HB = 11.0
BRIDE_ANAEMIA_HB = 12.0
BRIDE_MIN_AGE_YEARS = 19
AT_LEAST_BASIC = frozenset({"safely_managed", "basic"})
#: convergence_reach: "a counted program_activity of programme genting, tamasya, gati or posyandu"
CONVERGENCE_PROGRAMMES = frozenset({"genting", "tamasya", "gati", "posyandu"})
#: "with activity date in E-89 .. E (90 days)"
REACH_WINDOW_DAYS = 90

STREAM_INDICATORS = (
    "stunting_prevalence",
    "severe_stunting_prevalence",
    "wasting_prevalence",
    "overweight_prevalence",
    "underweight_prevalence",
    "weighing_coverage",
    "no_weight_gain_rate",
    "pregnant_kek_prevalence",
    "pregnant_anaemia_prevalence",
    "family_risk_rate",
    "bride_risk_rate",
    "extreme_poverty_rate",
    "safe_water_rate",
    "proper_sanitation_rate",
)
ALL_INDICATORS = (*STREAM_INDICATORS, "convergence_reach")


# 1. Records ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One accepted event: its feed, its data, where it is counted and how it ranks against its subject's."""

    feed: str
    data: dict[str, Any]
    event_id: str
    time: datetime
    record_date: date  # the feed's date field (population: 1 January of its year)
    period: date  # the first day of the record date's month (population: 1 January)
    subject: tuple[Any, ...]

    @property
    def desa(self) -> str:
        return str(self.data["desa_code"])

    @property
    def rank(self) -> tuple[date, datetime, str]:
        """The doc: "the latest by (the record's date, then the CloudEvent time, then the event id)"."""
        return (self.record_date, self.time, self.event_id)


def parse_time(text: str) -> datetime:
    """The CloudEvent `time` as an aware datetime (RFC 3339; 'Z' is UTC; a naive time is taken as UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def subject_of(feed: registry.Feed, data: Mapping[str, Any]) -> tuple[Any, ...]:
    """The doc: "the feed's subject key (satudata/events.py) ... or rec:<record_id> when the key is missing"."""
    key = tuple(data[name] for name in feed.subject_key)
    if any(part is None for part in key):
        return (f"rec:{data['record_id']}",)
    return key


def to_record(event: Mapping[str, Any]) -> Record:
    feed = registry.feed_for_type(event["type"])
    if feed is None:
        raise ValueError(f"not a feed's event type: {event['type']!r}")
    data = dict(event["data"])
    raw_date = data[feed.date_field]
    # "The population feed's period is its year (1 January)"
    population = feed.name == "population"
    record_date = date(int(raw_date), 1, 1) if population else date.fromisoformat(str(raw_date)[:10])
    return Record(
        feed=feed.name,
        data=data,
        event_id=str(event["id"]),
        time=parse_time(str(event["time"])),
        record_date=record_date,
        period=month_start(record_date),
        subject=subject_of(feed, data),
    )


def accepted_records(events: Iterable[Mapping[str, Any]]) -> list[Record]:
    """The doc: "An event id seen again changes nothing": the same id is the same record, counted once."""
    seen: set[str] = set()
    out: list[Record] = []
    for event in events:
        if event["id"] in seen:
            continue
        seen.add(event["id"])
        out.append(to_record(event))
    return out


def counted_records(records: Iterable[Record]) -> dict[tuple[str, tuple[Any, ...], date], Record]:
    """(feed, subject, period) -> the one record that counts: "Per subject and month exactly one record counts:
    the latest by (the record's date, then the CloudEvent time, then the event id)". Arrival order plays no
    part, so a late record for an old month simply competes in that month."""
    latest: dict[tuple[str, tuple[Any, ...], date], Record] = {}
    for record in records:
        key = (record.feed, record.subject, record.period)
        if key not in latest or record.rank > latest[key].rank:
            latest[key] = record
    return latest


# 2. Per-record rules -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    """A child measurement's WHO z-scores, each None unless usable."""

    age_days: int
    under_five: bool
    zlen: float | None
    zwei: float | None
    zwfl: float | None


def growth(data: Mapping[str, Any]) -> Growth:
    """The doc: "Usable z: WHO 2006 z-score of a child under 60 months (age in days / 30.4375 < 60), not missing and not
    flagged (WHO anthro)." Age in days from birth_date to measure_date."""
    age_days = (date.fromisoformat(data["measure_date"]) - date.fromisoformat(data["birth_date"])).days
    under_five = age_days >= 0 and age_days / DAYS_PER_MONTH < UNDER_FIVE_MONTHS

    def one(value: float | None) -> np.ndarray:
        return np.array([np.nan if value is None else float(value)], dtype=np.float64)

    inputs = Inputs(
        sex=one(1 if data["sex"] == "L" else 2),
        age_days=one(age_days),
        weight=one(data["weight_kg"]),
        lenhei=one(data["height_cm"]),
        lying=np.array([data["measure_position"] == "lying"]),
        standing=np.array([data["measure_position"] == "standing"]),
        oedema=np.array([bool(data["oedema"])]),
        muac=one(data.get("muac_cm")),
        headc=None,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = who_zscores(inputs)

    def usable(name: str) -> float | None:
        value = float(scores[name][0])
        if not under_five or math.isnan(value):
            return None
        low, high = FLAG_LIMITS[name]
        if value < low or value > high:  # flagged as implausible
            return None
        return value

    return Growth(age_days, under_five, usable("zlen"), usable("zwei"), usable("zwfl"))


def child_contributions(data: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    g = growth(data)
    out: list[tuple[str, int, int]] = []
    # stunting_prevalence: usable zlen < -2 / usable zlen; severe: < -3.
    if g.zlen is not None:
        out.append(("stunting_prevalence", int(g.zlen < -2), 1))
        out.append(("severe_stunting_prevalence", int(g.zlen < -3), 1))
    # Oedema stands in for the weight-based z-scores as -3.1 (anthro computes none with oedema). It is a z-score
    # like the others, so only for a child under 60 months (the contracts reject older children anyway).
    oedema = bool(data["oedema"]) and g.under_five
    wfl = OEDEMA_AUX_Z if oedema else g.zwfl
    if wfl is not None:
        # wasting: "usable zwfl < -2, or oedema" / "usable zwfl, or oedema"
        out.append(("wasting_prevalence", int(wfl < -2), 1))
        # overweight: "usable zwfl > 2 (never with oedema)" / "as wasting"
        out.append(("overweight_prevalence", int(not oedema and wfl > 2), 1))
    wei = OEDEMA_AUX_Z if oedema else g.zwei
    if wei is not None:
        # underweight: "usable zwei < -2, or oedema" / "usable zwei, or oedema"
        out.append(("underweight_prevalence", int(wei < -2), 1))
    if g.under_five:
        # weighing_coverage numerator: "children measured in the month, age 0-59 months"
        out.append(("weighing_coverage", 1, 0))
    return out


def pregnancy_contributions(data: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    if data["muac_cm"] is not None:  # "MUAC < 23.5 cm" / "MUAC measured"
        out.append(("pregnant_kek_prevalence", int(data["muac_cm"] < KEK_MUAC_CM), 1))
    if data["hb_g_dl"] is not None:  # "Hb < 11 g/dL" / "Hb measured"
        out.append(("pregnant_anaemia_prevalence", int(data["hb_g_dl"] < PREGNANT_ANAEMIA_HB), 1))
    return out


def family_at_risk(data: Mapping[str, Any]) -> bool:
    """The doc: "a target member (has_under_five or has_pregnant) and at least one risk factor (not safe_water, not
    proper_latrine, mother_too_young, mother_too_old, births_too_close, too_many_children)"."""
    target = data["has_under_five"] or data["has_pregnant"]
    risk = (
        (not data["safe_water"])
        or (not data["proper_latrine"])
        or data["mother_too_young"]
        or data["mother_too_old"]
        or data["births_too_close"]
        or data["too_many_children"]
    )
    return bool(target and risk)


def whole_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def bride_at_risk(data: Mapping[str, Any]) -> bool:
    """The doc: "Hb < 12, or MUAC < 23.5, or age at screening < 19 whole years (a missing Hb or MUAC is not a risk)"."""
    hb, muac = data["hb_g_dl"], data["muac_cm"]
    age = whole_years(date.fromisoformat(data["birth_date"]), date.fromisoformat(data["screening_date"]))
    return (
        (hb is not None and hb < BRIDE_ANAEMIA_HB)
        or (muac is not None and muac < KEK_MUAC_CM)
        or age < BRIDE_MIN_AGE_YEARS
    )


def extreme_line(year: int, lines: Mapping[int, int]) -> int:
    """The doc: "a year not listed takes the nearest listed year; on a tie, the earlier"."""
    if year in lines:
        return int(lines[year])
    nearest = min(lines, key=lambda listed: (abs(listed - year), listed))
    return int(lines[nearest])


def extreme_poor(data: Mapping[str, Any], lines: Mapping[int, int]) -> bool:
    """The doc: "per-capita expenditure < the extreme-poverty line of the reference date's year"."""
    year = date.fromisoformat(data["reference_date"]).year
    return data["per_capita_expenditure_rp"] < extreme_line(year, lines)


def welfare_contributions(data: Mapping[str, Any], lines: Mapping[int, int]) -> list[tuple[str, int, int]]:
    members = int(data["members"])  # members-weighted: "members, when ..." / "members"
    return [("extreme_poverty_rate", members if extreme_poor(data, lines) else 0, members)]


def wash_contributions(data: Mapping[str, Any]) -> list[tuple[str, int, int]]:
    return [
        ("safe_water_rate", int(data["water_source_class"] in AT_LEAST_BASIC), 1),
        ("proper_sanitation_rate", int(data["sanitation_class"] in AT_LEAST_BASIC), 1),
    ]


# 3. Stream indicators per desa and month ---------------------------------------------------------------------

Cells = dict[tuple[str, str, date], list[int]]  # (indicator, desa, period) -> [numerator, denominator]


def stream_cells(counted: Mapping[tuple[str, tuple[Any, ...], date], Record], lines: Mapping[int, int]) -> Cells:
    cells: Cells = defaultdict(lambda: [0, 0])

    def add(indicator: str, desa: str, period: date, numerator: int, denominator: int) -> None:
        cells[(indicator, desa, period)][0] += numerator
        cells[(indicator, desa, period)][1] += denominator

    for (feed, subject, period), record in counted.items():
        data = record.data
        if feed == "child_measurement":
            contributions = child_contributions(data)
        elif feed == "pregnancy_check":
            contributions = pregnancy_contributions(data)
        elif feed == "family_risk":
            contributions = [("family_risk_rate", int(family_at_risk(data)), 1)]
        elif feed == "bride_screening":
            contributions = [("bride_risk_rate", int(bride_at_risk(data)), 1)]
        elif feed == "household_welfare":
            contributions = welfare_contributions(data, lines)
        elif feed == "wash_access":
            contributions = wash_contributions(data)
        elif feed == "population":
            # weighing_coverage denominator: "the population feed's count of age group 0-4 of that desa and
            # year, in every month of the year" (both sexes: the subject is desa, year, age group, sex).
            contributions = []
            if data["age_group"] == "0-4":
                for month in range(1, 13):
                    add("weighing_coverage", record.desa, date(period.year, month, 1), 0, int(data["count"]))
        else:  # program_activity counts only in convergence_reach
            contributions = []
        for indicator, numerator, denominator in contributions:
            add(indicator, record.desa, period, numerator, denominator)

        if feed == "child_measurement" and growth(data).under_five:
            # no_weight_gain_rate: "children (0-59 months this month) with a counted record with a weight in this
            # month and in the month before"; numerator "weight this month <= weight last month". The desa is
            # this month's.
            before = counted.get((feed, subject, add_months(period, -1)))
            if before is not None and data["weight_kg"] is not None and before.data["weight_kg"] is not None:
                add("no_weight_gain_rate", record.desa, period, int(data["weight_kg"] <= before.data["weight_kg"]), 1)
    return cells


# 4. convergence_reach ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target child of one month: its pseudonym, desa, why it is a target and whether it was reached."""

    child: str  # HMAC of the NIK, or of 'rec:<record_id>' for a child measured without a NIK
    desa: str
    reasons: frozenset[str]  # 'stunted', 'family_at_risk', 'extreme_poor'
    reached: bool


def _latest(records: Iterable[Record]) -> Record | None:
    best: Record | None = None
    for record in records:
        if best is None or record.rank > best.rank:
            best = record
    return best


def _latest_per_kk(records: Iterable[Record], first: date, last: date) -> list[Record]:
    """The doc: "the latest counted ... record in months m-11..m" of each KK."""
    by_kk: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        if first <= record.period <= last:
            by_kk[record.data["kk_number"]].append(record)
    return [latest for group in by_kk.values() if (latest := _latest(group)) is not None]


def _desa_of_latest(records: list[Record]) -> str:
    """The doc: "(the latest record; on a tie, the smallest desa code)": latest by record date."""
    newest = max(record.record_date for record in records)
    return min(record.desa for record in records if record.record_date == newest)


def convergence_targets(
    counted: Mapping[tuple[str, tuple[Any, ...], date], Record],
    month: date,
    *,
    secret: str,
    lines: Mapping[int, int],
) -> list[Target]:
    """The target children of month `month` (its first day), per docs/indicators.md "convergence_reach"."""
    end = month_end(month)  # E

    def by_feed(name: str) -> list[Record]:
        return [record for (feed, _, _), record in counted.items() if feed == name]

    def child_key(data: Mapping[str, Any]) -> str:
        nik = data["child_nik"]
        value = nik if nik is not None else f"rec:{data['record_id']}"
        hashed = pseudonymise(value, secret)
        assert hashed is not None
        return hashed

    def hashed(value: str) -> str:
        out = pseudonymise(value, secret)
        assert out is not None
        return out

    # stunted: "the child's latest counted measurement in months m-2..m has a usable zlen < -2"
    measurements: dict[str, list[Record]] = defaultdict(list)
    for record in by_feed("child_measurement"):
        if add_months(month, -2) <= record.period <= month:
            measurements[child_key(record.data)].append(record)
    latest_measurement = {child: _latest(group) for child, group in measurements.items()}
    reasons: dict[str, set[str]] = defaultdict(set)
    for child, record in latest_measurement.items():
        assert record is not None
        zlen = growth(record.data).zlen
        if zlen is not None and zlen < -2:
            reasons[child].add("stunted")

    # family at risk / extreme poor: named in child_niks of the KK's latest record in months m-11..m.
    year_ago = add_months(month, -11)
    families = _latest_per_kk(by_feed("family_risk"), year_ago, month)
    households = _latest_per_kk(by_feed("household_welfare"), year_ago, month)
    naming_family: dict[str, list[Record]] = defaultdict(list)  # child -> the KK records taken into account
    naming_household: dict[str, list[Record]] = defaultdict(list)
    for record in families:
        for nik in record.data["child_niks"] or []:
            naming_family[hashed(nik)].append(record)
            if family_at_risk(record.data):
                reasons[hashed(nik)].add("family_at_risk")
    for record in households:
        for nik in record.data["child_niks"] or []:
            naming_household[hashed(nik)].append(record)
            if extreme_poor(record.data, lines):
                reasons[hashed(nik)].add("extreme_poor")

    # Reached: a counted activity of the four programmes dated E-89 .. E, to the child's NIK or to the KK of a
    # family_risk / household_welfare record taken into account above that names the child.
    first_day = end - timedelta(days=REACH_WINDOW_DAYS - 1)
    reached_niks: set[str] = set()
    reached_kks: set[str] = set()
    for record in by_feed("program_activity"):
        data = record.data
        if data["programme"] in CONVERGENCE_PROGRAMMES and first_day <= record.record_date <= end:
            if data["beneficiary_nik"] is not None:
                reached_niks.add(hashed(data["beneficiary_nik"]))
            if data["beneficiary_kk"] is not None:
                reached_kks.add(hashed(data["beneficiary_kk"]))

    targets: list[Target] = []
    for child, why in sorted(reasons.items()):
        kks = {hashed(r.data["kk_number"]) for r in naming_family[child] + naming_household[child]}
        reached = child in reached_niks or bool(kks & reached_kks)
        # Desa: of the latest measurement in m-2..m, else of the family_risk record naming it, else of the
        # household_welfare record naming it.
        measured = latest_measurement.get(child)
        if measured is not None:
            desa = measured.desa
        elif naming_family[child]:
            desa = _desa_of_latest(naming_family[child])
        else:
            desa = _desa_of_latest(naming_household[child])
        targets.append(Target(child, desa, frozenset(why), reached))
    return targets


def _convergence_months(counted: Mapping[tuple[str, tuple[Any, ...], date], Record]) -> list[date]:
    """Without `months`: every month from the earliest to the latest period of a joined feed's counted record."""
    joined = ("child_measurement", "family_risk", "household_welfare", "program_activity")
    periods = [period for (feed, _, period) in counted if feed in joined]
    if not periods:
        return []
    out, month = [], min(periods)
    while month <= max(periods):
        out.append(month)
        month = add_months(month, 1)
    return out


# 5. The oracle -----------------------------------------------------------------------------------------------


def _parse_month(text: str) -> date:
    """'YYYY-MM' or 'YYYY-MM-01'."""
    return date.fromisoformat(text[:7] + "-01")


def regions_of(desa: str) -> tuple[str, str, str, str]:
    """desa (10 digits), kecamatan (first 6), kabupaten (first 4), province '53'."""
    return (desa, desa[:6], desa[:4], PROVINCE)


def oracle(
    events: Iterable[Mapping[str, Any]],
    *,
    secret: str,
    extreme_poverty_line_rp: Mapping[int, int],
    months: Iterable[str] | None = None,
) -> dict[Key, Value]:
    """(indicator, region, 'YYYY-MM-01') -> (numerator, denominator) of every stream indicator and
    convergence_reach, for every desa, kecamatan, kabupaten and the province, from accepted CloudEvents in any
    order (repeats allowed). `months` ('YYYY-MM' or 'YYYY-MM-01') limits the periods reported, and are the
    months convergence_reach is computed for (default: every month from the first to the last joined record's).
    Cells whose numerator and denominator are both 0 are left out."""
    wanted = None if months is None else sorted({_parse_month(m) for m in months})
    counted = counted_records(accepted_records(events))
    cells = stream_cells(counted, extreme_poverty_line_rp)
    for month in wanted if wanted is not None else _convergence_months(counted):
        for target in convergence_targets(counted, month, secret=secret, lines=extreme_poverty_line_rp):
            cell = cells.setdefault(("convergence_reach", target.desa, month), [0, 0])
            cell[0] += int(target.reached)
            cell[1] += 1

    totals: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for (indicator, desa, period), (numerator, denominator) in cells.items():
        if wanted is not None and period not in wanted:
            continue
        for region in regions_of(desa):
            total = totals[(indicator, region, period.isoformat())]
            total[0] += numerator
            total[1] += denominator
    return {key: (n, d) for key, (n, d) in sorted(totals.items()) if n or d}
