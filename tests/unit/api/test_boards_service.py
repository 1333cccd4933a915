"""The pure parts of the boards answers: refresh text, JSON cells, bound parameters and small-cell suppression."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from satudata.boards import Column, Panel, Suppression
from satudata.problems import ProblemError
from services.api.boards import service

PANEL = Panel(
    id="p",
    title_id="Panel",
    title_en="Panel",
    kind="table",
    sql="SELECT 1 WHERE {kabupaten:String} != '' AND {period_from:Date} <= {period:Date}",
    columns=(
        Column("region", "Wilayah", "Region", "region"),
        Column("value", "Nilai", "Value", "percent"),
        Column("numerator", "Pembilang", "Numerator", "count"),
        Column("denominator", "Penyebut", "Denominator", "count"),
    ),
    suppress=Suppression(denominator="denominator", values=("value", "numerator")),
)


@pytest.mark.parametrize(("text", "seconds"), [("5s", 5), ("1m", 60), ("2h", 7200), ("0s", 1), ("soon", 5)])
def test_refresh_text_in_seconds(text: str, seconds: int) -> None:
    assert service.refresh_seconds(text) == seconds


def test_cells_are_json_values() -> None:
    wita = timezone(timedelta(hours=8))
    assert service.cell(date(2026, 3, 1)) == "2026-03-01"
    assert service.cell(datetime(2026, 3, 1, 12, tzinfo=wita)) == "2026-03-01T04:00:00Z"
    assert service.cell(datetime(2026, 3, 1, 4)) == "2026-03-01T04:00:00Z"  # naive times are UTC
    assert service.cell(Decimal("0.25")) == 0.25
    assert service.cell(math.nan) is None and service.cell(math.inf) is None
    assert service.cell([1, date(2026, 1, 1)]) == [1, "2026-01-01"]
    assert [service.cell(v) for v in (None, True, 7, "x")] == [None, True, 7, "x"]
    assert service.cell(datetime.now(UTC)).endswith("Z")


def test_only_the_parameters_the_sql_names_are_bound() -> None:
    bound = service.bind(PANEL, kabupaten="5301", period=date(2026, 2, 1))
    assert bound == {"kabupaten": "5301", "period_from": date(2025, 3, 1), "period": date(2026, 2, 1)}
    with pytest.raises(ProblemError) as refused:
        service.bind(PANEL, kabupaten=None, period=date(2026, 2, 1))
    assert refused.value.problem.status == 422


def test_rows_with_a_small_nonzero_denominator_lose_their_values() -> None:
    rows = [["a", 0.5, 2, 4], ["b", None, 0, 0], ["c", 0.2, 1, 5], ["d", None, None, None]]
    assert service.suppress(PANEL, rows, threshold=5) == [0]
    assert rows == [["a", None, None, 4], ["b", None, 0, 0], ["c", 0.2, 1, 5], ["d", None, None, None]]
