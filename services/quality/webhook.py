"""Optional delivery of alerts to an HTTP endpoint (`SATUDATA_QUALITY__WEBHOOK_URL`): one POST of the alert's
JSON per alert, retried with exponential backoff. Delivery is best effort on top of the `alerts` table and the
quality topic, which stay the record: a failure is logged (status or error type only, never the payload) and
the watcher goes on."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import orjson

from satudata.logs import get_logger

log = get_logger(__name__)


class Webhook:
    def __init__(self, url: str, *, attempts: int = 4, timeout_s: float = 10.0, first_delay_s: float = 0.5) -> None:
        self.url = url
        self.attempts = attempts
        self.timeout_s = timeout_s
        self.first_delay_s = first_delay_s

    async def deliver(self, payload: dict[str, Any]) -> bool:
        """True once the endpoint answered 2xx; False after the last attempt failed."""
        body = orjson.dumps(payload)
        headers = {"content-type": "application/json"}
        delay = self.first_delay_s
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:
            for attempt in range(1, self.attempts + 1):
                failure: str
                try:
                    response = await client.post(self.url, content=body, headers=headers)
                    if response.is_success:
                        return True
                    failure = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    failure = type(exc).__name__
                log.warning("webhook delivery failed", attempt=attempt, of=self.attempts, failure=failure)
                if attempt < self.attempts:
                    await asyncio.sleep(delay)  # backoff between attempts, not a wait for a condition
                    delay *= 2
        log.error("webhook delivery given up", attempts=self.attempts, alert_id=payload.get("alert_id", ""))
        return False
