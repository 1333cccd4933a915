"""`satudata keys create|list|revoke` against the real broker; a keyring following the topic (as a running
`satudata up` does) sees what the commands did."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from satudata.access import Role, verify
from services.cli import app as cli
from tests.waiting import wait_until

pytestmark = pytest.mark.integration

runner = CliRunner()
KEY = re.compile(r"sdn_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


def keys(bootstrap: str, *args: str):
    return runner.invoke(cli, ["keys", *args, "--kafka", bootstrap], env={"COLUMNS": "200"})


def test_create_prints_the_key_once_and_list_shows_it_without_secrets(keys_bootstrap: str, new_keyring) -> None:
    args = ["create", "--role", "publisher", "--agency", "puskesmas", "--feed", "child_measurement"]
    done = keys(keys_bootstrap, *args, "--feed", "pregnancy_check", "--name", "Puskesmas Oesapa")
    assert done.exit_code == 0, done.output
    [plaintext] = KEY.findall(done.output)
    assert "Store this key now" in done.output and "Simpan kunci ini" in done.output
    key_id = plaintext[4:16]
    record = new_keyring().lookup(key_id)
    assert record is not None and verify(plaintext, record)
    assert (record.role, record.agency, record.feeds) == (
        Role.PUBLISHER,
        "puskesmas",
        frozenset({"child_measurement", "pregnancy_check"}),
    )

    listed = keys(keys_bootstrap, "list")
    assert listed.exit_code == 0, listed.output
    assert key_id in listed.output and "Puskesmas Oesapa" in listed.output
    assert plaintext[17:] not in listed.output and record.secret_hash not in listed.output


def test_revoke_reaches_a_following_keyring(keys_bootstrap: str, new_keyring) -> None:
    done = keys(keys_bootstrap, "create", "--role", "official", "--name", "Bappeda")
    [plaintext] = KEY.findall(done.output)
    key_id = plaintext[4:16]
    follower = new_keyring()
    assert follower.lookup(key_id) is not None
    revoked = keys(keys_bootstrap, "revoke", key_id)
    assert revoked.exit_code == 0, revoked.output
    wait_until(lambda: follower.lookup(key_id).revoked, "the running keyring sees the revoke", 20)  # type: ignore[union-attr]
    assert "already revoked" in keys(keys_bootstrap, "revoke", key_id).output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["create", "--role", "king", "--name", "x"], "unknown role"),
        (["create", "--role", "publisher", "--name", "x", "--feed", "child_measurement"], "--agency"),
        (["create", "--role", "publisher", "--name", "x", "--agency", "pkm"], "--feed"),
        (["create", "--role", "publisher", "--name", "x", "--agency", "pkm", "--feed", "nope"], "unknown feed"),
        (["create", "--role", "official", "--name", "x", "--agency", "pkm"], "takes no --agency"),
        (["revoke", "not-a-key"], "not a key id"),
    ],
)
def test_usage_errors_exit_2(keys_bootstrap: str, args: list[str], said: str) -> None:
    done = keys(keys_bootstrap, *args)
    assert done.exit_code == 2, done.output
    assert said in done.output


def test_revoking_an_unknown_key_exits_1(keys_bootstrap: str) -> None:
    done = keys(keys_bootstrap, "revoke", "0123456789ab")
    assert done.exit_code == 1
    assert "no such key" in done.output
