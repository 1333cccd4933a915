"""The broker's two configuration files, written fresh at each start."""

from __future__ import annotations

from pathlib import Path


def server_properties(port: int, controller_port: int, data_dir: Path, partitions: int) -> str:
    host = "127.0.0.1"
    settings = {
        # one KRaft node that is its own controller: no ZooKeeper (gone in Kafka 4), no second process
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@{host}:{controller_port}",
        "listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{host}:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir),
        # topics are created on purpose (satudata.kafka.ensure_topics): a typo must fail, not make a topic
        "auto.create.topics.enable": "false",
        "num.partitions": str(partitions),
        # a single node can hold only one replica of anything
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # consumers of a new group start at once instead of waiting 3 s for more members
        "group.initial.rebalance.delay.ms": "0",
        # two cores shared with the services and the tests: Kafka's defaults (3 and 8) are for servers
        "num.network.threads": "2",
        "num.io.threads": "4",
    }
    return "".join(f"{key}={value}\n" for key, value in settings.items())


def log4j_properties() -> str:
    # To stdout, which the launcher appends to broker.log: one file holds the broker's log and any JVM crash.
    return """\
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = WARN
"""
