"""Boards: the one definition of every panel, drawn by Grafana (deploy/grafana, built from code) and by the
API's live page `/board`.

`BOARDS` maps a board's uid to its definition. Panels hold ClickHouse SQL with bound parameters (see model.py).
"""

from satudata.boards import kabupaten, quality, summary
from satudata.boards.model import (
    PARAMETER_TYPES,
    Audience,
    Board,
    Column,
    ColumnKind,
    Panel,
    PanelKind,
    RegionLevel,
    Suppression,
    Variable,
    VariableKind,
)

BOARDS: dict[str, Board] = {board.uid: board for board in (summary.BOARD, kabupaten.BOARD, quality.BOARD)}

__all__ = [
    "BOARDS",
    "PARAMETER_TYPES",
    "Audience",
    "Board",
    "Column",
    "ColumnKind",
    "Panel",
    "PanelKind",
    "RegionLevel",
    "Suppression",
    "Variable",
    "VariableKind",
]
