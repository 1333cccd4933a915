"""Adapter: the boards as Grafana dashboards (JSON), built with grafana-foundation-sdk (the build for Grafana 11.6).

It imports only the SDK and the kernel's domain (boards, indicators, regions). Panel SQL keeps ClickHouse's
bound parameters for the API; for Grafana the four parameter names become Grafana variables and the
ClickHouse plugin's macros (`grafana_sql`). The SDK has no builder for ClickHouse queries, so `ClickHouseQuery`
wraps the plugin's query JSON as a dataquery variant. Region codes are named with value mappings from the region
master (kabupaten and kecamatan; desa stay codes, 3,000 names per panel would bloat every dashboard).
"""

from __future__ import annotations

import json
import re
from typing import Any, Final, Literal

from grafana_foundation_sdk.builders import barchart, common, dashboard, stat, table, timeseries
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common as commonmodels
from grafana_foundation_sdk.models import dashboard as models

from satudata.boards.model import PARAMETER_TYPES, Board, Column, Panel, RegionLevel, Variable
from satudata.indicators import INDICATORS
from satudata.regions import RegionMaster

CLICKHOUSE_PLUGIN: Final = "grafana-clickhouse-datasource"
# The plugin version the query JSON is written for; deploy installs this version of the plugin.
CLICKHOUSE_PLUGIN_VERSION: Final = "4.3.2"
DATASOURCE_UID: Final = "satudata-clickhouse"
DATASOURCE: Final = models.DataSourceRef(type_val=CLICKHOUSE_PLUGIN, uid=DATASOURCE_UID)
FOLDER_TITLE: Final = "Satu Data NTT"
FOLDER_UID: Final = "satu-data-ntt"

# What each bound parameter becomes in Grafana: the dashboard's variables, or the time range picker's ends
# (the plugin's `$__fromTime`/`$__toTime` are DateTimes).
GRAFANA_PARAMETERS: Final[dict[str, str]] = {
    "kabupaten": "'${kabupaten}'",
    "period": "toDate('${period}')",
    "period_from": "toDate($__fromTime)",
    "period_to": "toDate($__toTime)",
}
_PARAMETER: Final = re.compile(r"\{(\w+):(\w+)\}")
# The months Grafana offers for `period`: every month counted, and the current WITA month.
PERIOD_QUERY: Final = (
    "SELECT toString(m) AS month FROM (SELECT DISTINCT period AS m FROM satudata.indicator_value "
    "UNION DISTINCT SELECT toStartOfMonth(now('Asia/Makassar')) AS m) ORDER BY m DESC LIMIT 120"
)
_UNITS: Final[dict[str, str]] = {"percent": "percentunit", "count": "short", "number": "none"}
_NO_VALUE: Final = "Tidak ada data / No data"


def plain(model: Any) -> Any:
    """An SDK model as plain JSON data (its `to_json` leaves nested models as objects)."""
    return json.loads(JSONEncoder().encode(model))


def grafana_sql(sql: str) -> str:
    """The panel SQL with each `{name:Type}` parameter replaced by its Grafana variable or macro."""

    def swap(match: re.Match[str]) -> str:
        name, kind = match.groups()
        if PARAMETER_TYPES.get(name) != kind:
            raise ValueError(f"unknown query parameter {{{name}:{kind}}}")
        return GRAFANA_PARAMETERS[name]

    return _PARAMETER.sub(swap, sql)


class ClickHouseQuery(cogvariants.Dataquery):
    """The grafana-clickhouse-datasource query JSON (SQL editor mode)."""

    def __init__(self, ref_id: str, raw_sql: str, query_type: Literal["table", "timeseries"]) -> None:
        self.ref_id = ref_id
        self.raw_sql = raw_sql
        self.query_type = query_type

    def to_json(self) -> dict[str, object]:
        return {
            "refId": self.ref_id,
            "datasource": DATASOURCE.to_json(),
            "editorType": "sql",
            "queryType": self.query_type,
            "format": 0 if self.query_type == "timeseries" else 1,  # the plugin's Format: 0 time series, 1 table
            "rawSql": self.raw_sql,
            "pluginVersion": CLICKHOUSE_PLUGIN_VERSION,
        }


class ClickHouseQueryBuilder(cogbuilder.Builder[ClickHouseQuery]):
    def __init__(self, raw_sql: str, *, query_type: Literal["table", "timeseries"] = "table", ref_id: str = "A"):
        self._query = ClickHouseQuery(ref_id, raw_sql, query_type)

    def build(self) -> ClickHouseQuery:
        return self._query


def region_names(master: RegionMaster) -> dict[RegionLevel, dict[str, str]]:
    """Digits → "Name" for the levels Grafana names by value mapping."""
    return {
        "kabupaten": {r.digits: r.name for r in master.kabupaten()},
        "kecamatan": {r.digits: r.name for r in master.kecamatan()},
    }


def _field_overrides(panel: Panel, names: dict[RegionLevel, dict[str, str]]) -> list[tuple[str, list[Any]]]:
    """Per column: its Indonesian title, its unit, and for region codes the names."""
    overrides = []
    for column in panel.columns:
        properties = [models.DynamicConfigValue(id_val="displayName", value=column.title_id)]
        if column.kind in _UNITS:
            properties.append(models.DynamicConfigValue(id_val="unit", value=_UNITS[column.kind]))
        if column.kind == "region" and column.level in names:
            mapping = {
                code: models.ValueMappingResult(text=f"{name} ({code})") for code, name in names[column.level].items()
            }
            properties.append(models.DynamicConfigValue(id_val="mappings", value=[models.ValueMap(options=mapping)]))
        if _hidden_count(panel, column):
            hide = {"legend": True, "tooltip": False, "viz": True}
            properties.append(models.DynamicConfigValue(id_val="custom.hideFrom", value=hide))
        overrides.append((column.name, properties))
    return overrides


def _hidden_count(panel: Panel, column: Column) -> bool:
    """A ratio's counts are context in a tooltip, not bars or lines beside the ratio."""
    has_ratio = any(c.kind == "percent" for c in panel.columns)
    return panel.kind in ("timeseries", "bar") and has_ratio and column.kind == "count"


def _thresholds(panel: Panel) -> dashboard.ThresholdsConfig:
    """Against the target, green on the good side and red on the other; grey without a target."""
    steps = [models.Threshold(value=None, color="text")]
    if panel.target is not None:
        better_high = panel.indicator is not None and INDICATORS[panel.indicator].higher_is_better
        below, above = ("red", "green") if better_high else ("green", "red")
        steps = [models.Threshold(value=None, color=below), models.Threshold(value=panel.target, color=above)]
    return dashboard.ThresholdsConfig().mode(models.ThresholdsMode.ABSOLUTE).steps(steps)


def _visual(panel: Panel) -> Any:
    if panel.kind == "stat":
        value = next(c.name for c in panel.columns if c.kind in ("percent", "count", "number"))
        reduce = common.ReduceDataOptions().calcs(["lastNotNull"]).fields(f"/^{value}$/").values(False)
        return stat.Panel().reduce_options(reduce).color_mode(commonmodels.BigValueColorMode.VALUE)
    if panel.kind == "timeseries":
        line = common.GraphThresholdsStyleConfig().mode(commonmodels.GraphThresholdsStyleMode.DASHED)
        visual = timeseries.Panel().show_points(commonmodels.VisibilityMode.ALWAYS).span_nulls(True)
        return visual.thresholds_style(line) if panel.target is not None else visual
    if panel.kind == "bar":
        return (
            barchart.Panel()
            .x_field(panel.columns[0].name)
            .orientation(commonmodels.VizOrientation.HORIZONTAL)
            .show_value(commonmodels.VisibilityMode.AUTO)
        )
    return table.Panel()


def panel_builder(panel: Panel, names: dict[RegionLevel, dict[str, str]]) -> Any:
    query_type: Literal["table", "timeseries"] = "timeseries" if panel.kind == "timeseries" else "table"
    unit = _UNITS.get(panel.unit or "", "none")
    built = (
        _visual(panel)
        .title(panel.title_id)
        .description(" / ".join(text for text in (panel.description_id, panel.description_en) if text))
        .datasource(DATASOURCE)
        .with_target(ClickHouseQueryBuilder(grafana_sql(panel.sql), query_type=query_type))
        .span(panel.width)
        .height(panel.height)
        .unit(unit)
        .thresholds(_thresholds(panel))
        .no_value(_NO_VALUE)
    )
    if panel.unit == "percent":
        built = built.min(0).max(1) if panel.kind != "table" else built
    for name, properties in _field_overrides(panel, names):
        built = built.override_by_name(name, properties)
    return built


def _variable(variable: Variable, names: dict[RegionLevel, dict[str, str]]) -> Any:
    label = f"{variable.label_id} / {variable.label_en}"
    if variable.kind == "kabupaten":
        # "text : value" pairs; a comma inside a name is escaped for Grafana's custom variable
        pairs = [name.replace(",", "\\,") + f" : {code}" for code, name in names["kabupaten"].items()]
        first_code, first_name = next(iter(names["kabupaten"].items()))
        current = models.VariableOption(selected=True, text=first_name, value=first_code)
        return dashboard.CustomVariable(variable.name).label(label).values(", ".join(pairs)).current(current)
    return (
        dashboard.QueryVariable(variable.name)
        .label(label)
        .datasource(DATASOURCE)
        .query(PERIOD_QUERY)
        .refresh(models.VariableRefresh.ON_DASHBOARD_LOAD)
    )


def dashboard_json(board: Board, master: RegionMaster) -> dict[str, Any]:
    """The dashboard of a board, as the JSON Grafana stores (what provisioning reads and the API accepts)."""
    names = region_names(master)
    built = (
        dashboard.Dashboard(board.title_id)
        .uid(board.uid)
        .description(" / ".join(text for text in (board.description_id, board.description_en) if text))
        .tags(["satudata"])
        .refresh(board.refresh)
        .time("now-12M", "now")
        .timezone("Asia/Makassar")
        .readonly()
    )
    for variable in board.variables:
        built = built.with_variable(_variable(variable, names))
    for panel in board.panels:
        built = built.with_panel(panel_builder(panel, names))
    return plain(built.build())
