"""The key check: the truth's classification of every valid child measurement is what WHO's method gives.

The truth comes from the z-scores the generator drew; satudata.growth.zscores computes them from the published
weight, height, position, dates and oedema. Agreement proves both sides: the generator's LMS inversion and
rounding margins, and the z-score code's age, 0.7 cm, interpolation and restricted-z rules.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from satudata.growth import zscores


def _frame(batch):  # type: ignore[no-untyped-def]
    rows, facts = [], []
    for event, label, fact in zip(batch.events, batch.labels, batch.facts, strict=True):
        if label.startswith("bad:") or label == "duplicate":
            continue
        d = event["data"]
        rows.append(
            {
                "sex": 1 if d["sex"] == "L" else 2,
                "birth_date": date.fromisoformat(d["birth_date"]),
                "measure_date": date.fromisoformat(d["measure_date"]),
                "weight_kg": d["weight_kg"],
                "lenhei_cm": d["height_cm"],
                "measure": "l" if d["measure_position"] == "lying" else "h",
                "oedema": d["oedema"],
                "muac_cm": d["muac_cm"],
            }
        )
        facts.append(fact)
    return pl.DataFrame(rows, schema_overrides={"muac_cm": pl.Float64}), facts


def test_truth_classification_equals_who_zscores(children) -> None:  # type: ignore[no-untyped-def]
    frame, facts = _frame(children)
    assert frame.height > 48_000
    z = zscores(frame)
    # No implausible values among valid records, and no standing measure before 9 months.
    for flag in ("flen", "fwei", "fwfl", "fac", "c9mo_flag"):
        assert (z[flag].fill_null(0) == 0).all(), flag
    disagreements: dict[str, int] = {}
    for row, fact in zip(z.select("zlen", "zwfl", "zwei", "oedema").iter_rows(), facts, strict=True):
        zlen, zwfl, zwei, oedema = row
        assert fact["oedema"] == oedema
        checks = {
            "stunted": (zlen < -2, fact["zlen"] < -2),
            "severely stunted": (zlen < -3, fact["zlen"] < -3),
        }
        if oedema:
            # WHO gives no weight-based z with oedema; the truth counts the child as wasted.
            assert zwfl is None and zwei is None
            assert fact["zwfl"] is None and fact["zwei"] is None
        else:
            checks |= {
                "wasted": (zwfl < -2, fact["zwfl"] < -2),
                "severely wasted": (zwfl < -3, fact["zwfl"] < -3),
                "overweight": (zwfl > 2, fact["zwfl"] > 2),
                "underweight": (zwei < -2, fact["zwei"] < -2),
            }
        for name, (who, truth) in checks.items():
            if who != truth:
                disagreements[name] = disagreements.get(name, 0) + 1
    assert disagreements == {}


def test_oedema_is_rare_but_present(children) -> None:  # type: ignore[no-untyped-def]
    frame, _ = _frame(children)
    assert 0 < frame["oedema"].sum() < 0.005 * frame.height


def test_positions_follow_age(children) -> None:  # type: ignore[no-untyped-def]
    frame, _ = _frame(children)
    age = (frame["measure_date"] - frame["birth_date"]).dt.total_days()
    standing = frame["measure"] == "h"
    young = age < 731
    assert ((age < 274) & standing).sum() == 0  # never standing before 9 months
    assert (young & standing).sum() / young.sum() < 0.06  # mostly lying under two
    assert (~young & ~standing).sum() / (~young).sum() < 0.15  # mostly standing from two
    assert (young & standing).sum() > 0 and (~young & ~standing).sum() > 0  # both adjustments occur
    assert age.min() >= 0 and age.max() <= 1825
