"""Topics are created explicitly, with their partition count, because the broker never auto-creates one."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError, for_code

from satudata.events import TOPIC_CONFIGS, all_topics
from satudata.logs import get_logger
from satudata.settings import Settings, get_settings

log = get_logger(__name__)


@contextmanager
def admin_client(bootstrap: str, *, timeout_s: float = 30.0) -> Iterator[KafkaAdminClient]:
    ms = int(timeout_s * 1000)
    client = KafkaAdminClient(
        bootstrap_servers=bootstrap,
        client_id="satudata-admin",
        bootstrap_timeout_ms=ms,
        request_timeout_ms=ms,
    )
    try:
        yield client
    finally:
        client.close()


def describe_cluster(bootstrap: str, *, timeout_s: float = 5.0) -> dict[str, Any]:
    """The cluster's metadata (brokers, controller, cluster id): proof that a broker answers."""
    with admin_client(bootstrap, timeout_s=timeout_s) as admin:
        return admin.describe_cluster()


def topic_partitions(bootstrap: str, topics: Sequence[str] | None = None) -> dict[str, int]:
    """Partition count of each existing topic (of those named, or of all)."""
    with admin_client(bootstrap) as admin:
        described = admin.describe_topics(list(topics) if topics is not None else None)
    return {t["name"]: len(t["partitions"]) for t in described if t.get("error_code", 0) == 0}


def ensure_topics(
    bootstrap: str,
    topics: Sequence[str] | None = None,
    partitions: int | None = None,
    *,
    replication_factor: int = -1,
    timeout_s: float = 30.0,
) -> list[str]:
    """Create the topics that do not exist yet and wait until each has a leader; return those created.

    Defaults: every topic of the system (`satudata.events.all_topics()`), with the configured partition count.
    A replication factor of -1 leaves it to the broker's default.replication.factor, so the same call fits
    the single local broker and a real cluster. An existing topic is left as it is, even with another
    partition count: adding partitions moves keys (desa codes) to other partitions, which must be a decision.
    """
    names = list(dict.fromkeys(topics if topics is not None else all_topics()))
    if not names:
        return []
    count = partitions if partitions is not None else get_settings().kafka.partitions
    spec = {
        name: {
            "num_partitions": count,
            "replication_factor": replication_factor,
            "configs": TOPIC_CONFIGS.get(name, {}),
        }
        for name in names
    }
    created: list[str] = []
    with admin_client(bootstrap, timeout_s=timeout_s) as admin:
        response = admin.create_topics(spec, timeout_ms=int(timeout_s * 1000), raise_errors=False)
        for result in response["topics"]:
            error = for_code(result["error_code"])
            if result["error_code"] == 0:
                created.append(result["name"])
            elif error is not TopicAlreadyExistsError:
                raise error(f"topik {result['name']!r} tidak dibuat / topic not created: {result}")
        admin.wait_for_topics(names, timeout_ms=int(timeout_s * 1000))
        existing = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(names)}
    for name, have in existing.items():
        if name not in created and have != count:
            log.warning("kafka.topic_partitions_differ", topic=name, partitions=have, wanted=count)
    log.info("kafka.topics_ensured", created=len(created), existing=len(names) - len(created))
    return created


def ensure_all_topics(settings: Settings, *, bootstrap: str | None = None) -> list[str]:
    """Every topic of the system on the configured broker (or on `bootstrap`, e.g. an embedded broker)."""
    return ensure_topics(bootstrap or settings.kafka.bootstrap, all_topics(), settings.kafka.partitions)
