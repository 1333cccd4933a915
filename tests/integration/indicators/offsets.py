"""Waiting until a Faust app is idle: its consumer group has committed a topic up to the topic's end.

Stopping a Faust app while it holds a batch has been seen to hang in Faust's shutdown (the consumer stop
after a late changelog write). The app reads the whole clean topic, other tests' records included, so a test
waits for this before it stops the app.
"""

from __future__ import annotations

import time

from kafka import KafkaConsumer, TopicPartition


def wait_until_committed(bootstrap: str, group: str, topic: str, deadline_s: float = 90.0) -> None:
    """Until `group` has committed every partition of `topic` up to its end: all of it was processed."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False)
    # Only asked for the group's committed offsets: it never subscribes, so it never joins the group.
    group_reader = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        consumer.seek_to_end(*partitions)
        give_up = time.monotonic() + deadline_s
        while True:
            end = consumer.end_offsets(partitions)
            behind = {tp: end[tp] - (group_reader.committed(tp) or 0) for tp in partitions}
            if not any(lag > 0 for lag in behind.values()):
                return
            assert time.monotonic() < give_up, f"group {group} still behind on {topic}: {behind}"
            # Faust commits every few seconds; a poll that waits on the broker paces this loop.
            consumer.poll(timeout_ms=200)
    finally:
        consumer.close()
        group_reader.close()
