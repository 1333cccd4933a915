"""What each role may do: publish (agency and feed) and see (audience); and the scope rules of a new key."""

from __future__ import annotations

import pytest

from satudata.access import KeyScopeError, MemoryKeyring, Role, agency_of, check_scope, generate, may_publish, may_see
from satudata.access.problems import authenticate
from satudata.events import FEEDS
from satudata.problems import ProblemError

FEED_NAMES = list(FEEDS)


def test_agency_is_the_source_before_the_first_slash() -> None:
    assert agency_of("puskesmas/5301010") == "puskesmas"
    assert agency_of("dukcapil") == "dukcapil"
    assert agency_of("bkkbn/ntt/kupang") == "bkkbn"


def test_a_publisher_publishes_only_its_agency_and_feeds() -> None:
    _, key = generate(Role.PUBLISHER, "pkm", agency="puskesmas", feeds={"child_measurement"})
    assert may_publish(key, "puskesmas", "child_measurement")
    assert not may_publish(key, "bkkbn", "child_measurement")
    assert not may_publish(key, "puskesmas", "family_risk")
    assert not may_publish(key.revoke(), "puskesmas", "child_measurement")
    assert not may_publish(None, "puskesmas", "child_measurement")


def test_admin_publishes_anything_and_other_roles_nothing() -> None:
    assert may_publish(generate(Role.ADMIN, "a")[1], "anyone", "family_risk")
    for role in (Role.OFFICIAL, Role.OPERATOR):
        assert not may_publish(generate(role, "x")[1], "puskesmas", "child_measurement")


@pytest.mark.parametrize(
    ("role", "public", "official", "operator"),
    [
        (None, True, False, False),
        (Role.PUBLISHER, True, False, False),
        (Role.OFFICIAL, True, True, False),
        (Role.OPERATOR, True, False, True),
        (Role.ADMIN, True, True, True),
    ],
)
def test_audiences(role: Role | None, public: bool, official: bool, operator: bool) -> None:
    assert (may_see(role, "public"), may_see(role, "official"), may_see(role, "operator")) == (
        public,
        official,
        operator,
    )


def test_scope_rules_of_a_new_key() -> None:
    check_scope(Role.PUBLISHER, "puskesmas", ["child_measurement"], FEED_NAMES)
    check_scope(Role.ADMIN, None, [], FEED_NAMES)
    bad = [
        (Role.PUBLISHER, None, ["child_measurement"], "--agency"),
        (Role.PUBLISHER, "a/b", ["child_measurement"], "--agency"),
        (Role.PUBLISHER, "puskesmas", [], "--feed"),
        (Role.PUBLISHER, "puskesmas", ["no_such_feed"], "no_such_feed"),
        (Role.OFFICIAL, "puskesmas", [], "--agency"),
        (Role.OPERATOR, None, ["child_measurement"], "--feed"),
    ]
    for role, agency, feeds, named in bad:
        with pytest.raises(KeyScopeError, match=named) as caught:
            check_scope(role, agency, feeds, FEED_NAMES)
        assert " / " in str(caught.value)


def test_authenticate_answers_each_refusal_with_its_own_401_and_never_echoes_the_key() -> None:
    ring = MemoryKeyring()
    plaintext, record = generate(Role.OFFICIAL, "x")
    stranger, _ = generate(Role.OFFICIAL, "never stored")
    ring.put(record)
    assert authenticate(ring, plaintext) == record
    cases = [
        (ring, None, "key-required"),
        (ring, "not a key", "key-invalid"),
        (ring, stranger, "key-invalid"),
        (None, plaintext, "keys-unavailable"),
    ]
    for keyring, text, slug in cases:
        with pytest.raises(ProblemError) as caught:
            authenticate(keyring, text)
        problem = caught.value.problem
        assert (problem.status, problem.slug) == (401, slug)
        assert not text or text not in str(problem.to_dict())
    ring.put(record.revoke())
    with pytest.raises(ProblemError) as caught:
        authenticate(ring, plaintext)
    assert caught.value.problem.slug == "key-revoked"
    assert plaintext not in str(caught.value.problem.to_dict())
