"""Where the API gets its ClickHouse client: one given by the caller, or one built on first use.

Building on first use, not at start, lets the API come up and answer /healthz with 503 while ClickHouse is
still starting. chDB allows one engine folder per process and its client serialises calls on its handle,
so one client per app serves every request thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from clickhouse_connect.driver import Client

from satudata.store import StoreUnavailableError

ClientFactory = Callable[[], Client]


class ClientProvider:
    def __init__(self, source: Client | ClientFactory) -> None:
        self._factory: ClientFactory | None
        if isinstance(source, Client):
            self._client: Client | None = source
            self._factory = None
        else:
            self._client = None
            self._factory = source
        self._lock = threading.Lock()

    @property
    def built(self) -> Client | None:
        """The client if there is one already (no waiting), else None."""
        return self._client

    def get(self) -> Client:
        if self._client is not None:
            return self._client
        with self._lock:
            if self._client is None:
                assert self._factory is not None
                try:
                    self._client = self._factory()
                except Exception as exc:
                    raise StoreUnavailableError(str(exc)) from exc
            return self._client

    def close(self) -> None:
        """Close the client only if we built it; a client handed to us belongs to the caller."""
        with self._lock:
            if self._factory is not None and self._client is not None:
                self._client.close()
                self._client = None
