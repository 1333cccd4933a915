"""KafkaKeyring on the real broker: a key put by one keyring is found by another that reads the topic, and a
revoke reaches a keyring that is already following it."""

from __future__ import annotations

import orjson
import pytest
from kafka import KafkaConsumer, TopicPartition

from satudata.access import Role, generate, verify
from satudata.events import KEYS_TOPIC
from satudata.kafka.admin import admin_client
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def test_a_key_put_in_one_keyring_is_found_by_another_reading_the_topic(new_keyring) -> None:
    plaintext, record = generate(Role.PUBLISHER, "pkm", agency="puskesmas", feeds={"child_measurement"})
    new_keyring().put(record)
    other = new_keyring()
    found = other.lookup(record.key_id)
    assert found == record
    assert verify(plaintext, found)
    assert record.key_id in {r.key_id for r in other.all()}


def test_a_revoke_reaches_a_following_keyring(new_keyring) -> None:
    plaintext, record = generate(Role.OFFICIAL, "bappeda")
    writer, follower = new_keyring(), new_keyring()
    writer.put(record)
    wait_until(lambda: follower.lookup(record.key_id) is not None, "the follower sees the new key", 20)
    assert verify(plaintext, follower.lookup(record.key_id))  # type: ignore[arg-type]
    writer.put(record.revoke())
    wait_until(lambda: follower.lookup(record.key_id).revoked, "the follower sees the revoke", 20)  # type: ignore[union-attr]
    assert not verify(plaintext, follower.lookup(record.key_id))  # type: ignore[arg-type]
    # A keyring started after the revoke reads the latest record of the key.
    assert new_keyring().lookup(record.key_id).revoked  # type: ignore[union-attr]


def test_the_topic_is_compacted_and_holds_no_secret(keys_bootstrap: str, new_keyring) -> None:
    plaintext, record = generate(Role.ADMIN, "root")
    new_keyring().put(record)
    with admin_client(keys_bootstrap) as admin:
        from kafka.admin import ConfigResource, ConfigResourceType

        described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, KEYS_TOPIC)])
    assert described["topic"][KEYS_TOPIC]["cleanup.policy"]["value"] == "compact"
    consumer = KafkaConsumer(bootstrap_servers=keys_bootstrap, group_id=None, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(KEYS_TOPIC, p) for p in sorted(consumer.partitions_for_topic(KEYS_TOPIC))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        values: list[bytes] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=500).values():
                values.extend(m.value for m in batch if m.key == record.key_id.encode())
    finally:
        consumer.close()
    [value] = values
    secret = plaintext[len("sdn_0123456789ab_") :]
    assert secret.encode() not in value and plaintext.encode() not in value
    assert orjson.loads(value)["secret_hash"] == record.secret_hash


def test_a_keyring_without_its_topic_is_unavailable_not_empty(keys_publisher) -> None:
    from satudata.access import KeyringUnavailableError
    from satudata.kafka.keyring import KafkaKeyring

    keyring = KafkaKeyring(keys_publisher.bootstrap, keys_publisher, topic="satudata.no-such-keys", timeout_s=5.0)
    try:
        with pytest.raises(KeyringUnavailableError):
            keyring.lookup("0123456789ab")
    finally:
        keyring.close()
