"""Liveness of what the API depends on."""

from __future__ import annotations

from clickhouse_connect.driver import Client


def clickhouse_ok(client: Client) -> bool:
    return client.query("SELECT 1").result_rows == [(1,)]
