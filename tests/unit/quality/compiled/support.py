"""Batches for differential tests: every feed's examples, synthetic records with faults, and mutations of
field values (nulls, wrong types, boundary values, odd strings, unicode, huge numbers).

Records go through JSON text and orjson, as the gateway receives them: an integer beyond 64 bits arrives as
a float, and only what JSON can carry is ever judged.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any

import orjson
import polars as pl

from satudata.events import feed
from satudata.synth import generate
from services.quality.compiled import CompiledValidator
from services.quality.contract import ContractValidator
from services.quality.examples import read_examples
from services.quality.prepare import prepare
from services.quality.suite import contract_path, contracts_dir, read_contract

TODAY = date(2025, 12, 31)

# Values that sit on a rule's edge somewhere: types JSON confuses, text that regex flavours read differently
# (Python's `$` before a final newline, U+001C-U+001F that only Python calls whitespace), numbers at and
# around every bound of the contracts, and numbers beyond 64 bits.
ODD_VALUES: tuple[Any, ...] = (
    None,
    "",
    " ",
    "\t\n",
    "\x1c",
    "\x1f ",
    "\u00a0",
    "\u2028",
    "\u3000x",
    "x",
    "ÿ",
    "😀",
    "L",
    "P",
    "l",
    "L\n",
    "lying",
    "standing\n",
    "genting",
    "posyandu",
    "food_package",
    "safely_managed",
    "open_defecation",
    "0-4",
    "50+",
    "2024-02-29",
    "2023-02-29",
    "2024-13-01",
    "2024-3-5",
    "2024-03-05T00:00",
    "2024-03-05\n",
    "2025-12-31",
    "2026-01-01",
    "1900-01-01",
    "5301042003",
    "5301042003\n",
    "5301049999",
    "53.01.04.2003",
    "٥٣٠١٠٤٢٠٠٣",  # Arabic-Indic digits: \d in Python, not [0-9]
    "5301041405230017",
    "5301041405230017\n",
    "5302015411240003",
    "5301040000000000",
    "5301043202230017",
    "9901041405230017",
    "3171041405230017",
    "5301991405230017",
    "5301041405230000",
    "530104140523001",
    True,
    False,
    0,
    1,
    -1,
    2,
    3,
    5,
    10,
    20,
    25,
    30,
    35,
    38,
    42,
    43,
    50,
    55,
    70,
    100,
    130,
    200,
    220,
    1000,
    1825,
    2000,
    100000,
    100000000,
    100000001,
    0.0,
    -0.0,
    0.5,
    0.49999999999999994,
    35.00000000000001,
    1e-300,
    1e300,
    2**53 + 1,
    2**63 - 1,
    -(2**63),
    2**64,
    10**30,
    [],
    ["5301041405230017"],
    ["5301041405230017", "123"],
    [1, 2],
    {"a": 1},
)


@cache
def contract(name: str) -> Any:
    f = feed(name)
    return read_contract(f, contract_path(f, contracts_dir()))


@cache
def compiled_validator(name: str) -> CompiledValidator:
    return CompiledValidator(contract(name), today=lambda: TODAY, recheck_every=0)


@cache
def pool(name: str) -> tuple[dict[str, Any], ...]:
    """Data objects to start from: every good and bad example and synthetic records, half of them faulty."""
    folder = contracts_dir() / name / "examples"
    examples = read_examples(folder / "good.ndjson") + read_examples(folder / "bad.ndjson")
    datas = [e.event["data"] for e in examples if isinstance(e.event.get("data"), dict)]
    synth = generate(name, month="2025-06", count=200, seed=11, bad_rate=0.5).events
    return tuple(as_received(d) for d in [*datas, *(e["data"] for e in synth)])


def as_received(data: dict[str, Any]) -> dict[str, Any]:
    """The data object as the gateway decodes it (stdlib json writes big integers; orjson reads them back)."""
    return orjson.loads(json.dumps(data, ensure_ascii=False))


def failed_both_ways(name: str, datas: list[dict[str, Any]]) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(row, rule) failed by the compiled evaluator and by GX itself, on one prepared frame."""
    validator = compiled_validator(name)
    frame = prepare(feed(name), [as_received(d) for d in datas], today=TODAY)
    compiled = {(row, reason.rule) for row, reason in validator.judge_compiled(frame)}
    gx = {(row, reason.rule) for row, reason in ContractValidator.judge(validator, frame)}
    return compiled, gx


def frame_of(name: str, datas: list[dict[str, Any]]) -> pl.DataFrame:
    return prepare(feed(name), [as_received(d) for d in datas], today=TODAY)
