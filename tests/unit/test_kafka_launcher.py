"""The pure parts of the broker launcher; the broker itself is in tests/integration/test_kafka_broker.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from satudata.kafka.broker import bootstrap_port
from satudata.kafka.jars import KAFKA_VERSION, POM, _java_major
from satudata.kafka.properties import server_properties


@pytest.mark.parametrize(
    ("bootstrap", "port"),
    [
        ("127.0.0.1:9092", 9092),
        ("localhost:19092", 19092),
        ("kafka-0.kafka:9092", 0),  # a real cluster: the local broker takes any free port
        ("127.0.0.1:9092,127.0.0.1:9093", 0),
        ("127.0.0.1", 0),
    ],
)
def test_the_local_broker_listens_where_a_loopback_bootstrap_points(bootstrap: str, port: int) -> None:
    assert bootstrap_port(bootstrap) == port


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_402"', 8),
        ("no version here", None),
    ],
)
def test_java_major_version(output: str, major: int | None) -> None:
    assert _java_major(output) == major


def test_server_properties_forbid_auto_creation_and_fit_one_node(tmp_path: Path) -> None:
    props = dict(line.split("=", 1) for line in server_properties(9092, 9093, tmp_path, 6).splitlines() if line)
    assert props["auto.create.topics.enable"] == "false"
    assert props["num.partitions"] == "6"
    assert props["process.roles"] == "broker,controller"
    assert props["controller.quorum.voters"] == "1@127.0.0.1:9093"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert props["offsets.topic.replication.factor"] == "1"
    assert props["transaction.state.log.replication.factor"] == "1"
    assert props["group.initial.rebalance.delay.ms"] == "0"
    assert props["log.dirs"] == str(tmp_path)


def test_the_launcher_and_the_pom_name_the_same_kafka_version() -> None:
    found = re.search(r"<kafka.version>([^<]+)</kafka.version>", POM.read_text())
    assert found is not None and found.group(1) == KAFKA_VERSION
