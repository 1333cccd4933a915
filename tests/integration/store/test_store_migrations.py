"""Migrations on the real engine (chDB): applied from nothing, once each, and never silently rewritten."""

from __future__ import annotations

import pytest
from clickhouse_connect.driver import Client

from satudata.store import MigrationChangedError, migrate
from satudata.store.migrator import MIGRATIONS_TABLE, shipped

pytestmark = pytest.mark.integration


def _columns(client: Client, table: str) -> dict[str, str]:
    rows = client.query(
        "SELECT name, type FROM system.columns WHERE database = 'satudata' AND table = {t:String}",
        parameters={"t": table},
    ).result_rows
    return dict(rows)


def test_migrations_apply_from_nothing_and_then_never_again(store: Client) -> None:
    store.command("DROP DATABASE satudata")
    versions = [m.version for m in shipped()]

    assert migrate(store) == versions
    assert migrate(store) == []
    assert migrate(store) == []

    recorded = store.query(f"SELECT version, name FROM {MIGRATIONS_TABLE} FINAL ORDER BY version").result_rows
    assert [v for v, _ in recorded] == versions
    tables = {row[0] for row in store.query("SHOW TABLES FROM satudata").result_rows}
    assert tables == {
        "schema_migrations",
        "fact_child_measurement",
        "indicator_value",
        "quarantine",
        "record_outcome",
        "conflicts",
        "alerts",
        "quarantine_current",
        "fact_record",
        "convergence_target",
    }


def test_schema_follows_the_conventions(store: Client) -> None:
    fact = _columns(store, "fact_child_measurement")
    assert fact["subject_hash"] == "String"
    assert fact["period"] == "Date"
    assert fact["event_time"] == fact["ingested_at"] == "DateTime64(3, 'UTC')"
    assert fact["zlen"] == "Nullable(Float64)" and fact["flen"] == "Nullable(UInt8)"
    # Facts carry the keyed hash of the NIK, never the NIK itself.
    assert not any("nik" in name for name in fact)
    value = _columns(store, "indicator_value")
    assert value["partition"] == "UInt16" and value["numerator"] == value["denominator"] == "Int64"
    # two feeds write one indicator (weighing_coverage), each with partial sums of its own partitions
    assert value["feed"] == "LowCardinality(String)"
    record = _columns(store, "fact_record")
    assert record["persons"] == "Array(String)" and not any("nik" in name for name in record)
    assert _columns(store, "quarantine")["rules"] == "Array(String)"
    engines = dict(store.query("SELECT name, engine FROM system.tables WHERE database = 'satudata'").result_rows)
    assert engines.pop("quarantine_current") == "View"  # the quarantine with its status derived
    assert set(engines.values()) == {"ReplacingMergeTree"}


def test_record_outcome_refuses_an_unknown_outcome(store: Client) -> None:
    from datetime import UTC, datetime

    columns = ["feed", "event_id", "outcome", "received_at", "version"]
    now = datetime.now(UTC)
    store.insert("satudata.record_outcome", [("child_measurement", "e1", "clean", now, 1)], column_names=columns)
    with pytest.raises(Exception, match="outcome_known"):
        store.insert("satudata.record_outcome", [("child_measurement", "e2", "lost", now, 1)], column_names=columns)


def test_an_applied_migration_that_changed_is_refused(store: Client) -> None:
    first = shipped()[0]
    columns = ["version", "name", "checksum"]
    store.insert(MIGRATIONS_TABLE, [(first.version, first.name, "0" * 64)], column_names=columns)
    try:
        with pytest.raises(MigrationChangedError, match="001_initial"):
            migrate(store)
    finally:
        # The latest insert wins under FINAL: put the true record back for the tests that follow.
        store.insert(MIGRATIONS_TABLE, [(first.version, first.name, first.checksum)], column_names=columns)
    assert migrate(store) == []
