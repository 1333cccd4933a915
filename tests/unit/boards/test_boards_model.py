"""Invariants of every board: what both renderers (Grafana and the API's /board page) rely on."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from satudata.boards import BOARDS, PARAMETER_TYPES, Board, Column, ColumnKind, Panel, PanelKind, Variable
from satudata.boards.model import Audience
from satudata.indicators import INDICATORS

PANELS = [(board, panel) for board in BOARDS.values() for panel in board.panels]
IDS = [f"{board.uid}:{panel.id}" for board, panel in PANELS]


def test_the_three_boards_exist_with_indonesian_titles() -> None:
    assert {uid: b.title_id for uid, b in BOARDS.items()} == {
        "ringkasan-ntt": "Ringkasan NTT",
        "kabupaten": "Kabupaten",
        "kualitas-data": "Kualitas Data",
    }
    assert all(board.uid == uid and board.refresh == "5s" for uid, board in BOARDS.items())


@pytest.mark.parametrize("board", BOARDS.values(), ids=list(BOARDS))
def test_panel_ids_are_unique_within_a_board(board: Board) -> None:
    ids = [panel.id for panel in board.panels]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_parameters_are_the_four_names_with_their_types(board: Board, panel: Panel) -> None:
    assert set(panel.parameters) <= set(PARAMETER_TYPES)
    assert all(PARAMETER_TYPES[name] == kind for name, kind in panel.parameter_types.items())
    # every {..} in the SQL is a parameter of that form: nothing half-written is left for a renderer to trip on
    assert re.sub(r"\{\w+:\w+\}", "", panel.sql).count("{") == 0


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_a_panel_needing_a_variable_is_on_a_board_that_has_it(board: Board, panel: Panel) -> None:
    kinds = {variable.kind for variable in board.variables}
    if "kabupaten" in panel.parameters:
        assert "kabupaten" in kinds
    if "period" in panel.parameters:
        assert "period" in kinds


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_columns_and_kinds_are_valid(board: Board, panel: Panel) -> None:
    assert panel.kind in get_args(PanelKind)
    assert panel.audience in get_args(Audience)
    assert panel.columns, "a panel declares its columns"
    assert len({c.name for c in panel.columns}) == len(panel.columns)
    assert all(column.kind in get_args(ColumnKind) for column in panel.columns)
    assert all(column.title_id and column.title_en for column in panel.columns)
    assert all(column.level is not None for column in panel.columns if column.kind == "region")
    assert 1 <= panel.width <= 24 and panel.height >= 1


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_timeseries_start_with_a_period_column(board: Board, panel: Panel) -> None:
    if panel.kind == "timeseries":
        assert panel.columns[0] == Column("period", "Bulan", "Month", "period")


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_percent_panels_take_their_target_from_the_registry(board: Board, panel: Panel) -> None:
    if panel.indicator is not None:
        assert panel.indicator in INDICATORS
        assert panel.target == INDICATORS[panel.indicator].target
        assert panel.unit == "percent"
    if panel.unit == "percent":
        assert any(column.kind == "percent" for column in panel.columns)


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_suppression_names_declared_columns(board: Board, panel: Panel) -> None:
    if panel.suppress is not None:
        names = {column.name for column in panel.columns}
        assert panel.suppress.denominator in names
        assert set(panel.suppress.values) <= names
        assert panel.suppress.denominator not in panel.suppress.values


@pytest.mark.parametrize(("board", "panel"), PANELS, ids=IDS)
def test_no_panel_reads_a_nik_or_raw_event(board: Board, panel: Panel) -> None:
    """NIK and KK numbers never reach a board: no panel reads the stored event text or a record id."""
    sql = panel.sql.lower()
    assert "nik" not in sql
    assert not re.search(r"\bevent\b|record_id|example_record_id|value_a|value_b", sql)


def test_headline_stunting_panel_aims_at_the_rpjmd_target() -> None:
    panel = BOARDS["ringkasan-ntt"].panel("stunting_prevalence-stat")
    assert panel.kind == "stat" and panel.target == INDICATORS["stunting_prevalence"].target == 0.12
    assert panel.suppress is not None and panel.audience == "public"


def test_not_reached_list_is_for_officials_only() -> None:
    panel = BOARDS["kabupaten"].panel("convergence-not-reached")
    assert panel.audience == "official"
    assert {"child_hash", "kk_hash"} <= {column.name for column in panel.columns}


def test_row_level_quality_lists_are_for_operators() -> None:
    board = BOARDS["kualitas-data"]
    assert board.panel("alerts").audience == board.panel("conflicts").audience == "operator"
    assert board.panel("alerts-by-kind").audience == board.panel("conflicts-by-field").audience == "public"


def test_parameters_are_listed_once_in_order_of_use() -> None:
    panel = Panel(
        "p", "t", "t", "table", "SELECT {period:Date}, {kabupaten:String}, {period:Date}", (Column("a", "a", "a"),)
    )
    assert panel.parameters == ("period", "kabupaten")


def test_a_board_finds_its_panels_by_id() -> None:
    board = Board("b", "B", "B", (), (Variable("period", "Bulan", "Month", "period"),))
    with pytest.raises(KeyError):
        board.panel("missing")
