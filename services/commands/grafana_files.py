"""What `satudata grafana build` writes under deploy/grafana/: every file, rendered as text, keyed by its path
relative to that folder. Rendering is deterministic (sorted keys, fixed thresholds), so `--check` and the test
that guards the committed files compare text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import yaml

from satudata.boards import BOARDS
from satudata.boards.grafana import dashboard_json
from satudata.boards.grafana_provisioning import (
    alert_rules_file,
    dashboard_provider_file,
    datasource_file,
)
from satudata.regions import master
from satudata.settings import QualitySettings

# The checkout's deploy/grafana (services/commands/ → the repository root).
DEFAULT_OUT: Final = Path(__file__).resolve().parents[2] / "deploy" / "grafana"
_HEADER: Final = "# Dibangun oleh / built by `satudata grafana build` from satudata/boards: do not edit by hand.\n"


def quality_defaults() -> QualitySettings:
    """The thresholds the committed alert rules use: the settings' defaults, never the environment's."""
    return QualitySettings()


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _yaml(data: Any) -> str:
    return _HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def dashboards() -> dict[str, dict[str, Any]]:
    """uid → the dashboard JSON of every board."""
    regions = master()
    return {uid: dashboard_json(board, regions) for uid, board in BOARDS.items()}


def rendered() -> dict[str, str]:
    quality = quality_defaults()
    files = {f"dashboards/{uid}.json": _json(board) for uid, board in dashboards().items()}
    files["provisioning/datasources/clickhouse.yaml"] = _yaml(datasource_file())
    files["provisioning/dashboards/satudata.yaml"] = _yaml(dashboard_provider_file())
    files["provisioning/alerting/quality.yaml"] = _yaml(
        alert_rules_file(quality.validity_threshold, quality.validity_min_records)
    )
    return files


def differences(out: Path, files: dict[str, str]) -> list[str]:
    """Paths (relative) whose committed text differs from `files`, missing ones included, and generated files
    in the folder that the code no longer builds."""
    changed = [name for name, text in files.items() if not (out / name).is_file() or (out / name).read_text() != text]
    built_here = [p for pattern in ("dashboards/*.json", "provisioning/*/*.yaml") for p in out.glob(pattern)]
    stale = [str(p.relative_to(out)) for p in built_here if str(p.relative_to(out)) not in files]
    return sorted(changed + stale)


def write(out: Path, files: dict[str, str]) -> list[str]:
    """Writes what changed; returns the paths written."""
    written = []
    for name in differences(out, files):
        if name not in files:
            (out / name).unlink()
            continue
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(files[name])
        written.append(name)
    return written
