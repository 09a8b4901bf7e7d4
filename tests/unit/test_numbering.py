"""Stable event numbers over djust's real ring buffer, including eviction."""

from __future__ import annotations

import pytest
from djust.time_travel import EventSnapshot, TimeTravelBuffer

from ddt_timetravel import _djust
from ddt_timetravel.core import numbering


class Owner:
    """Any weak-referenceable object can own a buffer; views are the real owners."""


def snap(name: str, ts: float = 0.0) -> EventSnapshot:
    return EventSnapshot(event_name=name, params={}, ref=None, ts=ts, state_before={})


def fill(buffer: TimeTravelBuffer, start: int, stop: int) -> None:
    for number in range(start, stop + 1):
        buffer.append(snap(f"e{number}", ts=float(number)))


def names(entries: list[numbering.Entry]) -> list[str]:
    return [entry.snapshot.event_name for entry in entries]


def test_numbers_start_at_one_and_follow_append_order():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=10)
    fill(buffer, 1, 3)
    window, entries = numbering.read(owner, buffer, first_seq=1)
    assert (window.head_seq, window.length, window.capacity) == (1, 3, 10)
    assert [(e.seq, e.index) for e in entries] == [(1, 0), (2, 1), (3, 2)]
    assert names(entries) == ["e1", "e2", "e3"]


def test_read_after_returns_only_newer_events():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=10)
    fill(buffer, 1, 3)
    numbering.read(owner, buffer, first_seq=1)
    fill(buffer, 4, 5)
    window, entries = numbering.read(owner, buffer, first_seq=4)
    assert window.last_seq == 5
    assert names(entries) == ["e4", "e5"]


def test_numbers_survive_eviction():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=5)
    fill(buffer, 1, 5)
    numbering.read(owner, buffer, first_seq=1)
    fill(buffer, 6, 8)  # evicts e1..e3
    window, entries = numbering.read(owner, buffer, first_seq=1)
    assert (window.head_seq, window.last_seq, window.length) == (4, 8, 5)
    assert [(e.seq, e.index, e.snapshot.event_name) for e in entries] == [
        (4, 0, "e4"),
        (5, 1, "e5"),
        (6, 2, "e6"),
        (7, 3, "e7"),
        (8, 4, "e8"),
    ]


def test_more_new_events_than_capacity_continue_the_numbering():
    """Events evicted before the panel ever saw them cannot be counted; numbers stay
    increasing and contiguous over what the buffer holds, so positions stay right."""
    owner, buffer = Owner(), TimeTravelBuffer(max_events=5)
    fill(buffer, 1, 5)
    numbering.read(owner, buffer, first_seq=1)
    fill(buffer, 6, 12)  # e1..e7 evicted, e6 and e7 never seen
    window, entries = numbering.read(owner, buffer, first_seq=6)
    assert (window.head_seq, window.last_seq) == (6, 10)
    assert names(entries) == ["e8", "e9", "e10", "e11", "e12"]
    assert [e.index for e in entries] == [0, 1, 2, 3, 4]


def test_locating_one_event_after_eviction_gives_its_current_position():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=5)
    fill(buffer, 1, 5)
    numbering.read(owner, buffer, first_seq=1)
    fill(buffer, 6, 8)
    window, entries = numbering.read(owner, buffer, first_seq=6, last_seq=6)
    assert [(e.seq, e.index, e.snapshot.event_name) for e in entries] == [(6, 2, "e6")]
    assert buffer.jump(entries[0].index).event_name == "e6"
    assert window.index_of(3) is None  # evicted


def test_evicted_event_is_not_returned():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=3)
    fill(buffer, 1, 3)
    numbering.read(owner, buffer, first_seq=1)
    fill(buffer, 4, 6)
    _, entries = numbering.read(owner, buffer, first_seq=2, last_seq=2)
    assert entries == []


def test_each_owner_has_its_own_numbers():
    first, second = Owner(), Owner()
    buffer_a, buffer_b = TimeTravelBuffer(max_events=10), TimeTravelBuffer(max_events=10)
    fill(buffer_a, 1, 4)
    fill(buffer_b, 1, 2)
    assert numbering.read(first, buffer_a, 1)[0].last_seq == 4
    assert numbering.read(second, buffer_b, 1)[0].last_seq == 2


def test_cleared_buffer_keeps_numbers_increasing():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=10)
    fill(buffer, 1, 3)
    numbering.read(owner, buffer, 1)
    buffer.clear()
    window, entries = numbering.read(owner, buffer, 1)
    assert (window.length, entries) == (0, [])
    fill(buffer, 4, 4)
    window, entries = numbering.read(owner, buffer, 1)
    assert [(e.seq, e.index) for e in entries] == [(4, 0)]


def test_previous_timestamp_reads_the_event_before():
    owner, buffer = Owner(), TimeTravelBuffer(max_events=10)
    fill(buffer, 1, 3)
    _, entries = numbering.read(owner, buffer, first_seq=2)
    assert numbering.previous_timestamp(buffer, entries[0]) == 1.0
    _, first = numbering.read(owner, buffer, first_seq=1, last_seq=1)
    assert numbering.previous_timestamp(buffer, first[0]) is None


def test_refresh_walks_only_over_new_events():
    """Cost follows what changed: reading one new event touches few positions."""
    owner = Owner()

    class CountingBuffer(TimeTravelBuffer):
        jumps = 0

        def jump(self, index):
            CountingBuffer.jumps += 1
            return super().jump(index)

    buffer = CountingBuffer(max_events=1000)
    fill(buffer, 1, 1000)
    numbering.read(owner, buffer, first_seq=1)
    buffer.append(snap("new"))  # evicts e1
    CountingBuffer.jumps = 0
    _, entries = numbering.read(owner, buffer, first_seq=1001)
    assert names(entries) == ["new"]
    assert CountingBuffer.jumps < 10


@pytest.mark.parametrize("view_buffer", [None, "not a buffer"])
def test_time_travel_buffer_is_none_when_off(view_buffer):
    owner = Owner()
    owner._time_travel_buffer = view_buffer
    assert _djust.time_travel_buffer(owner) is None
