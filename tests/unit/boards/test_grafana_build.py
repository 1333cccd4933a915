"""The Grafana side of the boards: SQL conversion, every target on the ClickHouse data source, and the committed
deploy/grafana files equal to what the code builds."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from satudata.boards import BOARDS
from satudata.boards.grafana import (
    CLICKHOUSE_PLUGIN,
    DATASOURCE_UID,
    GRAFANA_PARAMETERS,
    grafana_sql,
)
from satudata.boards.grafana_provisioning import alert_rules
from services.commands import grafana_files

PANELS = [(board.uid, panel) for board in BOARDS.values() for panel in board.panels]


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, Any]]:
    return grafana_files.dashboards()


@pytest.mark.parametrize(("uid", "panel"), PANELS, ids=[f"{u}:{p.id}" for u, p in PANELS])
def test_every_parameter_is_replaced_and_nothing_else_changes(uid: str, panel: Any) -> None:
    converted = grafana_sql(panel.sql)
    assert not re.search(r"\{\w+:\w+\}", converted)
    assert "{" not in converted.replace("${kabupaten}", "").replace("${period}", "")
    # undoing the replacement gives the panel's SQL back, so only parameters were touched
    restored = converted
    for name, grafana in GRAFANA_PARAMETERS.items():
        restored = restored.replace(grafana, "{" + name + ":" + ("String" if name == "kabupaten" else "Date") + "}")
    assert restored == panel.sql


def test_conversion_of_each_parameter() -> None:
    sql = "a = {kabupaten:String} AND p = {period:Date} AND p >= {period_from:Date} AND p <= {period_to:Date}"
    assert grafana_sql(sql) == (
        "a = '${kabupaten}' AND p = toDate('${period}') AND p >= toDate($__fromTime) AND p <= toDate($__toTime)"
    )


@pytest.mark.parametrize("sql", ["x = {region:String}", "p = {period:String}"])
def test_unknown_or_mistyped_parameters_are_refused(sql: str) -> None:
    with pytest.raises(ValueError, match="unknown query parameter"):
        grafana_sql(sql)


def test_every_target_uses_the_clickhouse_data_source(built: dict[str, dict[str, Any]]) -> None:
    for uid, dashboard in built.items():
        board = BOARDS[uid]
        assert dashboard["uid"] == uid and dashboard["title"] == board.title_id and dashboard["refresh"] == "5s"
        assert [p["title"] for p in dashboard["panels"]] == [p.title_id for p in board.panels]
        for grafana_panel, panel in zip(dashboard["panels"], board.panels, strict=True):
            assert grafana_panel["datasource"] == {"type": CLICKHOUSE_PLUGIN, "uid": DATASOURCE_UID}
            (target,) = grafana_panel["targets"]
            assert target["datasource"] == {"type": CLICKHOUSE_PLUGIN, "uid": DATASOURCE_UID}
            assert target["editorType"] == "sql" and target["rawSql"] == grafana_sql(panel.sql)
            assert target["format"] == (0 if panel.kind == "timeseries" else 1)


def test_variables_match_the_board(built: dict[str, dict[str, Any]]) -> None:
    for uid, dashboard in built.items():
        names = [v["name"] for v in dashboard["templating"]["list"]]
        assert names == [v.name for v in BOARDS[uid].variables]
    kabupaten = built["kabupaten"]["templating"]["list"][0]
    assert kabupaten["type"] == "custom" and "Kota Kupang : 5371" in kabupaten["query"]


def test_stat_thresholds_turn_at_the_registry_target(built: dict[str, dict[str, Any]]) -> None:
    panel = built["ringkasan-ntt"]["panels"][0]
    assert panel["title"] == "Prevalensi stunting (balita pendek dan sangat pendek)"
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert steps == [{"color": "green", "value": None}, {"color": "red", "value": 0.12}]


def test_alert_rules_read_the_alerts_table_and_validity_on_the_data_source() -> None:
    rules = alert_rules(0.9, 20)
    assert [r["uid"] for r in rules] == ["satudata-quality-alert-raised", "satudata-validity-low"]
    for rule in rules:
        source = rule["data"][0]
        assert source["datasourceUid"] == DATASOURCE_UID
        assert source["model"]["datasource"]["uid"] == DATASOURCE_UID
        assert rule["condition"] == "C" and rule["folderUID"] == "satu-data-ntt"
    assert "satudata.alerts" in rules[0]["data"][0]["model"]["rawSql"]
    assert rules[1]["data"][2]["model"]["conditions"][0]["evaluator"] == {"params": [0.9], "type": "lt"}


def test_committed_files_equal_what_the_code_builds() -> None:
    """Fails when satudata/boards changed and `satudata grafana build` was not run (or the files were edited)."""
    changed = grafana_files.differences(grafana_files.DEFAULT_OUT, grafana_files.rendered())
    assert changed == [], f"run `satudata grafana build`: {changed}"


def test_committed_files_parse_as_grafana_reads_them() -> None:
    out: Path = grafana_files.DEFAULT_OUT
    for path in out.glob("dashboards/*.json"):
        assert json.loads(path.read_text())["uid"] == path.stem
    datasource = yaml.safe_load((out / "provisioning/datasources/clickhouse.yaml").read_text())
    assert datasource["datasources"][0]["uid"] == DATASOURCE_UID
    assert datasource["datasources"][0]["jsonData"]["host"] == "${SATUDATA_GRAFANA_CLICKHOUSE_HOST}"
    rules = yaml.safe_load((out / "provisioning/alerting/quality.yaml").read_text())
    assert rules["groups"][0]["folder"] == "Satu Data NTT" and len(rules["groups"][0]["rules"]) == 2


def test_check_sees_an_edited_file_and_a_stale_one(tmp_path: Path) -> None:
    files = grafana_files.rendered()
    assert grafana_files.write(tmp_path, files) == sorted(files)
    assert grafana_files.differences(tmp_path, files) == []
    (tmp_path / "dashboards/kabupaten.json").write_text("{}")
    (tmp_path / "dashboards/old-board.json").write_text("{}")
    assert grafana_files.differences(tmp_path, files) == ["dashboards/kabupaten.json", "dashboards/old-board.json"]
    assert grafana_files.write(tmp_path, files) == ["dashboards/kabupaten.json"]
    assert not (tmp_path / "dashboards/old-board.json").exists()


def test_build_command_writes_and_check_exits_1_on_a_difference(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from services.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["grafana", "build", "--check"]).exit_code == 0
    written = runner.invoke(app, ["grafana", "build", "--out", str(tmp_path)])
    assert written.exit_code == 0 and "6 berkas ditulis / files written" in written.output
    assert runner.invoke(app, ["grafana", "build", "--check", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "provisioning/alerting/quality.yaml").write_text("apiVersion: 1\n")
    checked = runner.invoke(app, ["grafana", "build", "--check", "--out", str(tmp_path)])
    assert checked.exit_code == 1 and "provisioning/alerting/quality.yaml" in checked.output
