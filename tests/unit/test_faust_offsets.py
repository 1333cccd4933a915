"""The corrections services/faust_offsets.py makes to Faust's consumer: an offset is committed only when every
message before it was acknowledged. Faust's own versions are called beside them to show what they did."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from faust.transport.consumer import Consumer
from faust.types import TP
from intervaltree import IntervalTree
from mode.utils.queues import FlowControlEvent, FlowControlQueue

from services import faust_offsets

PARTITION = TP("satudata.raw.child_measurement.v1", 0)


class Offsets:
    """The bookkeeping Faust's consumer keeps per partition, which the two methods read and change."""

    def __init__(self, committed: int | None, acked: list[int]) -> None:
        self._committed_offset: dict[TP, int | None] = {PARTITION: committed}
        self._acked: dict[TP, list[int]] = {PARTITION: list(acked)}
        self._acked_index: dict[TP, set[int]] = {PARTITION: set(acked)}
        self._gap: defaultdict[TP, IntervalTree] = defaultdict(IntervalTree)
        self._read_offset = faust_offsets.RewindableOffsets()

    async def _seek(self, tp: TP, offset: int) -> None:
        pass


def test_the_message_at_the_committed_offset_must_be_done_first() -> None:
    # 100 is still being processed; 101 and 102 are done.
    assert faust_offsets.FAUST_NEW_OFFSET(Offsets(100, [101, 102]), PARTITION) == 103  # Faust skipped 100
    assert faust_offsets.new_offset(Offsets(100, [101, 102]), PARTITION) is None


def test_a_committed_offset_of_zero_is_checked_too() -> None:
    assert faust_offsets.FAUST_NEW_OFFSET(Offsets(0, [3, 4]), PARTITION) == 5  # Faust skipped 0, 1 and 2
    assert faust_offsets.new_offset(Offsets(0, [3, 4]), PARTITION) is None


def test_the_run_from_the_committed_offset_is_committed_and_the_rest_kept() -> None:
    offsets = Offsets(100, [103, 100, 101])
    assert faust_offsets.new_offset(offsets, PARTITION) == 102
    assert offsets._acked[PARTITION] == [103]
    assert offsets._acked_index[PARTITION] == {103}


def test_a_jump_in_offsets_is_not_taken_as_done() -> None:
    # After recovery sought the partition back to 27, message 75 came next: Faust took 28..75 as done.
    faust = Offsets(27, [27])
    asyncio.run(faust_offsets.FAUST_ADD_GAP(faust, PARTITION, 28, 75))
    faust._acked[PARTITION].append(75)  # 75, handed out next, is processed
    assert faust_offsets.FAUST_NEW_OFFSET(faust, PARTITION) == 76  # 28..74 committed, none of them processed

    ours = Offsets(27, [27])
    asyncio.run(faust_offsets.add_gap(ours, PARTITION, 28, 75))
    ours._acked[PARTITION].append(75)
    assert faust_offsets.new_offset(ours, PARTITION) == 28  # only 27 is done


class Seeking:
    """What the jump correction uses of Faust's consumer: its read offsets and its seek."""

    def __init__(self) -> None:
        self._read_offset = faust_offsets.RewindableOffsets()
        self.sought: list[tuple[TP, int]] = []

    async def _seek(self, tp: TP, offset: int) -> None:
        self.sought.append((tp, offset))


def test_a_jump_is_read_again_from_the_first_offset_it_skipped() -> None:
    consumer = Seeking()
    consumer._read_offset.update({PARTITION: 27})  # Faust's seek to the committed offset 27
    assert consumer._read_offset[PARTITION] == 26  # so 27 is the next in order, and 28 would be a jump
    asyncio.run(faust_offsets.add_gap(consumer, PARTITION, 27, 75))
    asyncio.run(faust_offsets.add_gap(consumer, PARTITION, 27, 76))  # the rest of the stale batch
    assert consumer.sought == [(PARTITION, 27)]  # once


def test_the_read_offset_is_held_until_the_re_read_catches_up() -> None:
    offsets = faust_offsets.RewindableOffsets()
    offsets.update({PARTITION: 27})
    assert offsets.rewind(PARTITION, 27, 75)
    offsets[PARTITION] = 75  # Faust records the message it hands out after the jump
    offsets[PARTITION] = 76  # and the rest of the batch it holds
    assert offsets[PARTITION] == 26  # so 27.. fetched again is not dropped as seen already
    for offset in range(27, 77):  # 75 and 76 come again too
        assert offsets[PARTITION] == offset - 1
        offsets[PARTITION] = offset
    assert offsets[PARTITION] == 76  # caught up: back to Faust's own bookkeeping
    assert offsets[TP("other", 0)] is None


def test_a_seek_ends_a_rewind() -> None:
    offsets = faust_offsets.RewindableOffsets()
    offsets.rewind(PARTITION, 28, 75)
    offsets.update({PARTITION: 40})
    assert offsets[PARTITION] == 39


def test_apply_puts_the_corrections_on_faust_s_consumer() -> None:
    faust_offsets.apply()
    consumer: Any = Consumer
    assert consumer._new_offset is faust_offsets.new_offset
    assert consumer._add_gap is faust_offsets.add_gap
    assert consumer.perform_seek is faust_offsets.perform_seek
    assert FlowControlEvent.resume is faust_offsets.resume  # type: ignore[comparison-overlap]


def test_resuming_flow_that_runs_already_keeps_the_queues() -> None:
    flow = FlowControlEvent(initially_suspended=False)
    handed_out = FlowControlQueue(clear_on_resume=True, flow_control=flow)
    handed_out.put_nowait("raw.population:2@3")
    faust_offsets.FAUST_RESUME(flow)
    assert handed_out.qsize() == 0  # mode's own resume emptied the queue while flow ran
    handed_out.put_nowait("raw.population:2@3")
    faust_offsets.resume(flow)
    assert handed_out.qsize() == 1  # kept

    flow.suspend()
    faust_offsets.resume(flow)
    assert handed_out.qsize() == 0 and flow.is_active()  # after a suspension, resuming empties as mode does
