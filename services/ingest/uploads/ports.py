"""What uploads need beyond the ingest Publisher: a durable record of the event ids already published."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class LedgerUnavailableError(RuntimeError):
    """The record of published ids could not be read or written; nothing may be published without it."""


class Ledger(Protocol):
    def known(self, ids: Iterable[str]) -> set[str]:
        """Those of `ids` already published. Raise LedgerUnavailableError when the record cannot be read."""
        ...

    def remember(self, entries: Sequence[tuple[str, bytes]]) -> None:
        """Record (event id, small JSON note) pairs after the broker confirmed the events; return once stored."""
        ...
