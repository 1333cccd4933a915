"""Webhook delivery against a real HTTP server on 127.0.0.1: retried until 2xx, given up after the attempts,
and never a payload in the logs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest

from services.quality.webhook import Webhook

PAYLOAD = {"type": "alert", "alert_id": "validity:f:s::h", "message_en": "SECRET-DETAIL 5301045001240003"}


class Endpoint:
    """Answers each POST with the next status of `statuses` (the last one repeats) and keeps the bodies."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[bytes] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                endpoint.bodies.append(self.rfile.read(int(self.headers["content-length"])))
                status = endpoint.statuses[min(len(endpoint.bodies), len(endpoint.statuses)) - 1]
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def flaky() -> Iterator[Endpoint]:
    endpoint = Endpoint([500, 503, 200])
    yield endpoint
    endpoint.close()


@pytest.fixture
def down() -> Iterator[Endpoint]:
    endpoint = Endpoint([503])
    yield endpoint
    endpoint.close()


def test_retries_until_the_endpoint_accepts(flaky: Endpoint) -> None:
    webhook = Webhook(flaky.url, attempts=4, first_delay_s=0.01)
    assert asyncio.run(webhook.deliver(PAYLOAD)) is True
    assert len(flaky.bodies) == 3
    assert orjson.loads(flaky.bodies[-1]) == PAYLOAD


def test_gives_up_and_logs_no_payload(down: Endpoint, capsys: pytest.CaptureFixture[str]) -> None:
    webhook = Webhook(down.url, attempts=3, first_delay_s=0.01)
    assert asyncio.run(webhook.deliver(PAYLOAD)) is False
    assert len(down.bodies) == 3
    logged = capsys.readouterr()
    assert "503" in logged.out + logged.err
    assert "SECRET-DETAIL" not in logged.out + logged.err
    assert "5301045001240003" not in logged.out + logged.err


def test_an_unreachable_endpoint_is_a_failure_not_a_crash() -> None:
    endpoint = Endpoint([200])
    url = endpoint.url
    endpoint.close()  # nothing listens on that port any more
    assert asyncio.run(Webhook(url, attempts=2, first_delay_s=0.01).deliver(PAYLOAD)) is False
