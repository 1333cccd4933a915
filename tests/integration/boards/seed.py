"""Rows for every table a board reads, in real NTT desa from the region master, with replaced versions, and the
truth computed from them in plain Python."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from clickhouse_connect.driver import Client

from satudata.indicators import INDICATORS
from satudata.regions import Region, master

MONTHS = (date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1))
PERIOD = MONTHS[-1]
# received, raised and detected inside the board's month (WITA noon is 04:00 UTC)
AT = datetime(2026, 10, 14, 4, tzinfo=UTC)
FEEDS = ("child_measurement", "family_risk", "pregnancy_check")
SOURCES = ("dinkes-5301/pkm-a", "dinkes-5301/pkm-b", "bkkbn/tpk-c")

VALUE_COLUMNS = [
    "indicator", "period", "desa_code", "kecamatan_code", "kabupaten_code", "feed", "partition", "numerator",
    "denominator", "version", "updated_at",
]  # fmt: skip
OUTCOME_COLUMNS = [
    "feed", "event_id", "source", "agency", "record_id", "desa_code", "kabupaten_code", "outcome", "errors",
    "warnings", "event_date", "received_at", "lateness_days", "version",
]  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    kabupaten: Region
    desa: tuple[Region, ...]
    # (indicator, period, desa digits, partition) -> (numerator, denominator) of the latest version
    sums: dict[tuple[str, date, str, int], tuple[int, int]]

    def expected(self, indicator: str, period: date, prefix: str = "") -> tuple[int, int]:
        mine = [v for (i, p, d, _), v in self.sums.items() if (i, p) == (indicator, period) and d.startswith(prefix)]
        return sum(n for n, _ in mine), sum(d for _, d in mine)


def _values(client: Client, rng: random.Random, desa: tuple[Region, ...]) -> dict:
    latest: dict[tuple[str, date, str, int], tuple[int, int]] = {}
    rows = []
    stream = [code for code, i in INDICATORS.items() if i.method != "quality"]
    for version in (1, 2):
        for code in stream:
            for period in MONTHS:
                for d in desa:
                    for partition in (0, 1):
                        if version == 2 and rng.random() < 0.6:
                            continue  # only some sums are corrected
                        denominator = rng.randint(1, 30)
                        numerator = rng.randint(0, denominator)
                        codes = (d.digits, d.digits[:6], d.digits[:4])
                        rows.append((code, period, *codes, "f", partition, numerator, denominator, version, AT))
                        latest[(code, period, d.digits, partition)] = (numerator, denominator)
        # the correction in an insert (a part) of its own: only FINAL tells the latest
        client.insert("satudata.indicator_value", rows, column_names=VALUE_COLUMNS)
        rows = []
    return latest


def _outcomes(client: Client, rng: random.Random, desa: tuple[Region, ...]) -> None:
    rows = []
    for n in range(120):
        d = rng.choice(desa)
        clean = rng.random() < 0.8
        event_date = rng.choice(MONTHS) + timedelta(days=rng.randint(0, 27))
        received = AT - timedelta(days=rng.choice((0, 0, 0, 31)))
        rows.append([
            rng.choice(FEEDS), f"ev-{n}", rng.choice(SOURCES[:2]), "dinkes", f"rec-{n}", d.digits, d.digits[:4],
            "clean" if clean else "quarantined", [] if clean else ["height_cm_out_of_range"], [],
            event_date, received, (received.date() - event_date).days, 1,
        ])  # fmt: skip
    # a unit that reported last month and not this one: silent
    rows.append([
        "family_risk", "ev-silent", SOURCES[2], "bkkbn", "rec-s", desa[0].digits, desa[0].digits[:4], "clean", [],
        [], MONTHS[1], AT - timedelta(days=31), 3, 1,
    ])  # fmt: skip
    client.insert("satudata.record_outcome", rows, column_names=OUTCOME_COLUMNS)
    quarantined = [r for r in rows if r[7] == "quarantined"]
    client.insert(
        "satudata.quarantine",
        [[r[1], r[0], r[2], r[5], r[4], r[8], "[]", "{}", r[11], 1] for r in quarantined],
        column_names=[
            "event_id", "feed", "source", "desa_code", "record_id", "rules", "reasons", "event", "received_at",
            "version",
        ],
    )  # fmt: skip


def _quality_rows(client: Client, desa: tuple[Region, ...]) -> None:
    kab = desa[0].digits[:4]
    client.insert(
        "satudata.alerts",
        [
            [f"validity:child_measurement:{SOURCES[0]}::h{n}", "validity", "child_measurement", SOURCES[0], kab, "",
             AT, AT + timedelta(minutes=n), 0.5, 0.9, "rec-1", "Validitas rendah", "Low validity", 1]
            for n in range(3)
        ],
        column_names=[
            "alert_id", "kind", "feed", "source", "kabupaten_code", "rule", "since", "raised_at", "value",
            "threshold", "example_record_id", "message_id", "message_en", "version",
        ],
    )  # fmt: skip
    client.insert(
        "satudata.conflicts",
        [
            [f"c{n}", f"h{n}", "birth_date", "child_measurement", SOURCES[0], "r1", "2024-01-01", "family_risk",
             SOURCES[2], "r2", "2024-02-01", kab, AT, 1]
            for n in range(2)
        ],
        column_names=[
            "conflict_id", "subject_hash", "field", "feed_a", "source_a", "record_id_a", "value_a", "feed_b",
            "source_b", "record_id_b", "value_b", "kabupaten_code", "detected_at", "version",
        ],
    )  # fmt: skip


def _targets(client: Client, desa: tuple[Region, ...]) -> None:
    rows = []
    for n, d in enumerate(desa):
        codes = (d.digits, d.digits[:6], d.digits[:4])
        # target, not reached; target and reached; no longer a target
        for suffix, target, reached in (("a", 1, 0), ("b", 1, 1), ("c", 0, 0)):
            rows.append([
                PERIOD, f"child-{n}{suffix}", *codes, target, 1, 0, 0, reached, f"kk-{n}", "pos-1",
                PERIOD, None, 1, AT,
            ])  # fmt: skip
    client.insert(
        "satudata.convergence_target",
        rows,
        column_names=[
            "period", "child_hash", "desa_code", "kecamatan_code", "kabupaten_code", "target", "stunted",
            "family_at_risk", "extreme_poor", "reached", "kk_hash", "posyandu_id", "last_measure_date",
            "last_intervention_date", "version", "updated_at",
        ],
    )  # fmt: skip


def seed(client: Client) -> Seeded:
    rng = random.Random(6)
    regions = master()
    kab = regions.kabupaten()[0]
    kecamatan = regions.children(kab.code)[:2]
    desa = (*regions.children(kecamatan[0].code)[:3], *regions.children(kecamatan[1].code)[:2])
    other = regions.children(regions.children(regions.kabupaten()[-1].code)[0].code)[:1]
    desa = (*desa, *other)
    sums = _values(client, rng, desa)
    _outcomes(client, rng, desa)
    _quality_rows(client, desa)
    _targets(client, desa)
    return Seeded(kab, desa, sums)
