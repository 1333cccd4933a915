"""What may be kept or shown of a NIK or KK number: a keyed pseudonym for facts, a mask for operators."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl


def _key(secret: str) -> bytes:
    if not secret:
        raise ValueError(
            "Kunci HMAC kosong: nama samaran tanpa kunci bisa ditebak. / "
            "Empty HMAC secret: an unkeyed pseudonym can be reversed by guessing."
        )
    return secret.encode()


def pseudonymise(value: str | None, secret: str) -> str | None:
    """HMAC-SHA256 of the value as hex, the key facts keep instead of a NIK or KK number; None stays None.

    The value is hashed exactly as given: normalise it (the contracts make it 16 digits) before hashing.
    """
    if value is None:
        return None
    return hmac.digest(_key(secret), value.encode(), hashlib.sha256).hex()


def pseudonymise_column(series: pl.Series, secret: str) -> pl.Series:
    """`pseudonymise` over a column; nulls stay null. Polars has no HMAC, so this loops in Python."""
    key = _key(secret)
    hashed = [
        None if value is None else hmac.digest(key, value.encode(), hashlib.sha256).hex()
        for value in series.cast(pl.String).to_list()
    ]
    return pl.Series(series.name, hashed, dtype=pl.String)


def mask(value: str) -> str:
    """For operator screens: the first four digits and the last two ('5301**********12').

    Operators correcting quarantined records need to route a record to its kabupaten and tell two records
    apart, not to read the whole number; the full NIK stays behind the authorised record look-up. Values too
    short to be a NIK are hidden entirely.
    """
    if len(value) < 10:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
