"""A full-size batch of synthetic child measurements, with known faults: the contract finds exactly them."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from satudata.synth import generate
from services.quality.contract import ContractValidator
from tests.unit.quality.support import Clock

BATCH = 5000

# The rules each synthetic fault (satudata/synth: faults.py and children.py) must trip; a record may trip
# several of them (a future date by a year typo is also over five) but nothing outside its set.
FAULT_RULES: dict[str, set[str]] = {
    "missing_field": {
        f"{name}_missing"
        for name in (
            "record_id",
            "sex",
            "birth_date",
            "measure_date",
            "weight_kg",
            "height_cm",
            "measure_position",
            "oedema",
            "posyandu_id",
            "desa_code",
        )
    },
    "wrong_type": {
        f"{name}_type"
        for name in (
            "record_id",
            "child_nik",
            "sex",
            "birth_date",
            "measure_date",
            "weight_kg",
            "height_cm",
            "measure_position",
            "muac_cm",
            "oedema",
            "posyandu_id",
            "desa_code",
        )
    },
    "unknown_desa": {"desa_code_unknown"},
    "future_date": {"measure_date_in_future", "child_over_five"},
    "nik_length": {"nik_format"},
    "bad_code": {"sex_unknown", "measure_position_unknown"},
    "before_birth": {"measure_before_birth"},
    "over_five": {"child_over_five"},
    "implausible": {"weight_kg_out_of_range", "height_cm_out_of_range"},
    "nik_birth_date": {"nik_birth_date_mismatch"},
    "nik_sex": {"nik_sex_mismatch"},
}
# A fault's own rule must be among what it trips (the future date's, not only the age it drags along).
REQUIRED: dict[str, set[str]] = {"future_date": {"measure_date_in_future"}}


@pytest.mark.slow
def test_a_synthetic_batch_is_judged_as_its_labels_say(validator: ContractValidator, on_date: Clock) -> None:
    synth = generate(
        "child_measurement",
        month="2025-06",
        count=BATCH,
        seed=11,
        bad_rate=0.12,
        dup_rate=0.02,
        correction_rate=0.02,
        late_rate=0.03,
    )
    events, labels = synth.events[:BATCH], synth.labels[:BATCH]
    assert len(events) == BATCH
    on_date.fixed = date(2025, 12, 31)  # after every valid record's date, even a late one
    verdicts = validator.validate(events)

    faults: Counter[str] = Counter()
    first: dict[str, list[str]] = {}
    for event, label, verdict in zip(events, labels, verdicts, strict=True):
        errors = {r.rule for r in verdict.reasons if r.severity == "error"}
        if label == "duplicate":
            # The same event sent again (good or bad): judged exactly as it was the first time.
            assert verdict.rules == first[event["id"]], label
            continue
        first.setdefault(event["id"], verdict.rules)
        if not label.startswith("bad:"):
            assert verdict.ok, (label, verdict.rules)
            continue
        fault = label.removeprefix("bad:")
        faults[fault] += 1
        assert not verdict.ok, (label, verdict.rules)
        assert errors <= FAULT_RULES[fault], (label, verdict.rules)
        assert REQUIRED.get(fault, set()) <= errors, (label, verdict.rules)
    # Every kind of fault was in the batch, so every mapping above was exercised.
    assert set(faults) == set(FAULT_RULES), faults
