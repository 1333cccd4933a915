"""A real API (uvicorn on a free port, in a thread) over the session's chDB, seeded with indicator sums whose
truth the tests compute themselves, and a real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Playwright's own browser builds are never installed (`playwright install` downloads them): the tests launch the
system Chromium, which `./dev test` installs from Debian when it is missing.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from clickhouse_connect.driver import Client
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response, sync_playwright

from satudata.indicators import INDICATORS, shift_period
from satudata.regions import Region, master
from satudata.settings import Settings
from services.api import create_app
from tests.waiting import wait_until

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTCOME_COLUMNS = [
    "feed", "event_id", "source", "agency", "record_id", "desa_code", "kabupaten_code", "outcome", "errors",
    "warnings", "event_date", "received_at", "lateness_days", "version",
]  # fmt: skip
SUM_COLUMNS = [
    "indicator", "period", "desa_code", "kecamatan_code", "kabupaten_code", "feed", "partition", "numerator",
    "denominator", "version", "updated_at",
]  # fmt: skip


def this_month() -> date:
    """The WITA month, as the API's default period (computed here, not taken from the API)."""
    return datetime.now(ZoneInfo("Asia/Makassar")).date().replace(day=1)


@dataclass
class Truth:
    """Every sum written, keyed (indicator, period, desa, partition), latest version only."""

    sums: dict[tuple[str, date, str, int], tuple[int, int, int]]  # -> (numerator, denominator, version)

    def counts(self, indicator: str, period: date, prefix: str = "") -> tuple[int, int]:
        mine = [v for (i, p, d, _), v in self.sums.items() if (i, p) == (indicator, period) and d.startswith(prefix)]
        return sum(n for n, _, _ in mine), sum(d for _, d, _ in mine)

    def write(self, client: Client, rows: list[tuple[str, date, Region, int, int, int]]) -> None:
        """Write (indicator, period, desa, partition, numerator, denominator) as the next version of each key."""
        written, now = [], datetime.now(UTC)
        for indicator, period, desa, partition, numerator, denominator in rows:
            key = (indicator, period, desa.digits, partition)
            version = self.sums.get(key, (0, 0, 0))[2] + 1
            self.sums[key] = (numerator, denominator, version)
            codes = (desa.digits, desa.digits[:6], desa.digits[:4])
            written.append((indicator, period, *codes, "f", partition, numerator, denominator, version, now))
        client.insert("satudata.indicator_value", written, column_names=SUM_COLUMNS)


@dataclass(frozen=True)
class Seeded:
    truth: Truth
    period: date
    kabupaten: tuple[Region, Region]
    desa: tuple[Region, ...]
    small: Region  # a desa whose stunting denominator is a small cell this month


@pytest.fixture
def seeded(store: Client) -> Seeded:
    """Every counted (non-quality) indicator, this month and the two before, in desa of the first two kabupaten
    (the first is the page's default); one desa's stunting denominator is 3, a small cell."""
    rng = random.Random(6)
    regions = master()
    kabupaten = (regions.kabupaten()[0], regions.kabupaten()[1])
    desa = tuple(d for k in kabupaten for d in regions.desa() if d.digits.startswith(k.digits))
    chosen = (*desa[:4], *[d for d in desa if d.digits.startswith(kabupaten[1].digits)][:3])
    period = this_month()
    truth = Truth({})
    rows = [
        (code, shift_period(period, -back), d, partition, numerator, denominator)
        for code, indicator in INDICATORS.items()
        if indicator.method != "quality"
        for back in range(3)
        for d in chosen
        for partition in (0, 1)
        for denominator in [rng.randint(6, 40)]
        for numerator in [rng.randint(0, denominator)]
    ]
    small = chosen[1]
    rows = [r for r in rows if not (r[0] == "stunting_prevalence" and r[1] == period and r[2] == small)]
    rows.append(("stunting_prevalence", period, small, 0, 1, 3))
    truth.write(store, rows)
    _outcomes(store, rng, chosen, period)
    return Seeded(truth, period, kabupaten, chosen, small)


def _outcomes(client: Client, rng: random.Random, desa: tuple[Region, ...], period: date) -> None:
    """Gateway outcomes this month, so the quality board has validity and timeliness to draw."""
    now = datetime.now(UTC)
    rows = []
    for n in range(40):
        d = desa[n % len(desa)]
        clean = rng.random() < 0.8
        rows.append([
            "child_measurement" if n % 2 else "family_risk", f"ev-{n}", "dinkes-5301/pkm-a", "dinkes", f"rec-{n}",
            d.digits, d.digits[:4], "clean" if clean else "quarantined", [] if clean else ["height_cm_out_of_range"],
            [], period, now, 0, 1,
        ])  # fmt: skip
    client.insert("satudata.record_outcome", rows, column_names=OUTCOME_COLUMNS)


class _ThreadServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the test process keeps its signals


@pytest.fixture
def live_api(store: Client) -> Iterator[str]:
    """The base URL of the real API app served by uvicorn in a thread, on a port the OS chose."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = create_app(store, Settings(environment="test"))
    server = _ThreadServer(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="board-api", daemon=True)
    thread.start()
    wait_until(lambda: server.started, "the API to start", 30)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


# Module-scoped: Playwright's sync driver is stopped before the rest of the session's tests run.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Watched:
    """A page, and everything it asked for and complained about."""

    page: Page
    requests: list[str]
    errors: list[str]

    def problems(self, origin: str) -> list[str]:
        foreign = [f"request outside {origin}: {url}" for url in self.requests if not url.startswith(origin + "/")]
        return foreign + self.errors


@pytest.fixture
def watched(chromium: Browser) -> Iterator[Watched]:
    context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="id-ID")
    page = context.new_page()
    seen = Watched(page, [], [])

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            seen.errors.append(f"console {message.type}: {message.text}")

    def on_failed(request: Request) -> None:
        seen.errors.append(f"request failed: {request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            seen.errors.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    yield seen
    context.close()
