"""What a board is: panels of SQL with typed columns, drawn by Grafana and by the API's live page alike.

Plain frozen dataclasses, no framework and no I/O, so both renderers read one definition and cannot drift.
Panel SQL is ClickHouse SQL with ClickHouse's own query parameters (`{name:Type}`), so the API binds values
through clickhouse-connect and never interpolates them; the Grafana adapter rewrites the same four names into
Grafana variables and macros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ColumnKind = Literal["text", "region", "period", "count", "percent", "number", "date"]
PanelKind = Literal["stat", "timeseries", "bar", "table"]
# Who may see the panel's rows on /board: the public, officials (named lists without NIK), operators (row-level
# quality lists).
Audience = Literal["public", "official", "operator"]
VariableKind = Literal["kabupaten", "period"]
RegionLevel = Literal["kabupaten", "kecamatan", "desa"]

# The only parameters a panel may take, and their ClickHouse types: the API binds exactly these.
PARAMETER_TYPES: dict[str, str] = {
    "kabupaten": "String",
    "period": "Date",
    "period_from": "Date",
    "period_to": "Date",
}

_PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


@dataclass(frozen=True)
class Column:
    name: str
    title_id: str
    title_en: str
    kind: ColumnKind = "number"
    # For kind "region": the level its codes are at (digits: kabupaten 4, kecamatan 6, desa 10), so a renderer
    # that names codes from a fixed list (Grafana's value mappings) knows which list.
    level: RegionLevel | None = None


@dataclass(frozen=True)
class Suppression:
    """Rows whose `denominator` column is below the small-cell threshold get `values` set to None for the public."""

    denominator: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Panel:
    id: str
    title_id: str
    title_en: str
    kind: PanelKind
    sql: str
    columns: tuple[Column, ...]
    audience: Audience = "public"
    unit: str | None = None  # "percent" (values are ratios 0..1) | "count" | None
    target: float | None = None
    suppress: Suppression | None = None
    description_id: str = ""
    description_en: str = ""
    width: int = 12
    height: int = 8
    # The registry code (satudata.indicators) whose numbers the panel shows, when it shows one indicator.
    indicator: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """Names of the `{name:Type}` query parameters in the SQL, in order of first use, each once."""
        return tuple(dict.fromkeys(name for name, _ in _PARAMETER.findall(self.sql)))

    @property
    def parameter_types(self) -> dict[str, str]:
        """Each parameter with the ClickHouse type the SQL declares for it."""
        return {name: kind for name, kind in _PARAMETER.findall(self.sql)}


@dataclass(frozen=True)
class Variable:
    name: str
    label_id: str
    label_en: str
    kind: VariableKind


@dataclass(frozen=True)
class Board:
    uid: str
    title_id: str
    title_en: str
    panels: tuple[Panel, ...]
    variables: tuple[Variable, ...] = ()
    refresh: str = "5s"
    description_id: str = ""
    description_en: str = ""

    def panel(self, panel_id: str) -> Panel:
        """The panel with this id; KeyError when the board has none."""
        for panel in self.panels:
            if panel.id == panel_id:
                return panel
        raise KeyError(panel_id)
