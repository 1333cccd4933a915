"""What the compiler leaves to GX, and `mostly`: a suite mixing compiled and uncompilable expectations gives the
verdicts GX alone gives, and GX judges exactly the uncompilable part."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from satudata.events import feed
from services.quality.compiled import CompiledValidator
from services.quality.contract import ContractValidator
from services.quality.prepare import prepare
from services.quality.suite import ContractFile, contracts_dir, read_contract
from tests.unit.quality.compiled.support import TODAY

FEED = feed("child_measurement")


def _rule(i: int) -> dict[str, str]:
    return {"rule": f"r{i}", "message_id": f"pesan {i}", "message_en": f"message {i}"}


EXPECTATIONS: list[dict[str, Any]] = [
    # compiled, `mostly` at GX's boundary: half the rows may fail
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "weight_kg", "min_value": 0.5,
     "max_value": 35, "mostly": 0.5}},
    # left to GX: a type the compiler does not know
    {"type": "expect_column_value_lengths_to_be_between", "kwargs": {"column": "record_id", "min_value": 12}},
    # left to GX: a row condition
    {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "sex", "value_set": ["L"],
     "row_condition": 'measure_position=="lying"', "condition_parser": "pandas"}},
    # compiled, counted over every row
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "muac_cm", "mostly": 0.7}},
    # left to GX, which raises on it: every record held with contract_error, both ways
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "height_cm", "min_value": 90,
     "max_value": 80}},
    {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "desa_code", "regex": r"^53\d{8}$"}},
]  # fmt: skip
LEFT_TO_GX = (1, 2, 4)


@pytest.fixture(scope="module")
def contract(tmp_path_factory: pytest.TempPathFactory) -> ContractFile:
    path = tmp_path_factory.mktemp("suite") / "v1.json"
    expectations = [dict(e, meta=_rule(i)) for i, e in enumerate(EXPECTATIONS)]
    path.write_bytes(orjson.dumps({"name": "mixed", "expectations": expectations}))
    return read_contract(FEED, path)


def events(weights: list[float], short_ids: int, lying_girls: int, no_muac: int) -> list[dict[str, Any]]:
    line = (contracts_dir() / FEED.name / "examples" / "good.ndjson").read_bytes().splitlines()[0]
    good = orjson.loads(line)
    made = []
    for i, weight in enumerate(weights):
        event = copy.deepcopy(good)
        data = event["data"]
        data["weight_kg"] = weight
        data["record_id"] = "R-1" if i < short_ids else f"PPGBM-{i:012d}"
        if i < lying_girls:
            data["sex"], data["measure_position"] = "P", "lying"
        if i >= len(weights) - no_muac:
            data["muac_cm"] = None
        made.append(event)
    return made


def test_the_compiler_leaves_exactly_what_it_cannot_translate(contract: ContractFile) -> None:
    validator = CompiledValidator(contract, today=lambda: TODAY, recheck_every=0)
    frame_events = events([10.0] * 4, 0, 0, 0)
    program, rest = validator.program(prepare(FEED, [e["data"] for e in frame_events], today=TODAY).schema)
    assert program.left_to_gx == LEFT_TO_GX
    assert [r.rule for r in program.rules] == ["r0", "r3", "r5"]
    assert rest is not None and len(rest.expectations) == len(LEFT_TO_GX)


@pytest.mark.parametrize(
    ("bad_weights", "no_muac", "weight_fails", "muac_fails"),
    [(5, 3, False, False), (6, 4, True, True)],  # 5 of 10 failing is still "mostly" 0.5; 6 is not
)
def test_mixed_suite_gives_gx_verdicts(
    contract: ContractFile, bad_weights: int, no_muac: int, weight_fails: bool, muac_fails: bool
) -> None:
    weights = [99.0] * bad_weights + [10.0] * (10 - bad_weights)
    batch = events(weights, short_ids=2, lying_girls=3, no_muac=no_muac)
    compiled = CompiledValidator(contract, today=lambda: TODAY, recheck_every=0).validate(batch)
    gx = ContractValidator(contract, today=lambda: TODAY).validate(batch)
    assert [v.rules for v in compiled] == [v.rules for v in gx]
    for i, verdict in enumerate(compiled):
        assert ("r0" in verdict.rules) == (weight_fails and i < bad_weights)
        assert ("r1" in verdict.rules) == (i < 2)
        assert ("r2" in verdict.rules) == (i < 3)
        assert ("r3" in verdict.rules) == (muac_fails and i >= 10 - no_muac)
        assert "contract_error" in verdict.rules and "r5" not in verdict.rules


def test_a_batch_the_program_cannot_run_is_judged_by_gx(contract: ContractFile, monkeypatch: Any) -> None:
    validator = CompiledValidator(contract, today=lambda: TODAY, recheck_every=0)

    def broken(*_: Any) -> Any:
        raise RuntimeError("a bug meeting odd data")

    monkeypatch.setattr(validator, "judge_compiled", broken)
    batch = events([99.0] * 6 + [10.0] * 4, 2, 3, 4)
    gx = ContractValidator(contract, today=lambda: TODAY).validate(batch)
    assert [v.rules for v in validator.validate(batch)] == [v.rules for v in gx]
