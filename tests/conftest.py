"""Fixtures shared by every test folder (integration, e2e and browser alike): the one Kafka broker and the one
embedded ClickHouse (chDB) of the test session.

The one embedded ClickHouse, because of what chDB allows in one process (chdb 4.4 through clickhouse-connect 1.12,
measured here):
- one engine folder at a time: while any client on folder A is open, opening folder B (or `:memory:`) raises
  clickhouse_connect's ProgrammingError ("EmbeddedServer already initialized with path A");
- any number of clients on the same folder, sharing its data (each with its own session: USE, SET);
- after every client on A is closed (or garbage-collected), folder B opens fine, and A can be reopened later;
- a second process cannot open a folder this process holds: embedded mode is one process.
So every integration test shares one session-scoped client on one temporary folder, migrated once, and the
`store` fixture empties the data tables before each test. A test that needs another folder must run it in a
subprocess. Any later in-process user of chDB in the same pytest run (the indicators service, e2e) must take
`chdb_url` or `clickhouse` from here instead of opening its own folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clickhouse_connect.driver import Client

from satudata.kafka import KafkaBroker
from satudata.settings import Settings
from satudata.store import connect, migrate


@pytest.fixture(scope="session")
def kafka_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bootstrap address of one real Kafka broker for the whole session, started on first use.

    A free port and its own var folder, so sessions running side by side never meet. On a clean machine
    (CI) the first session fetches the broker's jars here; SATUDATA_KAFKA__JARS_DIR, __JAVA and __MVN apply.
    """
    settings = Settings().model_copy(update={"var_dir": tmp_path_factory.mktemp("kafka-var")})
    broker = KafkaBroker.from_settings(settings, port=0)
    broker.start()
    try:
        yield broker.bootstrap
    finally:
        broker.stop()


DATA_TABLES = (
    "fact_child_measurement",
    "indicator_value",
    "quarantine",
    "record_outcome",
    "conflicts",
    "alerts",
    "fact_record",
    "convergence_target",
)


@pytest.fixture(scope="session")
def chdb_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chdb")


@pytest.fixture(scope="session")
def chdb_url(chdb_folder: Path) -> str:
    return f"chdb://{chdb_folder}"


@pytest.fixture(scope="session")
def clickhouse(chdb_url: str) -> Iterator[Client]:
    client = connect(chdb_url)
    migrate(client)
    yield client
    client.close()


@pytest.fixture
def chdb_clients(chdb_url: str) -> Iterator[Callable[[], Client]]:
    """Makes clients on the session's folder (chDB allows many on one folder), as a service that wants one per
    writer gets them; all closed when the test ends."""
    made: list[Client] = []

    def make() -> Client:
        made.append(connect(chdb_url))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def store(clickhouse: Client) -> Client:
    """The session's client over empty data tables (the schema and its migration record stay)."""
    migrate(clickhouse)  # a test may have dropped the database on purpose
    for table in DATA_TABLES:
        clickhouse.command(f"TRUNCATE TABLE IF EXISTS satudata.{table}")
    return clickhouse
