"""Loading a contract: what makes the service refuse to start, where contracts are found, and that GX is
only imported by whoever validates."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from services.quality.contract import ContractValidator, load_suite
from services.quality.suite import ContractError, ContractFile, contract_path, contracts_dir, read_contract
from tests.unit.quality.support import FEED

ROOT = Path(__file__).resolve().parents[3]


def write_suite(tmp_path: Path, suite: dict[str, Any]) -> Path:
    path = tmp_path / FEED.name / "v1.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(orjson.dumps(suite))
    return path


def with_extra(contract_file: ContractFile, expectation: dict[str, Any]) -> dict[str, Any]:
    suite = copy.deepcopy(contract_file.suite)
    suite["expectations"].append(expectation)
    return suite


def meta(rule: str) -> dict[str, str]:
    return {"rule": rule, "message_id": "pesan", "message_en": "message"}


def test_a_suite_gx_would_shorten_is_refused(tmp_path: Path, contract_file: ContractFile) -> None:
    bogus = {"type": "expect_column_values_to_be_kind", "kwargs": {"column": "sex"}, "meta": meta("bogus")}
    path = write_suite(tmp_path, with_extra(contract_file, bogus))
    contract = read_contract(FEED, path)
    with pytest.raises(ContractError, match=f"GX loaded {len(contract.reasons) - 1} of {len(contract.reasons)}"):
        load_suite(contract)


def test_a_table_level_expectation_is_refused(tmp_path: Path, contract_file: ContractFile) -> None:
    table = {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}, "meta": meta("rows")}
    contract = read_contract(FEED, write_suite(tmp_path, with_extra(contract_file, table)))
    with pytest.raises(ContractError, match="not a row-level rule"):
        ContractValidator(contract)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda e: e["meta"].update(rule="sex_missing"), "appears twice"),
        (lambda e: e["meta"].pop("message_id"), "needs meta.rule, meta.message_id"),
        (lambda e: e.update(severity="info"), "severity critical|warning"),
    ],
)
def test_a_rule_that_cannot_be_reported_is_refused(
    tmp_path: Path, contract_file: ContractFile, change: Any, match: str
) -> None:
    expectation = {
        "type": "expect_column_values_to_not_be_null",
        "kwargs": {"column": "_sex_json_type"},
        "meta": meta("another"),
        "severity": "critical",
    }
    change(expectation)
    with pytest.raises(ContractError, match=match):
        read_contract(FEED, write_suite(tmp_path, with_extra(contract_file, expectation)))


@pytest.mark.parametrize("content", [b"{not json", b"[]", b'{"name": "x", "expectations": []}'])
def test_an_unreadable_contract_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "v1.json"
    path.write_bytes(content)
    with pytest.raises(ContractError):
        read_contract(FEED, path)


def test_contracts_are_found_beside_the_code_or_where_configured(tmp_path: Path) -> None:
    assert contracts_dir() == ROOT / "contracts"
    assert contract_path(FEED, contracts_dir()).is_file()
    assert contracts_dir(tmp_path) == tmp_path
    with pytest.raises(ContractError, match="does not exist"):
        contracts_dir(tmp_path / "missing")


def test_importing_the_service_does_not_import_gx() -> None:
    code = (
        "import sys, services.quality, services.quality.agent, services.quality.contract; "
        "assert 'great_expectations' not in sys.modules, 'GX imported eagerly'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
