"""Data rows → feed records with a deterministic event id, or per-cell problems. Pure: no I/O."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from services.ingest.uploads.convert import CONVERTERS, UnconvertibleError, is_blank
from services.ingest.uploads.mapping import ColumnPlan, canonical_value

# Fixed forever: changing it would give every row ever uploaded a new id and publish it again.
UPLOAD_NAMESPACE = uuid.UUID("6f0b5a3e-8f4e-5c1e-9d1a-53a0d47e1a27")


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int  # as the spreadsheet numbers it
    column: str  # the header as written in the file
    problem: str  # bilingual; never the cell's value (it may be a NIK)

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "problem": self.problem}


@dataclass(frozen=True, slots=True)
class Record:
    row: int
    event_id: str
    data: dict[str, Any]


def event_id(feed: str, source: str, data: dict[str, Any]) -> str:
    """Same feed, unit, record id and content → same id, so the same row uploaded again is recognised.

    A corrected row (same record_id, other content) gets a new id and is published: the quality gateway and the
    indicators replace the older record by record_id.
    """
    canonical = orjson.dumps([feed, source, data.get("record_id"), data], option=orjson.OPT_SORT_KEYS)
    return str(uuid.uuid5(UPLOAD_NAMESPACE, canonical.decode()))


def convert_row(plan: ColumnPlan, source: str, number: int, cells: list[Any]) -> Record | list[RowProblem]:
    data: dict[str, Any] = {}
    problems: list[RowProblem] = []
    for field in plan.feed.fields:
        index = plan.columns[field.name]
        cell = cells[index] if index is not None and index < len(cells) else None
        if is_blank(cell):
            # An empty cell is published as null: "required" is a contract rule, judged and reported by quality.
            data[field.name] = [] if field.kind == "nik_list" else None
            continue
        try:
            value = CONVERTERS[field.kind](cell)
        except UnconvertibleError as exc:
            problems.append(RowProblem(number, plan.headers[field.name], exc.message))
            continue
        data[field.name] = canonical_value(field.name, value) if isinstance(value, str) else value
    if problems:
        return problems
    return Record(number, event_id(plan.feed.name, source, data), data)


def convert_rows(
    plan: ColumnPlan, source: str, rows: Iterable[tuple[int, list[Any]]]
) -> tuple[list[Record], list[RowProblem]]:
    records: list[Record] = []
    problems: list[RowProblem] = []
    for number, cells in rows:
        result = convert_row(plan, source, number, cells)
        if isinstance(result, Record):
            records.append(result)
        else:
            problems.extend(result)
    return records, problems
