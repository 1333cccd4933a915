"""Pushing the boards to a running Grafana through its HTTP API (grafana-client), idempotently: each object is
looked up by its uid, updated when present and created when absent, so a second sync creates nothing."""

from __future__ import annotations

from collections import Counter
from typing import Any

from grafana_client import GrafanaApi
from grafana_client.client import GrafanaClientError

from satudata.boards.grafana import DATASOURCE_UID, FOLDER_TITLE, FOLDER_UID


def _exists(lookup: Any, uid: str) -> bool:
    try:
        lookup(uid)
    except GrafanaClientError as error:
        if error.status_code == 404:
            return False
        raise
    return True


def sync(
    api: GrafanaApi, *, datasource: dict[str, Any], dashboards: list[dict[str, Any]], rules: list[dict[str, Any]]
) -> Counter[str]:
    """Data source, folder, dashboards, alert rules, in that order (each needs the one before); counts of
    `<kind> created` and `<kind> updated`."""
    done: Counter[str] = Counter()
    if _exists(api.datasource.get_datasource_by_uid, DATASOURCE_UID):
        api.datasource.update_datasource_by_uid(DATASOURCE_UID, datasource)
        done["datasource updated"] += 1
    else:
        api.datasource.create_datasource(datasource)
        done["datasource created"] += 1
    if _exists(api.folder.get_folder, FOLDER_UID):
        api.folder.update_folder(FOLDER_UID, title=FOLDER_TITLE, overwrite=True)
        done["folder updated"] += 1
    else:
        api.folder.create_folder(FOLDER_TITLE, uid=FOLDER_UID)
        done["folder created"] += 1
    for board in dashboards:
        # /api/dashboards/db with overwrite replaces by uid; the lookup only tells which it was
        present = _exists(api.dashboard.get_dashboard, board["uid"])
        payload = {"dashboard": board | {"id": None}, "folderUid": FOLDER_UID, "overwrite": True}
        api.dashboard.update_dashboard(payload)
        done["dashboard updated" if present else "dashboard created"] += 1
    for rule in rules:
        # without provenance, so an operator may still adjust a rule in the UI until the next sync
        if _exists(api.alertingprovisioning.get_alertrule, rule["uid"]):
            api.alertingprovisioning.update_alertrule(rule["uid"], rule, disable_provenance=True)
            done["alert rule updated"] += 1
        else:
            api.alertingprovisioning.create_alertrule(rule, disable_provenance=True)
            done["alert rule created"] += 1
    return done
