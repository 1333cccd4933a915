"""Adapter: what Grafana provisions besides dashboards, as plain data: the ClickHouse data source (settings from
environment variables Grafana expands at start), the dashboard provider, and alert rules for the quality alerts
(built with the SDK's alerting builders), in both shapes Grafana reads: the provisioning file (`alert_rules_file`)
and the provisioning API's rule (`alert_rules`, which `satudata grafana sync` pushes).

The rules mirror the quality gateway's alerts into Grafana's alerting: one fires while the `alerts` table holds
an alert raised in the last 5 minutes (per kind), the other on validity below the gateway's threshold per source
over the trailing hour. Thresholds are the quality settings' defaults (satudata/settings.py), so the committed
files are the same on every machine; a deployment with other thresholds rebuilds them.
"""

from __future__ import annotations

from typing import Any, Final

from grafana_foundation_sdk.builders import alerting, expr
from grafana_foundation_sdk.models import alerting as alertingmodels

from satudata.boards.grafana import (
    CLICKHOUSE_PLUGIN,
    DATASOURCE_UID,
    FOLDER_TITLE,
    FOLDER_UID,
    ClickHouseQueryBuilder,
    plain,
)

DATASOURCE_NAME: Final = "ClickHouse Satu Data"
RULE_GROUP: Final = "kualitas-data"
RULE_GROUP_INTERVAL_S: Final = 60
_EXPRESSIONS: Final = "__expr__"  # Grafana's server-side expressions data source
_LABELS: Final = {"service": "satudata", "room": "quality"}

# Environment variables Grafana expands in provisioning files ($VAR is read when Grafana starts).
DATASOURCE_ENV: Final = {
    "host": "SATUDATA_GRAFANA_CLICKHOUSE_HOST",
    "port": "SATUDATA_GRAFANA_CLICKHOUSE_PORT",
    "protocol": "SATUDATA_GRAFANA_CLICKHOUSE_PROTOCOL",
    "secure": "SATUDATA_GRAFANA_CLICKHOUSE_SECURE",
    "username": "SATUDATA_GRAFANA_CLICKHOUSE_USER",
    "password": "SATUDATA_GRAFANA_CLICKHOUSE_PASSWORD",
}


def datasource(settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The data source as the API takes it; `settings` fills jsonData (the provisioning file uses `$VAR`s)."""
    values = settings or {key: f"${{{env}}}" for key, env in DATASOURCE_ENV.items()}
    password = values.get("password")
    return {
        "name": DATASOURCE_NAME,
        "uid": DATASOURCE_UID,
        "type": CLICKHOUSE_PLUGIN,
        "access": "proxy",
        "isDefault": True,
        "jsonData": {
            "host": values["host"],
            "port": values["port"],
            "protocol": values["protocol"],
            "secure": values["secure"],
            "username": values["username"],
            "defaultDatabase": "satudata",
        },
        "secureJsonData": {"password": password} if password else {},
    }


def datasource_file() -> dict[str, Any]:
    return {"apiVersion": 1, "datasources": [datasource() | {"editable": False}]}


def dashboard_provider_file(path: str = "/var/lib/grafana/dashboards/satudata") -> dict[str, Any]:
    """Grafana reads the committed dashboards from `path` (docker-compose and k8s mount deploy/grafana/dashboards)."""
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": "satudata",
                "folder": FOLDER_TITLE,
                "folderUid": FOLDER_UID,
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 30,
                "options": {"path": path},
            }
        ],
    }


def _rule(uid: str, title: str, sql: str, window_s: int, evaluator: str, threshold: float, summary: str) -> Any:
    source = (
        alerting.Query("A")
        .datasource_uid(DATASOURCE_UID)
        .relative_time_range(alertingmodels.RelativeTimeRange(from_val=window_s, to=0))
        .model(ClickHouseQueryBuilder(sql))
    )
    reduce = (
        alerting.Query("B")
        .datasource_uid(_EXPRESSIONS)
        .model(expr.TypeReduce().ref_id("B").expression("A").reducer("last"))
    )
    condition = expr.ExprTypeThresholdConditions().evaluator(
        expr.ExprTypeThresholdConditionsEvaluator().type(evaluator).params([threshold])
    )
    check = (
        alerting.Query("C")
        .datasource_uid(_EXPRESSIONS)
        .model(expr.TypeThreshold().ref_id("C").expression("B").conditions([condition]))
    )
    return (
        alerting.Rule(title)
        .uid(uid)
        .folder_uid(FOLDER_UID)
        .rule_group(RULE_GROUP)
        .org_id(1)
        .queries([source, reduce, check])
        .condition("C")
        .for_val("0s")
        .no_data_state("OK")
        .exec_err_state("Error")
        .labels(_LABELS)
        .annotations({"summary": summary})
    )


def _rules(validity_threshold: float, validity_min_records: int) -> list[Any]:
    return [
        _rule(
            "satudata-quality-alert-raised",
            "Peringatan kualitas data baru / New data quality alert",
            "SELECT toString(kind) AS kind, toFloat64(count()) AS raised FROM satudata.alerts FINAL "
            "WHERE $__timeFilter(raised_at) GROUP BY kind",
            300,
            "gt",
            0,
            "Gerbang kualitas menaikkan peringatan {{ $labels.kind }}; lihat papan Kualitas Data / "
            "The quality gateway raised a {{ $labels.kind }} alert; see the Kualitas Data board",
        ),
        _rule(
            "satudata-validity-low",
            "Validitas sumber rendah / Low source validity",
            "SELECT source, countIf(outcome = 'clean') / count() AS validity FROM satudata.record_outcome FINAL "
            f"WHERE $__timeFilter(received_at) GROUP BY source HAVING count() >= {int(validity_min_records)}",
            3600,
            "lt",
            validity_threshold,
            f"Validitas {{{{ $labels.source }}}} dalam satu jam terakhir di bawah {validity_threshold:.0%} / "
            f"Validity of {{{{ $labels.source }}}} in the last hour below {validity_threshold:.0%}",
        ),
    ]


def alert_rules(validity_threshold: float, validity_min_records: int) -> list[dict[str, Any]]:
    """Each rule as Grafana's provisioning API takes it (POST/PUT /api/v1/provisioning/alert-rules)."""
    return [plain(rule.build()) for rule in _rules(validity_threshold, validity_min_records)]


def alert_rules_file(validity_threshold: float, validity_min_records: int) -> dict[str, Any]:
    """The same rules as a provisioning file: grouped, the folder named by title."""
    rules = [
        {k: v for k, v in rule.items() if k not in ("folderUID", "ruleGroup", "orgID")}
        for rule in alert_rules(validity_threshold, validity_min_records)
    ]
    group = {
        "orgId": 1,
        "name": RULE_GROUP,
        "folder": FOLDER_TITLE,
        "interval": f"{RULE_GROUP_INTERVAL_S}s",
        "rules": rules,
    }
    return {"apiVersion": 1, "groups": [group]}
