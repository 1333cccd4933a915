"""Opening ClickHouse from a URL: the embedded engine (`chdb:///folder`) or a server (`http(s)://`).

The same SQL runs on both; only the URL differs. Every table lives in the database `satudata` and every
query names it, so a server URL may name no database or `/satudata`, nothing else.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

import clickhouse_connect
from clickhouse_connect.driver import Client
from clickhouse_connect.driver.exceptions import Error as ClickHouseError

from satudata.logs import get_logger

DATABASE = "satudata"

log = get_logger(__name__)


class StoreUnavailableError(RuntimeError):
    """ClickHouse did not answer within the deadline; the message names what is missing."""


def connect(url: str) -> Client:
    """A clickhouse-connect client for `chdb:///abs/folder`, `chdb:rel/folder` or `http(s)://user:pass@host:port`.

    chDB allows one engine folder per process: opening a second folder while a client on the first is still
    open raises clickhouse_connect's ProgrammingError. Clients on the same folder share one engine.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "chdb":
        folder = chdb_folder(url)
        folder.mkdir(parents=True, exist_ok=True)
        query = f"?{parts.query}" if parts.query else ""
        return clickhouse_connect.get_client(dsn=f"chdb://{folder}{query}")
    if scheme in ("http", "https"):
        return clickhouse_connect.get_client(dsn=server_dsn(url))
    raise ValueError(
        f"Skema URL ClickHouse tidak dikenal: {scheme!r}; pakai chdb:///folder atau http(s)://host:port. / "
        f"Unknown ClickHouse URL scheme {scheme!r}; use chdb:///folder or http(s)://host:port."
    )


def chdb_folder(url: str) -> Path:
    """The folder of a chdb URL: `chdb:///abs/path` is absolute, `chdb:rel/path` relative to the cwd."""
    parts = urlsplit(url)
    # A host part would be silently taken for a folder name by clickhouse-connect (chdb://memory/db form);
    # we only store on disk, so refuse it rather than guess.
    if parts.netloc or not parts.path:
        raise ValueError(
            f"URL chDB harus berbentuk chdb:///folder/mutlak atau chdb:folder/relatif, bukan {url!r}. / "
            f"A chDB URL must be chdb:///absolute/folder or chdb:relative/folder, not {url!r}."
        )
    return Path(parts.path).resolve()


def server_dsn(url: str) -> str:
    """The server URL without its database part: the database may not exist before the first migration."""
    parts = urlsplit(url)
    database = parts.path.strip("/")
    if database not in ("", DATABASE):
        raise ValueError(
            f"Basis data di URL harus {DATABASE!r} atau kosong, bukan {database!r}. / "
            f"The database in the URL must be {DATABASE!r} or empty, not {database!r}."
        )
    return urlunsplit((parts.scheme, parts.netloc, "", parts.query, ""))


def redacted(url: str) -> str:
    """The URL fit for a log line or an error message: no password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(SplitResult(parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def wait_for(url: str, deadline: float = 30.0, *, first_delay: float = 0.2, max_delay: float = 2.0) -> Client:
    """Connect and run a trivial query, retrying with backoff for at most `deadline` seconds.

    A malformed URL fails at once; an engine or server that does not answer in time raises
    StoreUnavailableError naming the folder or server that is missing and the last error seen.
    """
    give_up = time.monotonic() + deadline
    delay = first_delay
    attempts = 0
    while True:
        attempts += 1
        try:
            client = connect(url)
        except (ClickHouseError, OSError) as exc:
            last: Exception = exc
        else:
            try:
                client.query("SELECT 1")
                return client
            except (ClickHouseError, OSError) as exc:
                last = exc
                client.close()
        log.info("clickhouse not ready", url=redacted(url), attempt=attempts, error=_first_line(last))
        if time.monotonic() + delay > give_up:
            raise StoreUnavailableError(_missing(url, deadline, attempts, last)) from last
        time.sleep(delay)
        delay = min(delay * 2, max_delay)


def _missing(url: str, deadline: float, attempts: int, last: Exception) -> str:
    tried = f"{attempts} kali dalam {deadline:g} detik / {attempts} attempt(s) in {deadline:g} s"
    cause = _first_line(last)
    if urlsplit(url).scheme.lower() == "chdb":
        folder = chdb_folder(url)
        return (
            f"Folder chDB {folder} tidak dapat dibuka ({tried}); folder itu mungkin dipegang proses lain "
            f"(mode tertanam hanya satu proses) atau proses ini sudah membuka folder lain. / "
            f"The chDB folder {folder} could not be opened ({tried}); another process may hold it (embedded "
            f"mode is one process) or this process already opened another folder. Last error: {cause}"
        )
    return (
        f"Server ClickHouse {redacted(url)} tidak menjawab ({tried}); periksa bahwa server berjalan dan "
        f"alamat, pengguna serta sandinya benar. / The ClickHouse server {redacted(url)} did not answer "
        f"({tried}); check that it runs and that its address, user and password are right. "
        f"Last error: {cause}"
    )


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
