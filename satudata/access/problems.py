"""The refusals every HTTP service answers when a key is missing, unknown or not allowed; and the one
function that turns the text of an `X-API-Key` header into a key record or such a refusal."""

from __future__ import annotations

from satudata.access.keys import ApiKey, KeyLookup, KeyringUnavailableError, MalformedKeyError, parse, verify
from satudata.problems import Problem, ProblemError, bilingual

HEADER = "X-API-Key"
_TITLE_401 = bilingual("Kunci API tidak diterima", "API key not accepted")


def key_required() -> Problem:
    return Problem(
        401,
        "key-required",
        bilingual("Kunci API diperlukan", "API key required"),
        bilingual(
            f"kirim kunci API di header {HEADER}; buat dengan `satudata keys create`",
            f"send an API key in the {HEADER} header; create one with `satudata keys create`",
        ),
    )


def key_malformed() -> Problem:
    return Problem(401, "key-invalid", _TITLE_401, str(MalformedKeyError()))


def key_unknown() -> Problem:
    return Problem(
        401,
        "key-invalid",
        _TITLE_401,
        bilingual("kunci API tidak dikenal atau salah", "the API key is unknown or wrong"),
    )


def key_revoked(key_id: str) -> Problem:
    return Problem(
        401,
        "key-revoked",
        _TITLE_401,
        bilingual(f"kunci API {key_id} sudah dicabut", f"API key {key_id} has been revoked"),
        {"key_id": key_id},
    )


def keys_unavailable() -> Problem:
    return Problem(
        401,
        "keys-unavailable",
        _TITLE_401,
        bilingual(
            "layanan ini berjalan tanpa daftar kunci, jadi hanya akses anonim yang bisa",
            "this service runs without a keyring, so only anonymous access works",
        ),
    )


def keys_unreachable() -> Problem:
    return Problem(
        503,
        "keys-unreachable",
        bilingual("Daftar kunci tidak terbaca", "Keys cannot be read"),
        bilingual(
            "daftar kunci API (Kafka) tidak terbaca sekarang; coba lagi sebentar lagi",
            "the API key records (Kafka) cannot be read now; try again shortly",
        ),
    )


def forbidden(role: str | None, allowed: list[str]) -> Problem:
    who = role or "anonim / anonymous"
    return Problem(
        403,
        "forbidden",
        bilingual("Akses ditolak", "Access denied"),
        bilingual(
            f"peran {who} tidak boleh memakai ini; yang boleh: {', '.join(allowed)}",
            f"role {who} may not use this; allowed: {', '.join(allowed)}",
        ),
        {"allowed_roles": allowed},
    )


def not_allowed_to_publish(key_id: str, pairs: list[str]) -> Problem:
    """`pairs` are `agency/feed` the key does not cover (never record content)."""
    shown = ", ".join(pairs[:10])
    return Problem(
        403,
        "publish-forbidden",
        bilingual("Kunci ini tidak boleh menerbitkan ini", "This key may not publish this"),
        bilingual(
            f"kunci {key_id} tidak mencakup instansi/feed: {shown}; tidak ada yang diterbitkan",
            f"key {key_id} does not cover agency/feed: {shown}; nothing was published",
        ),
        {"key_id": key_id, "not_covered": pairs[:10]},
    )


def authenticate(keyring: KeyLookup | None, plaintext: str | None) -> ApiKey:
    """The record of a presented key, or ProblemError 401. The key's text never reaches a message."""
    if not plaintext:
        raise ProblemError(key_required())
    if keyring is None:
        raise ProblemError(keys_unavailable())
    try:
        key_id, _ = parse(plaintext)
    except MalformedKeyError:
        raise ProblemError(key_malformed()) from None
    try:
        record = keyring.lookup(key_id)
    except KeyringUnavailableError:
        raise ProblemError(keys_unreachable()) from None
    if record is None:
        raise ProblemError(key_unknown())
    if record.revoked:
        raise ProblemError(key_revoked(key_id))
    if not verify(plaintext, record):
        raise ProblemError(key_unknown())
    return record
