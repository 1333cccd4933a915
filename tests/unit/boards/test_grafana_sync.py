"""`satudata grafana sync` against a small local HTTP server that answers like Grafana's API.

A real Grafana cannot run on the development machines (no Docker, no Grafana binary), so this server stands in
for Grafana's HTTP API only: it keeps data sources, folders, dashboards and alert rules by uid, answers 404 for
an unknown uid, and records every request. It checks what we send and that a second sync updates everything and
creates nothing; whether Grafana accepts the JSON is for the committed files and a real Grafana.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from typer.testing import CliRunner

from satudata.boards import BOARDS
from satudata.boards.grafana import DATASOURCE_UID, FOLDER_TITLE, FOLDER_UID
from services.cli import app

TOKEN = "glsa_test_token"
ROUTES = {
    "datasource": (r"/api/datasources/uid/([\w-]+)", "/api/datasources"),
    "folder": (r"/api/folders/([\w-]+)", "/api/folders"),
    "dashboard": (r"/api/dashboards/uid/([\w-]+)", "/api/dashboards/db"),
    "rule": (r"/api/v1/provisioning/alert-rules/([\w-]+)", "/api/v1/provisioning/alert-rules"),
}


class FakeGrafana:
    def __init__(self) -> None:
        self.stored: dict[str, dict[str, Any]] = {kind: {} for kind in ROUTES}
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []

    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        for kind, (one, many) in ROUTES.items():
            match = re.fullmatch(one, path)
            if match and method in ("GET", "PUT"):
                uid = match[1]
                if uid not in self.stored[kind]:
                    return 404, {"message": "not found"}
                if method == "PUT":
                    self.stored[kind][uid] = body
                return 200, self.stored[kind][uid]
            if path == many and method == "POST":
                item = body["dashboard"] if kind == "dashboard" else body
                if kind != "dashboard" and item["uid"] in self.stored[kind]:
                    return 409, {"message": "already exists"}
                self.stored[kind][item["uid"]] = body
                return 200, {"uid": item["uid"]}
        return 404, {"message": f"no route {method} {path}"}


@pytest.fixture
def grafana() -> Iterator[tuple[str, FakeGrafana]]:
    fake = FakeGrafana()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            fake.requests.append((self.command, self.path, dict(self.headers), body))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                status, answer = 401, {"message": "Unauthorized"}
            else:
                status, answer = fake.answer(self.command, self.path, body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", fake
    server.shutdown()
    thread.join()
    server.server_close()


def _sync(url: str, token: str = TOKEN) -> Any:
    args = ["grafana", "sync", "--url", url, "--token", token, "--clickhouse-host", "ch.internal"]
    return CliRunner().invoke(app, [*args, "--clickhouse-password", "s3cret"])


def _writes(fake: FakeGrafana) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _, _ in fake.requests if method != "GET"]


def test_first_sync_creates_everything(grafana: tuple[str, FakeGrafana]) -> None:
    url, fake = grafana
    result = _sync(url)
    assert result.exit_code == 0, result.output
    assert "datasource created: 1" in result.output and f"dashboard created: {len(BOARDS)}" in result.output
    assert set(fake.stored["dashboard"]) == set(BOARDS)
    assert set(fake.stored["rule"]) == {"satudata-quality-alert-raised", "satudata-validity-low"}
    datasource = fake.stored["datasource"][DATASOURCE_UID]
    assert datasource["jsonData"]["host"] == "ch.internal"
    assert datasource["secureJsonData"] == {"password": "s3cret"}
    assert fake.stored["folder"][FOLDER_UID] == {"title": FOLDER_TITLE, "uid": FOLDER_UID}
    for posted in fake.stored["dashboard"].values():
        assert posted["folderUid"] == FOLDER_UID and posted["overwrite"] is True
    assert all(rule["folderUID"] == FOLDER_UID for rule in fake.stored["rule"].values())


def test_second_sync_updates_and_creates_nothing(grafana: tuple[str, FakeGrafana]) -> None:
    url, fake = grafana
    assert _sync(url).exit_code == 0
    uids = {kind: sorted(items) for kind, items in fake.stored.items()}
    first = len(fake.requests)
    result = _sync(url)
    assert result.exit_code == 0, result.output
    again = [(method, path) for method, path, _, _ in fake.requests[first:] if method != "GET"]
    posts = [path for method, path in again if method == "POST"]
    # the dashboards' endpoint is an upsert by uid: a POST there replaces; nothing else is created
    assert posts == ["/api/dashboards/db"] * len(BOARDS)
    assert sorted(path for method, path in again if method == "PUT") == sorted(
        [
            f"/api/datasources/uid/{DATASOURCE_UID}",
            f"/api/folders/{FOLDER_UID}",
            "/api/v1/provisioning/alert-rules/satudata-quality-alert-raised",
            "/api/v1/provisioning/alert-rules/satudata-validity-low",
        ]
    )
    assert "created" not in result.output
    assert f"dashboard updated: {len(BOARDS)}" in result.output
    assert {kind: sorted(items) for kind, items in fake.stored.items()} == uids


def test_a_refused_token_fails_without_echoing_the_password(grafana: tuple[str, FakeGrafana]) -> None:
    url, fake = grafana
    result = _sync(url, token="wrong")
    assert result.exit_code == 1
    assert "401" in result.output and "s3cret" not in result.output
    assert _writes(fake) == []
