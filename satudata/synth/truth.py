"""The true numbers behind a synthetic batch: numerator and denominator per indicator, kabupaten and month.

Counting, as the indicators are defined (DOMAIN "Indicators"): a subject (the feed's subject key; a child
without a NIK by its record_id) counts once per period with its latest valid record, latest by event time.
Valid means not a 'bad:' record; duplicates (same event id) count once. The period is the month of the
record's date (a local date, so no time zone applies); the population feed's period is its year. Child
classifications come from the true z-scores the generator drew, never from the z-score code under test.

Rules, plainly:
- stunting / severe stunting: zlen < -2 / < -3, of children with a zlen.
- wasting: zwfl < -2 or oedema; overweight: zwfl > 2 without oedema; both of children with a zwfl or oedema.
- underweight: zwei < -2 or oedema, of children with a zwei or oedema (WHO anthro's zwei_aux = -3.1).
- pregnant KEK: MUAC < 23.5 cm, of women checked with a MUAC; anaemia: Hb < 11 g/dL, of those with an Hb.
- family at risk of stunting (KRS): a target member (an under-five or a pregnant woman) AND at least one risk
  factor: no safe water, no proper latrine, mother too young (< 20), mother too old (> 35), births too close
  (< 24 months), too many children (>= 4). Of families assessed.
- bride at risk: Hb < 12 or MUAC < 23.5 (when measured) or age < 19 at screening. Of catin screened.
- extreme poverty: people (members) in households whose per-capita expenditure is below the extreme-poverty
  line of the year of the reference date. Of people in assessed households.
- safe water / proper sanitation: class safely_managed or basic (JMP "at least basic"). Of households
  surveyed.
- validity_rate (province, batch month): valid distinct events / distinct events (duplicates removed first).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import orjson

from satudata import events
from satudata.synth import calibration as cal
from satudata.synth.draft import Facts
from satudata.synth.welfare import PROPER_SANITATION, SAFE_WATER, extreme_line_rp

PROVINCE = "53"
Contribution = tuple[str, float, float]  # indicator, numerator, denominator
Rule = Callable[[dict[str, Any], Facts, Mapping[int, int]], list[Contribution]]

KEK_MUAC_CM = 23.5
PREGNANT_ANAEMIA_HB = 11.0
BRIDE_ANAEMIA_HB = 12.0
BRIDE_MIN_AGE = 19


def _child(_data: dict[str, Any], facts: Facts, _lines: Mapping[int, int]) -> list[Contribution]:
    assert facts is not None
    zlen, zwfl, zwei, oedema = facts["zlen"], facts["zwfl"], facts["zwei"], facts["oedema"]
    out: list[Contribution] = []
    if zlen is not None:
        out += [("stunting_prevalence", zlen < -2, 1), ("severe_stunting_prevalence", zlen < -3, 1)]
    if oedema or zwfl is not None:
        out.append(("wasting_prevalence", oedema or zwfl < -2, 1))
        out.append(("overweight_prevalence", (not oedema) and zwfl > 2, 1))
    if oedema or zwei is not None:
        # WHO anthro counts oedema as below -3 SD in weight-for-age prevalence too (zwei_aux = -3.1).
        out.append(("underweight_prevalence", oedema or zwei < -2, 1))
    return out


def _pregnancy(data: dict[str, Any], _facts: Facts, _lines: Mapping[int, int]) -> list[Contribution]:
    out: list[Contribution] = []
    if data["muac_cm"] is not None:
        out.append(("pregnant_kek_prevalence", data["muac_cm"] < KEK_MUAC_CM, 1))
    if data["hb_g_dl"] is not None:
        out.append(("pregnant_anaemia_prevalence", data["hb_g_dl"] < PREGNANT_ANAEMIA_HB, 1))
    return out


def family_at_risk(data: dict[str, Any]) -> bool:
    target = data["has_under_five"] or data["has_pregnant"]
    risk = (
        not data["safe_water"]
        or not data["proper_latrine"]
        or data["mother_too_young"]
        or data["mother_too_old"]
        or data["births_too_close"]
        or data["too_many_children"]
    )
    return bool(target and risk)


def age_in_years(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def bride_at_risk(data: dict[str, Any]) -> bool:
    hb, muac = data["hb_g_dl"], data["muac_cm"]
    age = age_in_years(date.fromisoformat(data["birth_date"]), date.fromisoformat(data["screening_date"]))
    return (
        (hb is not None and hb < BRIDE_ANAEMIA_HB) or (muac is not None and muac < KEK_MUAC_CM) or (age < BRIDE_MIN_AGE)
    )


def _welfare(data: dict[str, Any], _facts: Facts, lines: Mapping[int, int]) -> list[Contribution]:
    line = extreme_line_rp(int(data["reference_date"][:4]), lines)
    members = data["members"]
    return [("extreme_poverty_rate", members if data["per_capita_expenditure_rp"] < line else 0, members)]


def _wash(data: dict[str, Any], _facts: Facts, _lines: Mapping[int, int]) -> list[Contribution]:
    return [
        ("safe_water_rate", data["water_source_class"] in SAFE_WATER, 1),
        ("proper_sanitation_rate", data["sanitation_class"] in PROPER_SANITATION, 1),
    ]


RULES: dict[str, Rule] = {
    "child_measurement": _child,
    "pregnancy_check": _pregnancy,
    "family_risk": lambda data, _facts, _lines: [("family_risk_rate", family_at_risk(data), 1)],
    "bride_screening": lambda data, _facts, _lines: [("bride_risk_rate", bride_at_risk(data), 1)],
    "household_welfare": _welfare,
    "wash_access": _wash,
}


def period_of(feed: events.Feed, data: dict[str, Any]) -> str:
    value = data[feed.date_field]
    return str(value) if isinstance(value, int) else str(value)[:7]


def subject_of(feed: events.Feed, data: dict[str, Any]) -> tuple[Any, ...]:
    key = tuple(data[name] for name in feed.subject_key)
    return ("record_id", data["record_id"]) if any(part is None for part in key) else key


@dataclass
class Truth:
    feed: str
    month: str
    seed: int
    counts: dict[str, Any]
    indicators: list[dict[str, Any]]
    parameters: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "feed": self.feed,
            "month": self.month,
            "seed": self.seed,
            "counts": self.counts,
            "indicators": self.indicators,
            "parameters": self.parameters,
        }

    def to_json(self) -> bytes:
        return orjson.dumps(self.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)

    def value(self, indicator: str, region: str = PROVINCE, period: str | None = None) -> dict[str, Any]:
        """The one row of an indicator, region and period (the batch month by default)."""
        period = period or self.month
        for row in self.indicators:
            if (row["indicator"], row["region"], row["period"]) == (indicator, region, period):
                return row
        raise KeyError((indicator, region, period))


def compute(
    feed_name: str,
    event_list: list[dict[str, Any]],
    labels: list[str],
    facts: list[Facts],
    *,
    month: str,
    lines: Mapping[int, int],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(counts, indicator rows) of one feed's events."""
    feed = events.feed(feed_name)
    seen: set[str] = set()
    latest: dict[tuple[Any, ...], tuple[str, int]] = {}
    valid = 0
    for k, (event, label) in enumerate(zip(event_list, labels, strict=True)):
        if event["id"] in seen:
            continue
        seen.add(event["id"])
        if label.startswith("bad:"):
            continue
        valid += 1
        key = (subject_of(feed, event["data"]), period_of(feed, event["data"]))
        if key not in latest or latest[key][0] <= event["time"]:
            latest[key] = (event["time"], k)
    totals: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0, 0])
    rule = RULES.get(feed_name)
    for (_, period), (_, k) in sorted(latest.items(), key=lambda item: item[1][1]):
        data = event_list[k]["data"]
        for indicator, numerator, denominator in rule(data, facts[k], lines) if rule else []:
            for region in (data["desa_code"][:4], PROVINCE):
                cell = totals[(indicator, region, period)]
                cell[0] += numerator
                cell[1] += denominator
    rows = [
        {"feed": feed_name, "indicator": i, "region": r, "period": p, "numerator": n, "denominator": d}
        for (i, r, p), (n, d) in sorted(totals.items())
    ]
    rows.append(
        {
            "feed": feed_name,
            "indicator": "validity_rate",
            "region": PROVINCE,
            "period": month,
            "numerator": valid,
            "denominator": len(seen),
        }
    )
    counts = {
        "received": len(event_list),
        "distinct": len(seen),
        "valid_distinct": valid,
        "subjects_counted": len(latest),
        "labels": dict(sorted(Counter(label.split(":")[0] for label in labels).items())),
        "faults": dict(sorted(Counter(label[4:] for label in labels if label.startswith("bad:")).items())),
    }
    return counts, _as_int(rows)


def _as_int(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Booleans were summed as numbers; write whole numbers as integers.
    for row in rows:
        for name in ("numerator", "denominator"):
            row[name] = int(row[name])
    return rows


def parameters(lines: Mapping[int, int], year: int) -> dict[str, Any]:
    return {
        "extreme_poverty_line_rp": extreme_line_rp(year, lines),
        "eppgbm_province_stunting_target": cal.EPPGBM_PROVINCE_STUNTING,
        "province_extreme_poverty_target": cal.PROVINCE_EXTREME_POVERTY,
    }
