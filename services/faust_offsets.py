"""At least once for Faust's stream partitions: four corrections to faust-streaming's consumer (0.15), applied
when the first app is made (services/bootstrap.py).

What went wrong (tests/integration/faults, SIGKILL mid-stream, lost records in 2 of 3 runs): after a restart
or a rebalance, Faust seeks a stream partition to its committed offset while records fetched before the seek are
still being handed out. Those arrive ahead (a partition went 27 → 75). Faust then (a) records the offsets it
jumped, and the message itself, as acknowledged ("gaps", meant for compacted topics and transaction markers),
and (b) drops the records fetched again from the committed offset as seen already, because its read offset moved
past them. Messages 27..74 were never processed, and 28..75 were committed as done.

1. A jump is re-read (`_add_gap`, `RewindableOffsets`): nothing is recorded as done (our stream topics are
   neither compacted nor transactional, so a true gap cannot happen), the partition is sought back to the first
   skipped offset, and the read offset is held there until the re-read has caught up with the highest offset
   handed out. Messages in between come twice, which every stage here absorbs (at least once, by design).
2. A jump is seen (`perform_seek`): after a seek the read offset is the one before the committed offset (Faust
   set the committed offset itself, so skipping exactly that message went unseen), and a partition with nothing
   committed starts from its log start (Faust left it unknown, and took whatever came first).
3. Commit only from the committed offset (`_new_offset`): Faust skips its check when the committed offset is 0
   and lets `min(acked) - committed == 1` through, committing past an unacknowledged message at the committed
   offset. Here the offset committed is the end of a run of acknowledged offsets that starts at the committed one.

4. Keep what was handed out (`FlowControlEvent.resume`): at the end of table recovery Faust seeks the stream
   partitions to their committed offsets, hands messages from there into the agents' queues, and then calls
   `app.flow_control.resume()`, which in mode empties every stream queue even when flow is running already. Those
   messages were gone before `take_events` saw them, and Faust dropped them when fetched again (its read offset
   had moved past them): never processed, and the partition's commit stuck there until the next restart (found
   by instrumenting the SIGKILL test: raw.population:2 offsets 3-4 handed out at 39.36 s, the queues emptied at
   39.38 s, the re-fetched copies dropped at 205 s). Here resume empties the queues only when flow was
   suspended; a rebalance still empties them (Faust's revocation clears the flow control itself).

tests/unit/test_faust_offsets.py shows each on Faust's consumer; an upgrade of faust-streaming must re-run it.
"""

from __future__ import annotations

from typing import Any

from faust.transport.consumer import Consumer
from faust.types import TP
from faust.utils.functional import consecutive_numbers
from mode.utils.queues import FlowControlEvent

from satudata.logs import get_logger

log = get_logger(__name__)
_applied = False
#: Faust's own versions, kept to show what they did (tests/unit/test_faust_offsets.py) and to wrap.
FAUST_NEW_OFFSET = Consumer._new_offset
FAUST_ADD_GAP = Consumer._add_gap
FAUST_PERFORM_SEEK = Consumer.perform_seek
FAUST_RESUME = FlowControlEvent.resume


class RewindableOffsets(dict[TP, int | None]):
    """Faust's per-partition read offsets (the last offset handed out: a lower one is dropped as seen already, a
    higher one after a hole is a jump), able to hold a partition's read offset back after a jump until the re-read
    has caught up with the highest offset handed out."""

    def __init__(self) -> None:
        super().__init__()
        self._floor: dict[TP, int] = {}  # the last offset re-read in order since the jump
        self._high: dict[TP, int] = {}  # the highest offset handed out

    def __missing__(self, tp: TP) -> int | None:
        return None

    def __getitem__(self, tp: TP) -> int | None:
        if tp in self._floor:
            return self._floor[tp]
        return super().__getitem__(tp)

    def __setitem__(self, tp: TP, offset: int | None) -> None:
        super().__setitem__(tp, offset)
        if offset is None or tp not in self._floor:
            return
        if offset == self._floor[tp] + 1:
            self._floor[tp] = offset
        self._high[tp] = max(self._high[tp], offset)
        if self._floor[tp] >= self._high[tp]:
            del self._floor[tp], self._high[tp]

    def rewind(self, tp: TP, first_skipped: int, handed_out: int) -> bool:
        """Hold the read offset just before `first_skipped`; False if a rewind is already under way."""
        if tp in self._floor:
            self._high[tp] = max(self._high[tp], handed_out)
            return False
        self._floor[tp] = first_skipped - 1
        self._high[tp] = handed_out
        return True

    def update(self, *args: Any, **kwargs: Any) -> None:
        """After a seek to the committed offsets (the next to read): the last read is the one before, so that a
        record ahead of the committed offset is a jump; no rewind holds any more."""
        for tp, offset in dict(*args, **kwargs).items():
            self.settle(tp, None if offset is None else offset - 1)

    def settle(self, tp: TP, last_read: int | None) -> None:
        self._floor.pop(tp, None)
        self._high.pop(tp, None)
        super().__setitem__(tp, last_read)

    def pop(self, tp: TP, *default: Any) -> Any:
        self._floor.pop(tp, None)
        self._high.pop(tp, None)
        return super().pop(tp, *default)


async def add_gap(self: Any, tp: TP, offset_from: int, offset_to: int) -> None:
    """Record nothing as done (offsets are committed once their messages are acknowledged), and re-read what the
    jump skipped: Faust calls this just before it hands out message `offset_to`."""
    offsets = self._read_offset
    if isinstance(offsets, RewindableOffsets) and offsets.rewind(tp, offset_from, offset_to):
        await self._seek(tp, offset_from)
        log.warning("offset jump: re-reading", topic=tp.topic, partition=tp.partition, span=(offset_from, offset_to))


async def perform_seek(self: Any) -> None:
    """Faust's seek to the committed offsets; a stream partition with none committed starts at its log start,
    which is then what it must hand out first (Faust leaves its read offset unknown, and so misses a jump)."""
    await FAUST_PERFORM_SEEK(self)
    offsets = self._read_offset
    if not isinstance(offsets, RewindableOffsets):
        return
    unknown = [
        tp for tp in self.assignment() if self.app.topics.acks_enabled_for(tp.topic) and dict.get(offsets, tp) is None
    ]
    for tp, start in (await self.earliest_offsets(*unknown) if unknown else {}).items():
        if start is not None and start >= 0:
            offsets.settle(tp, start - 1)


def _init_with_rewindable_offsets(original: Any) -> Any:
    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self._read_offset = RewindableOffsets()

    return init


def resume(self: Any) -> None:
    """mode's resume, which empties every stream queue, only when flow was suspended (see 4. above)."""
    if self.is_active():
        return  # flowing already: the queues hold messages handed out since the last seek
    FAUST_RESUME(self)


def new_offset(self: Any, tp: TP) -> int | None:
    """The offset to commit for `tp`: one past the run of acknowledged offsets that starts at the committed one."""
    acked: list[int] = self._acked[tp]
    if not acked:
        return None
    acked.sort()
    committed = self._committed_offset[tp]
    if committed is not None and acked[0] > committed:
        return None  # the message at the committed offset is not done yet
    run = next(consecutive_numbers(acked))
    del acked[: len(run)]
    self._acked_index[tp].difference_update(run)
    return run[-1] + 1


def apply() -> None:
    global _applied
    if not _applied:
        Consumer.__init__ = _init_with_rewindable_offsets(Consumer.__init__)  # type: ignore[method-assign]
        Consumer.perform_seek = perform_seek  # type: ignore[method-assign]
        Consumer._new_offset = new_offset  # type: ignore[method-assign]
        Consumer._add_gap = add_gap  # type: ignore[method-assign]
        FlowControlEvent.resume = resume  # type: ignore[method-assign]
        _applied = True
