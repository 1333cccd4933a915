"""The truth file counts what it should: recomputed here, in plain Python, from the events and their labels.

Bad records and duplicates are left out, a correction replaces what it corrects, each subject counts once a
month, and every ratio is a sum of numerators over a sum of denominators per kabupaten and for the province.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import orjson

from satudata import events
from satudata.settings import Settings

LINES = Settings.model_fields["extreme_poverty_line_rp"].default_factory()  # type: ignore[misc]


def _classify(feed: str, d: dict[str, Any], fact: dict[str, Any] | None) -> dict[str, tuple[float, float]]:
    """indicator -> (numerator, denominator) for one record, from the definitions in DOMAIN.md."""
    if feed == "child_measurement":
        assert fact is not None
        out = {
            "stunting_prevalence": (fact["zlen"] < -2, 1),
            "severe_stunting_prevalence": (fact["zlen"] < -3, 1),
        }
        if fact["oedema"]:
            # WHO anthro: oedema counts as below -3 SD for every weight-based indicator
            out |= {"wasting_prevalence": (1, 1), "overweight_prevalence": (0, 1), "underweight_prevalence": (1, 1)}
        else:
            out |= {
                "wasting_prevalence": (fact["zwfl"] < -2, 1),
                "overweight_prevalence": (fact["zwfl"] > 2, 1),
                "underweight_prevalence": (fact["zwei"] < -2, 1),
            }
        return out
    if feed == "pregnancy_check":
        out = {"pregnant_kek_prevalence": (d["muac_cm"] < 23.5, 1)}
        if d["hb_g_dl"] is not None:
            out["pregnant_anaemia_prevalence"] = (d["hb_g_dl"] < 11, 1)
        return out
    if feed == "family_risk":
        target = d["has_under_five"] or d["has_pregnant"]
        factors = ("mother_too_young", "mother_too_old", "births_too_close", "too_many_children")
        risk = not d["safe_water"] or not d["proper_latrine"] or any(d[f] for f in factors)
        return {"family_risk_rate": (target and risk, 1)}
    if feed == "bride_screening":
        born, screened = date.fromisoformat(d["birth_date"]), date.fromisoformat(d["screening_date"])
        age = screened.year - born.year - ((screened.month, screened.day) < (born.month, born.day))
        hb, muac = d["hb_g_dl"], d["muac_cm"]
        return {
            "bride_risk_rate": (
                (hb is not None and hb < 12) or (muac is not None and muac < 23.5) or age < 19,
                1,
            )
        }
    if feed == "household_welfare":
        poor = d["per_capita_expenditure_rp"] < LINES[int(d["reference_date"][:4])]
        return {"extreme_poverty_rate": (d["members"] * poor, d["members"])}
    if feed == "wash_access":
        return {
            "safe_water_rate": (d["water_source_class"] in ("safely_managed", "basic"), 1),
            "proper_sanitation_rate": (d["sanitation_class"] in ("safely_managed", "basic"), 1),
        }
    return {}


def _oracle(batch, feed_name: str) -> dict[tuple[str, str, str], tuple[int, int]]:  # type: ignore[no-untyped-def]
    feed = events.feed(feed_name)
    seen: set[str] = set()
    latest: dict[Any, tuple[str, dict[str, Any], Any]] = {}
    valid = 0
    for event, label, fact in zip(batch.events, batch.labels, batch.facts, strict=True):
        if event["type"] != feed.event_type or event["id"] in seen:
            continue
        seen.add(event["id"])
        if label.startswith("bad:"):
            continue
        valid += 1
        d = event["data"]
        subject = tuple(d[k] for k in feed.subject_key)
        if None in subject:
            subject = ("record", d["record_id"])
        key = (subject, str(d[feed.date_field])[:7])
        if key not in latest or latest[key][0] <= event["time"]:
            latest[key] = (event["time"], d, fact)
    sums: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (_, period), (_, d, fact) in latest.items():
        for indicator, (numerator, denominator) in _classify(feed_name, d, fact).items():
            for region in (d["desa_code"][:4], "53"):
                sums[(indicator, region, period)][0] += int(numerator)
                sums[(indicator, region, period)][1] += int(denominator)
    sums[("validity_rate", "53", batch.month)] = [valid, len(seen)]
    return {key: (n, d) for key, (n, d) in sums.items()}


def _truth(batch, feed_name: str) -> dict[tuple[str, str, str], tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {
        (r["indicator"], r["region"], r["period"]): (r["numerator"], r["denominator"])
        for r in batch.truth.indicators
        if r["feed"] == feed_name
    }


def test_truth_equals_the_oracle_for_every_feed(every_feed) -> None:  # type: ignore[no-untyped-def]
    for feed_name in events.FEEDS:
        assert _truth(every_feed, feed_name) == _oracle(every_feed, feed_name), feed_name


def test_truth_equals_the_oracle_on_many_children(children) -> None:  # type: ignore[no-untyped-def]
    assert _truth(children, "child_measurement") == _oracle(children, "child_measurement")


def test_corrections_win_and_faults_do_not_count(children) -> None:  # type: ignore[no-untyped-def]
    counts = children.truth.counts
    labels = counts["labels"]
    # One subject per good, late or corrected record: a correction and what it corrects are one child.
    assert counts["subjects_counted"] == labels["good"] + labels["late"] + labels["correction"]
    stunting = children.truth.value("stunting_prevalence")
    assert stunting["denominator"] == counts["subjects_counted"]
    # Counting the superseded versions instead of their corrections would give another numerator.
    superseded = {
        e["data"]["record_id"]: f["zlen"] < -2
        for e, label, f in zip(children.events, children.labels, children.facts, strict=True)
        if label == "superseded"
    }
    corrected = {
        e["data"]["record_id"]: f["zlen"] < -2
        for e, label, f in zip(children.events, children.labels, children.facts, strict=True)
        if label == "correction"
    }
    assert superseded.keys() == corrected.keys() and superseded != corrected


def test_truth_file_shape(every_feed) -> None:  # type: ignore[no-untyped-def]
    document = orjson.loads(every_feed.truth.to_json())
    assert set(document) >= {"feed", "month", "seed", "counts", "indicators"}
    assert document["month"] == "2026-10" and document["seed"] == 11
    row = document["indicators"][0]
    assert set(row) == {"feed", "indicator", "region", "period", "numerator", "denominator"}
    assert {r["period"] for r in document["indicators"] if r["feed"] != "population"} == {"2026-10"}
    regions = {r["region"] for r in document["indicators"]}
    assert "53" in regions and all(len(r) in (2, 4) for r in regions)
