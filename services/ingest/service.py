"""The ingest use case: sort items into accepted and refused, publish the accepted, report both.

Plain data in, plain data out; the HTTP view only decodes the request and encodes this result.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import orjson

from satudata.access import ApiKey, agency_of, may_publish
from satudata.access.problems import not_allowed_to_publish
from satudata.events import feed_for_type
from satudata.logs import get_logger
from satudata.problems import Problem, ProblemError
from services.ingest import problems
from services.ingest.body import Body
from services.ingest.envelope import check_envelope, event_id_of, is_desa_code
from services.ingest.ports import Message, Publisher

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class Refused:
    index: int
    id: str | None
    problem: Problem

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "id": self.id, "problem": self.problem.to_dict()}


@dataclass(frozen=True, slots=True)
class Triage:
    accepted: list[dict[str, Any]]
    refused: list[Refused]


@dataclass(frozen=True, slots=True)
class Receipt:
    accepted: list[str]
    refused: list[Refused]

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "refused": [r.to_dict() for r in self.refused]}


def triage(items: list[Any]) -> Triage:
    """Check every envelope; an id already accepted earlier in the same request refuses the later item."""
    accepted: list[dict[str, Any]] = []
    refused: list[Refused] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        violations = check_envelope(item)
        if violations:
            problem = problems.invalid_envelope([v.to_dict() for v in violations])
            refused.append(Refused(index, event_id_of(item), problem))
        elif item["id"] in first_seen:
            refused.append(Refused(index, item["id"], problems.duplicate_id(item["id"], first_seen[item["id"]])))
        else:
            first_seen[item["id"]] = index
            accepted.append(item)
    return Triage(accepted, refused)


def kafka_key(event: dict[str, Any]) -> bytes | None:
    """The desa code: the subject, or, when a sender left the subject out, the data's desa_code.

    Reading desa_code only routes the message; judging it stays with the quality service.
    """
    for candidate in (event.get("subject"), event["data"].get("desa_code")):
        if is_desa_code(candidate):
            return candidate.encode()
    return None


def to_message(event: dict[str, Any]) -> Message:
    feed = feed_for_type(event["type"])
    assert feed is not None, "triage lets only known types through"
    return feed.raw_topic, kafka_key(event), orjson.dumps(event)


def not_covered(key: ApiKey, events: list[dict[str, Any]]) -> list[str]:
    """The `agency/feed` pairs of these (envelope-checked) events that the key may not publish, sorted."""
    pairs = set()
    for event in events:
        feed = feed_for_type(event["type"])
        assert feed is not None, "triage lets only known types through"
        pairs.add((agency_of(event["source"]), feed.name))
    return sorted(f"{agency}/{feed}" for agency, feed in pairs if not may_publish(key, agency, feed))


def ingest(body: Body, publisher: Publisher, key: ApiKey) -> Receipt:
    """Publish the accepted items and return once the broker confirmed them all.

    Raises ProblemError: 403 when the key does not cover every accepted item's agency and feed, 422 when nothing
    is acceptable (nothing is published in either case), 503 when the broker did not confirm (nothing is claimed
    accepted, so the client retries the whole request).
    """
    sorted_items = triage(body.items)
    refused_pairs = not_covered(key, sorted_items.accepted)
    if refused_pairs:
        log.info("ingest.not_covered", key_id=key.key_id, pairs=len(refused_pairs))
        raise ProblemError(not_allowed_to_publish(key.key_id, refused_pairs))
    if not sorted_items.accepted:
        log.info("ingest.refused_all", items=len(body.items))
        if body.single:
            raise ProblemError(sorted_items.refused[0].problem)
        raise ProblemError(problems.nothing_accepted([r.to_dict() for r in sorted_items.refused]))
    messages = [to_message(event) for event in sorted_items.accepted]
    try:
        publisher.publish(messages)
    except Exception as exc:
        # Whatever went wrong, delivery is unconfirmed; 503 with a retry is the one honest answer.
        log.warning("ingest.publish_failed", messages=len(messages), error=type(exc).__name__)
        raise ProblemError(problems.broker_unavailable()) from exc
    types = Counter(event["type"] for event in sorted_items.accepted)
    log.info(
        "ingest.published",
        key_id=key.key_id,
        accepted=len(sorted_items.accepted),
        refused=len(sorted_items.refused),
        types=dict(types),
    )
    return Receipt([event["id"] for event in sorted_items.accepted], sorted_items.refused)
