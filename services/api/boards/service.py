"""Boards as the API serves them: the definitions (satudata/boards), and one panel's SQL run with bound
parameters, its cells made JSON and its small cells suppressed for callers who may not see them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from clickhouse_connect.driver import Client

from satudata.boards import Board, Panel
from satudata.indicators import INDICATORS, is_small_cell
from satudata.problems import ProblemError
from satudata.regions import RegionMaster
from satudata.settings import Settings
from services.api.boards import problems
from services.api.boards.models import BoardList, ColumnOut, PanelData, board_out
from services.api.indicators import periods

_REFRESH = re.compile(r"^(\d+)(s|m|h)$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
DEFAULT_REFRESH_S = 5
SERIES_MONTHS = 12  # period_from is the 12th month back, period included, as the indicator series default


def refresh_seconds(refresh: str) -> int:
    """Grafana's refresh text ('5s', '1m') in seconds; a text it would not read falls back to the default."""
    match = _REFRESH.match(refresh.strip())
    return max(int(match[1]) * _UNIT_SECONDS[match[2]], 1) if match else DEFAULT_REFRESH_S


def listing(boards: Mapping[str, Board], visible: Callable[[Panel], bool]) -> BoardList:
    return BoardList(items=[board_out(b, refresh_seconds(b.refresh), visible) for b in boards.values()])


def find_board(boards: Mapping[str, Board], uid: str) -> Board:
    board = boards.get(uid)
    if board is None:
        raise ProblemError(problems.unknown_board(uid, sorted(boards)))
    return board


def find_panel(board: Board, panel_id: str) -> Panel:
    try:
        return board.panel(panel_id)
    except KeyError:
        raise ProblemError(problems.unknown_panel(board.uid, panel_id, [p.id for p in board.panels])) from None


def threshold(panel: Panel, settings: Settings) -> int:
    """The small-cell threshold of the indicator the panel shows, or the settings' default (as the indicator
    routes apply it)."""
    indicator = INDICATORS.get(panel.indicator) if panel.indicator else None
    default = settings.small_cell_threshold
    return default if indicator is None else indicator.small_cell_limit(default)


def kabupaten_digits(master: RegionMaster, code: str) -> str:
    region = master.find(code)
    if region is None or region.level != "kabupaten_kota":
        raise ProblemError(problems.not_a_kabupaten(code))
    return region.digits


def bind(panel: Panel, *, kabupaten: str | None, period: date) -> dict[str, Any]:
    """The values of exactly the parameters the panel's SQL names: clickhouse-connect binds them server-side."""
    values: dict[str, Any] = {
        "kabupaten": kabupaten,
        "period": period,
        "period_from": periods.shift(period, 1 - SERIES_MONTHS),
        "period_to": period,
    }
    if "kabupaten" in panel.parameters and kabupaten is None:
        raise ProblemError(problems.kabupaten_required(panel.id))
    return {name: values[name] for name in panel.parameters}


def cell(value: Any) -> Any:
    """A ClickHouse value as JSON: dates 'YYYY-MM-DD', times UTC ISO, numbers as numbers (NaN/inf as null)."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, list | tuple):
        return [cell(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)  # UUID, IP address: their text


def suppress(panel: Panel, rows: list[list[Any]], threshold: int) -> list[int]:
    """Null the panel's suppressed columns in rows whose denominator is 1..threshold-1; their indexes.

    As the indicator routes do: a denominator of 0 counted nobody and has nothing to hide."""
    rule = panel.suppress
    if rule is None:
        return []
    names = [c.name for c in panel.columns]
    denominator = names.index(rule.denominator)
    hidden = [names.index(v) for v in rule.values]
    done = []
    for index, row in enumerate(rows):
        if is_small_cell(row[denominator], threshold):
            for column in hidden:
                row[column] = None
            done.append(index)
    return done


def region_names(master: RegionMaster, panel: Panel, rows: Sequence[Sequence[Any]]) -> dict[str, str]:
    columns = [i for i, c in enumerate(panel.columns) if c.kind == "region"]
    names: dict[str, str] = {}
    for row in rows:
        for i in columns:
            code = row[i]
            if isinstance(code, str) and code not in names and (region := master.find(code)) is not None:
                names[code] = region.name
    return names


def run(
    *,
    client: Client,
    master: RegionMaster,
    board: Board,
    panel: Panel,
    parameters: dict[str, Any],
    threshold: int | None,
) -> PanelData:
    """The panel's rows, columns in the panel's order (the SQL names them; a column it lacks is an error)."""
    result = client.query(panel.sql, parameters=parameters)
    rows: list[list[Any]] = []
    if result.result_rows:  # chDB names no columns of an empty result
        position = {name: i for i, name in enumerate(result.column_names)}
        order = [position[c.name] for c in panel.columns]
        rows = [[cell(row[i]) for i in order] for row in result.result_rows]
    suppressed = suppress(panel, rows, threshold) if threshold is not None else []
    return PanelData(
        board=board.uid,
        panel=panel.id,
        kind=panel.kind,
        unit=panel.unit,
        target=panel.target,
        parameters={name: cell(value) for name, value in parameters.items()},
        columns=[ColumnOut.of(c) for c in panel.columns],
        rows=rows,
        region_names=region_names(master, panel, rows),
        suppressed_rows=suppressed,
        small_cell_threshold=threshold,
    )
