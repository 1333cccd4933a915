"""API keys: generation, hashing, verification, parsing, and the records' JSON."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from satudata.access import (
    ApiKey,
    InvalidKeyRecordError,
    MalformedKeyError,
    MemoryKeyring,
    Role,
    generate,
    parse,
    verify,
)


def test_a_generated_key_has_the_documented_shape_and_only_the_secret_hash_is_kept() -> None:
    plaintext, record = generate(Role.OFFICIAL, "dinkes kupang")
    prefix, key_id, secret = plaintext[:3], plaintext[4:16], plaintext[17:]
    assert (prefix, plaintext[3], plaintext[16]) == ("sdn", "_", "_")
    assert record.key_id == key_id and len(key_id) == 12 and int(key_id, 16) >= 0
    assert len(secret) == 43
    assert record.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(record) and plaintext not in str(record.to_json())
    assert (record.role, record.name, record.revoked) == (Role.OFFICIAL, "dinkes kupang", False)


def test_two_keys_differ() -> None:
    (a, ra), (b, rb) = generate(Role.ADMIN, "a"), generate(Role.ADMIN, "b")
    assert a != b and ra.key_id != rb.key_id and ra.secret_hash != rb.secret_hash


def test_verify_accepts_the_key_and_refuses_a_changed_secret_another_key_or_a_revoked_one() -> None:
    plaintext, record = generate(Role.OPERATOR, "ops")
    assert verify(plaintext, record)
    last = plaintext[-1]
    tampered = plaintext[:-1] + ("A" if last != "A" else "B")
    assert not verify(tampered, record)
    other, _ = generate(Role.OPERATOR, "other")
    assert not verify(other, record)
    assert not verify(plaintext, record.revoke())
    assert not verify("junk", record)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sdn_",
        "abc_0123456789ab_" + "x" * 43,  # wrong prefix
        "sdn_0123456789AB_" + "x" * 43,  # key id not lower-case hex
        "sdn_0123456789a_" + "x" * 43,  # key id too short
        "sdn_0123456789ab_" + "x" * 42,  # secret too short
        "sdn_0123456789ab_" + "x" * 42 + "!",  # not URL-safe base64
    ],
)
def test_malformed_keys_are_refused_with_a_bilingual_message_that_does_not_repeat_them(text: str) -> None:
    with pytest.raises(MalformedKeyError) as caught:
        parse(text)
    message = str(caught.value)
    assert " / " in message and "sdn_<" in message
    assert len(text) < 8 or text not in message


def test_parse_splits_a_good_key() -> None:
    plaintext, record = generate(Role.ADMIN, "x")
    key_id, secret = parse(plaintext)
    assert key_id == record.key_id and plaintext.endswith(secret)


def test_a_record_round_trips_through_json_also_revoked() -> None:
    _, record = generate(Role.PUBLISHER, "pkm", agency="puskesmas", feeds=("child_measurement", "pregnancy_check"))
    revoked = record.revoke(datetime(2026, 1, 2, tzinfo=UTC))
    for r in (record, revoked):
        data = r.to_json()
        assert "secret" not in {k for k in data if k != "secret_hash"}
        assert ApiKey.from_json(data) == r
    assert revoked.revoke() is revoked  # revoking twice keeps the first time
    assert revoked.to_json()["revoked_at"] == "2026-01-02T00:00:00+00:00"
    assert revoked.to_json()["feeds"] == ["child_measurement", "pregnancy_check"]


def test_a_broken_record_is_refused() -> None:
    with pytest.raises(InvalidKeyRecordError):
        ApiKey.from_json({"key_id": "x", "role": "king"})


def test_the_memory_keyring_keeps_the_latest_record_per_key() -> None:
    _, record = generate(Role.ADMIN, "x")
    ring = MemoryKeyring()
    assert ring.lookup(record.key_id) is None
    ring.put(record)
    ring.put(record.revoke())
    assert ring.lookup(record.key_id).revoked  # type: ignore[union-attr]
    assert [r.key_id for r in ring.all()] == [record.key_id]
