"""API keys: the plaintext a caller sends, the record we keep (hashed), and an in-memory keyring.

A key's plaintext is `sdn_<key_id>_<secret>`: the key id (12 hex characters) finds the record, the secret proves
possession. Only the SHA-256 of the secret is kept. A slow password hash (bcrypt, argon2) exists to protect
guessable human passwords; a 256-bit random secret cannot be guessed, so one fast hash is as safe and keeps every
request cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from satudata.problems import bilingual

PREFIX = "sdn"
_KEY_ID = re.compile(r"[0-9a-f]{12}")
# token_urlsafe(32) gives 43 characters of the URL-safe alphabet; anything else is not one of ours.
_PLAINTEXT = re.compile(r"sdn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")


class Role(StrEnum):
    PUBLISHER = "publisher"
    OPERATOR = "operator"
    OFFICIAL = "official"
    ADMIN = "admin"


class MalformedKeyError(ValueError):
    """The text sent is not shaped like one of our keys. The message never repeats the text."""

    def __init__(self) -> None:
        super().__init__(
            bilingual(
                "kunci API tidak berbentuk sdn_<id kunci>_<rahasia>",
                "the API key is not shaped sdn_<key id>_<secret>",
            )
        )


class KeyringUnavailableError(RuntimeError):
    """The key records cannot be read now (e.g. Kafka is down): keyed requests wait for it, anonymous ones do not."""


class InvalidKeyRecordError(ValueError):
    """A key record that breaks the rules of its role (raised when building or reading one)."""


@dataclass(frozen=True, slots=True)
class ApiKey:
    key_id: str
    secret_hash: str  # hex SHA-256 of the secret
    role: Role
    name: str
    created_at: datetime
    agency: str | None = None
    feeds: frozenset[str] = field(default_factory=frozenset)
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self, at: datetime | None = None) -> ApiKey:
        return self if self.revoked else replace(self, revoked_at=at or datetime.now(UTC))

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["role"] = self.role.value
        data["feeds"] = sorted(self.feeds)
        data["created_at"] = self.created_at.isoformat()
        data["revoked_at"] = self.revoked_at.isoformat() if self.revoked_at else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApiKey:
        try:
            revoked = data.get("revoked_at")
            return cls(
                key_id=str(data["key_id"]),
                secret_hash=str(data["secret_hash"]),
                role=Role(data["role"]),
                name=str(data["name"]),
                created_at=datetime.fromisoformat(data["created_at"]),
                agency=data.get("agency"),
                feeds=frozenset(data.get("feeds") or ()),
                revoked_at=datetime.fromisoformat(revoked) if revoked else None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidKeyRecordError(f"invalid key record: {type(exc).__name__}") from None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate(
    role: Role,
    name: str,
    *,
    agency: str | None = None,
    feeds: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    now: datetime | None = None,
) -> tuple[str, ApiKey]:
    """A new key: (plaintext to hand over once, record to keep). Scope rules are checked by the caller
    (`scope.check_scope`), which knows the feeds."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = ApiKey(
        key_id=key_id,
        secret_hash=_hash(secret),
        role=Role(role),
        name=name,
        created_at=now or datetime.now(UTC),
        agency=agency,
        feeds=frozenset(feeds),
    )
    return f"{PREFIX}_{key_id}_{secret}", record


def parse(plaintext: str) -> tuple[str, str]:
    """(key id, secret) of a plaintext key; MalformedKeyError otherwise."""
    match = _PLAINTEXT.fullmatch(plaintext.strip())
    if match is None:
        raise MalformedKeyError()
    return match.group(1), match.group(2)


def is_key_id(text: str) -> bool:
    return _KEY_ID.fullmatch(text) is not None


def verify(plaintext: str, record: ApiKey) -> bool:
    """True when the plaintext is this record's key and the key is not revoked."""
    try:
        key_id, secret = parse(plaintext)
    except MalformedKeyError:
        return False
    if key_id != record.key_id or record.revoked:
        return False
    return hmac.compare_digest(_hash(secret), record.secret_hash)


class KeyLookup(Protocol):
    """What a service needs to check a key: its record by key id (None when unknown)."""

    def lookup(self, key_id: str) -> ApiKey | None: ...


class Keyring(KeyLookup, Protocol):
    """Where key records are kept: `lookup` by key id, `put` a new or revoked record, `all` for listing."""

    def put(self, record: ApiKey) -> None: ...

    def all(self) -> list[ApiKey]: ...


class MemoryKeyring:
    """A keyring in memory: the real object for unit tests and for a process that needs no other."""

    def __init__(self, records: list[ApiKey] | tuple[ApiKey, ...] = ()) -> None:
        self._lock = threading.Lock()
        self._records = {r.key_id: r for r in records}

    def lookup(self, key_id: str) -> ApiKey | None:
        with self._lock:
            return self._records.get(key_id)

    def put(self, record: ApiKey) -> None:
        with self._lock:
            self._records[record.key_id] = record

    def all(self) -> list[ApiKey]:
        with self._lock:
            return sorted(self._records.values(), key=lambda r: (r.created_at, r.key_id))
