"""Wiring shared by the composition root (cli.py) and the tests: infrastructure is built here from settings,
and nowhere else. Services receive what they need; they never build it themselves."""

from __future__ import annotations

from pathlib import Path

import faust

from satudata.settings import Settings
from services import faust_offsets


def make_faust_app(settings: Settings, app_id: str, *, datadir: Path | None = None) -> faust.App:
    """One Faust app per process; services register their agents on it.

    Raw bytes in and out (we decode whole batches ourselves), tables in memory and recovered from their
    Kafka changelogs at start, no Faust web server (the API is ours), every produce acknowledged by all replicas.
    """
    faust_offsets.apply()
    datadir = datadir or settings.var_dir / "faust" / app_id
    datadir.parent.mkdir(parents=True, exist_ok=True)  # Faust makes only the last level itself
    return faust.App(
        app_id,
        broker=f"kafka://{settings.kafka.bootstrap}",
        store="memory://",
        datadir=str(datadir),
        topic_partitions=settings.kafka.partitions,
        topic_replication_factor=1,
        key_serializer="raw",
        value_serializer="raw",
        producer_acks=-1,
        consumer_auto_offset_reset="earliest",
        web_enabled=False,
        autodiscover=False,
        stream_wait_empty=False,
        table_cleanup_interval=3600.0,
    )
