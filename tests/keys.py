"""API keys for tests: a real key of a role, kept in a real in-memory keyring (satudata.access.MemoryKeyring),
and the header that presents it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from satudata.access import ApiKey, MemoryKeyring, Role, generate
from satudata.access.problems import HEADER


@dataclass(frozen=True)
class Issued:
    plaintext: str
    record: ApiKey

    @property
    def headers(self) -> dict[str, str]:
        return {HEADER: self.plaintext}


def issue(keyring: MemoryKeyring, role: Role, *, agency: str | None = None, feeds: Iterable[str] = ()) -> Issued:
    plaintext, record = generate(role, f"test {role.value}", agency=agency, feeds=frozenset(feeds))
    keyring.put(record)
    return Issued(plaintext, record)


def admin_keyring() -> tuple[MemoryKeyring, dict[str, str]]:
    """A keyring holding one admin key, and its header: for tests about something other than access."""
    keyring = MemoryKeyring()
    return keyring, issue(keyring, Role.ADMIN).headers
