"""The local broker launcher and the Kafka adapter, against a real Apache Kafka broker (no fakes)."""

from __future__ import annotations

import socket
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import orjson
import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord
from kafka.errors import KafkaTimeoutError
from typer.testing import CliRunner

from satudata.events import all_topics
from satudata.kafka import (
    KAFKA_VERSION,
    BrokerState,
    BulkProducer,
    KafkaBroker,
    PublishError,
    Record,
    ToolMissingError,
    describe_cluster,
    ensure_all_topics,
    ensure_jars,
    ensure_topics,
    stop_broker,
    topic_partitions,
)
from satudata.kafka.state import is_our_broker
from satudata.settings import KafkaSettings, Settings
from services.cli import app

pytestmark = pytest.mark.integration

DESA = ("5301042003", "5371031001", "5310012005", "5304050001")  # Kupang, Kota Kupang, Manggarai, TTS
DEADLINE_S = 30.0


def unique(name: str) -> str:
    return f"test.kafka.{name}.{uuid.uuid4().hex[:8]}"


def read_all(bootstrap: str, topic: str, count: int) -> list[ConsumerRecord]:
    """Every record of the topic once `count` arrived, read by offsets (no group), or fail at the deadline."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[ConsumerRecord] = []
        deadline = time.monotonic() + DEADLINE_S
        while len(records) < count:
            assert time.monotonic() < deadline, f"only {len(records)} of {count} records came back"
            for batch in consumer.poll(timeout_ms=200).values():  # waits on the broker, not a sleep
                records.extend(batch)
        return records
    finally:
        consumer.close()


def test_every_topic_of_the_system_is_created_with_the_configured_partitions(kafka_broker: str) -> None:
    settings = Settings(kafka=KafkaSettings(bootstrap=kafka_broker, partitions=4))
    ensure_all_topics(settings)
    assert topic_partitions(kafka_broker, all_topics()) == dict.fromkeys(all_topics(), 4)


def test_ensure_topics_is_idempotent_and_leaves_existing_topics_alone(kafka_broker: str) -> None:
    first, second, third = unique("a"), unique("b"), unique("c")
    assert sorted(ensure_topics(kafka_broker, [first, second], partitions=3)) == sorted([first, second])
    assert ensure_topics(kafka_broker, [first, second], partitions=3) == []
    assert ensure_topics(kafka_broker, [first, second, third], partitions=2) == [third]
    assert topic_partitions(kafka_broker, [first, second, third]) == {first: 3, second: 3, third: 2}


def test_the_broker_never_creates_a_topic_on_its_own(kafka_broker: str) -> None:
    missing = unique("missing")
    # Even a client that asks for auto-creation gets no topic: the broker refuses it.
    producer = KafkaProducer(bootstrap_servers=kafka_broker, allow_auto_create_topics=True, max_block_ms=2000)
    try:
        with pytest.raises(KafkaTimeoutError):
            producer.send(missing, b"{}")
    finally:
        producer.close(timeout=5)
    with BulkProducer(kafka_broker, timeout_s=2.0) as bulk, pytest.raises(PublishError, match=missing):
        bulk.publish_batch([Record(missing, DESA[0].encode(), b"{}")])
    assert missing not in topic_partitions(kafka_broker)


def test_a_batch_published_with_acks_all_is_consumed_back_intact(kafka_broker: str) -> None:
    topic = unique("roundtrip")
    ensure_topics(kafka_broker, [topic], partitions=4)
    sent = [
        Record(topic, DESA[i % len(DESA)].encode(), orjson.dumps({"i": i, "desa_code": DESA[i % len(DESA)]}))
        for i in range(2000)
    ]
    with BulkProducer(kafka_broker) as producer:
        metadata = producer.publish_batch(sent)
    assert len(metadata) == len(sent)
    assert all(m.topic == topic and m.offset >= 0 for m in metadata)

    received = read_all(kafka_broker, topic, len(sent))
    assert sorted((r.key, r.value) for r in received) == sorted((r.key, r.value) for r in sent)
    # One desa, one partition, in the order sent: the key is what keeps a desa's corrections in order.
    partitions: dict[bytes, set[int]] = defaultdict(set)
    for r in received:
        partitions[r.key].add(r.partition)
    assert all(len(p) == 1 for p in partitions.values())
    by_offset = sorted(received, key=lambda r: r.offset)
    for key in partitions:
        in_order = [orjson.loads(r.value)["i"] for r in by_offset if r.key == key]
        assert in_order == [orjson.loads(s.value)["i"] for s in sent if s.key == key]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_cli_starts_reports_stops_and_restarts_a_second_broker(tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"SATUDATA_VAR_DIR": str(tmp_path)}
    port = str(free_port())
    try:
        status = runner.invoke(app, ["kafka", "status"], env=env)
        assert status.exit_code == 1 and "not running" in status.output

        started = runner.invoke(app, ["kafka", "start", "--port", port], env=env)
        assert started.exit_code == 0, started.output
        state = BrokerState.load(tmp_path)
        assert state is not None and state.bootstrap == f"127.0.0.1:{port}"
        assert state.bootstrap in started.output
        assert describe_cluster(state.bootstrap)["brokers"]
        # the broker's own log reaches its file: the slf4j binding is on the classpath
        assert "Kafka Server started" in Path(state.log_file).read_text()

        status = runner.invoke(app, ["kafka", "status"], env=env)
        assert status.exit_code == 0 and state.bootstrap in status.output and "answering" in status.output
        again = runner.invoke(app, ["kafka", "start", "--port", port], env=env)
        assert again.exit_code == 1 and "already running" in again.output
        topic = unique("kept")
        ensure_topics(state.bootstrap, [topic], partitions=2)

        stopped = runner.invoke(app, ["kafka", "stop"], env=env)
        assert stopped.exit_code == 0 and str(state.pid) in stopped.output
        assert not is_our_broker(state.pid)
        assert runner.invoke(app, ["kafka", "status"], env=env).exit_code == 1
        assert "no broker running" in runner.invoke(app, ["kafka", "stop"], env=env).output

        # same port, same data folder: the formatted log is reused and the topic is still there
        restarted = runner.invoke(app, ["kafka", "start", "--port", port], env=env)
        assert restarted.exit_code == 0, restarted.output
        assert topic_partitions(state.bootstrap, [topic]) == {topic: 2}
        assert runner.invoke(app, ["kafka", "stop"], env=env).exit_code == 0
    finally:
        stop_broker(tmp_path)


def test_a_missing_java_is_a_clear_bilingual_error(tmp_path: Path) -> None:
    nowhere = str(tmp_path / "no-such-java")
    with pytest.raises(ToolMissingError) as caught:
        KafkaBroker(tmp_path, java=nowhere).start()
    message = str(caught.value)
    assert nowhere in message and "Java tidak ditemukan" in message and "Java not found" in message
    assert "SATUDATA_KAFKA__JAVA" in message
    assert BrokerState.load(tmp_path) is None

    env = {"SATUDATA_VAR_DIR": str(tmp_path), "SATUDATA_KAFKA__JAVA": nowhere}
    result = CliRunner().invoke(app, ["kafka", "start", "--port", "0"], env=env)
    assert result.exit_code == 1 and "Java not found" in result.output


def test_a_java_older_than_17_is_refused_by_name(tmp_path: Path) -> None:
    old_java = tmp_path / "java"
    old_java.write_text("#!/bin/sh\necho 'java version \"1.8.0_402\"' >&2\n")
    old_java.chmod(0o755)
    with pytest.raises(ToolMissingError, match="Java 17"):
        KafkaBroker(tmp_path, java=str(old_java)).start()


def test_a_missing_maven_is_a_clear_bilingual_error_when_jars_are_needed(tmp_path: Path) -> None:
    with pytest.raises(ToolMissingError) as caught:
        ensure_jars(tmp_path / "jars", mvn=str(tmp_path / "no-such-mvn"))
    message = str(caught.value)
    assert "Maven tidak ditemukan" in message and "Maven not found" in message
    assert "SATUDATA_KAFKA__MVN" in message


@pytest.mark.slow
def test_jars_are_fetched_once_into_an_empty_cache_even_by_two_callers(tmp_path: Path) -> None:
    target = tmp_path / "jars"
    with ThreadPoolExecutor(2) as pool:
        folders = list(pool.map(lambda _: ensure_jars(target), range(2)))
    assert folders == [target.resolve()] * 2
    names = {p.name for p in target.glob("*.jar")}
    assert f"kafka_2.13-{KAFKA_VERSION}.jar" in names
    assert any(name.startswith("log4j-slf4j-impl-") for name in names)
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["jars"]  # no staging folder left behind
    started = time.monotonic()
    assert ensure_jars(target) == target.resolve()
    assert time.monotonic() - started < 1.0  # cached: no Maven run
