"""Stable event numbers on top of djust's ring buffer.

djust's buffer only knows positions, and positions shift once old events are
evicted. The panel numbers every snapshot the first time it sees it (``seq``,
1-based, never reused within a view instance). Snapshots sit in the buffer in
append order, so the numbers are contiguous: ``buffer[i]`` is event
``head_seq + i``. One weak reference to the newest numbered snapshot is all the
state kept per view, and numbering walks back from the tail over new events
only, so a refresh costs the same with 10 or 1000 events held.

The buffer itself comes in as an argument: ``_djust.time_travel_buffer`` finds it.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from djust.time_travel import EventSnapshot, TimeTravelBuffer

_MAX_ATTEMPTS = 5
#: Larger than any event number: ``read`` from it returns the window alone.
MAX_SEQ = 2**62


class BufferBusy(RuntimeError):
    """The buffer changed under every attempt to read it consistently."""


@dataclass(frozen=True)
class Entry:
    """One buffered snapshot with its stable number and current position."""

    seq: int
    index: int
    snapshot: EventSnapshot
    #: The snapshot was altered for display (see :mod:`.limits`); restoring never uses it.
    altered: bool = False


@dataclass(frozen=True)
class Window:
    """What the buffer holds right now, in stable numbers."""

    head_seq: int
    length: int
    capacity: int

    @property
    def last_seq(self) -> int:
        """Number of the newest event held (``head_seq - 1`` when empty)."""
        return self.head_seq + self.length - 1

    def index_of(self, seq: int) -> int | None:
        """Current buffer position of event ``seq``, or None when not held."""
        index = seq - self.head_seq
        return index if 0 <= index < self.length else None


class _Tail:
    """The newest numbered snapshot of one view (weakly held) and its number."""

    __slots__ = ("lock", "ref", "seq", "__weakref__")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ref: weakref.ref[EventSnapshot] | None = None
        self.seq = 0

    def snapshot(self) -> EventSnapshot | None:
        """The newest numbered snapshot, while djust still holds it."""
        return self.ref() if self.ref is not None else None


_tails: weakref.WeakKeyDictionary[Any, _Tail] = weakref.WeakKeyDictionary()
_tails_lock = threading.Lock()


def _tail_for(view: Any) -> _Tail:
    with _tails_lock:
        tail = _tails.get(view)
        if tail is None:
            tail = _tails[view] = _Tail()
        return tail


def _count_new(buffer: TimeTravelBuffer, known: EventSnapshot | None, length: int) -> int:
    """How many of the newest ``length`` snapshots came after ``known``."""
    new_count = 0
    for index in range(length - 1, -1, -1):
        if buffer.jump(index) is known:
            break
        new_count += 1
    return new_count


def _advance(buffer: TimeTravelBuffer, tail: _Tail) -> int:
    """Give numbers to snapshots appended since the last look (tail lock held); the length."""
    length = len(buffer)
    new_count = _count_new(buffer, tail.snapshot(), length)
    if new_count:
        newest = buffer.jump(length - 1)
        if newest is not None:
            tail.ref = weakref.ref(newest)
            tail.seq += new_count
    return length


def _number_new(buffer: TimeTravelBuffer, tail: _Tail) -> Window:
    """Give numbers to snapshots appended since the last look; return the window."""
    length = _advance(buffer, tail)
    return Window(head_seq=tail.seq - length + 1, length=length, capacity=buffer.max_events)


def number_if_free(view: Any, buffer: TimeTravelBuffer) -> None:
    """Number the snapshot just recorded, unless a panel read holds the numbering now.

    Called in djust's turn after each recorded event, so numbers never fall behind
    when more events arrive between two panel reads than the buffer holds. It never
    waits: a read holding the lock checks the buffer again before it answers.
    """
    tail = _tail_for(view)
    if tail.lock.acquire(blocking=False):
        try:
            _advance(buffer, tail)
        finally:
            tail.lock.release()


def _unchanged(buffer: TimeTravelBuffer, window: Window, tail: _Tail) -> bool:
    if len(buffer) != window.length:
        return False
    return window.length == 0 or buffer.jump(window.length - 1) is tail.snapshot()


def read(
    view: Any, buffer: TimeTravelBuffer, first_seq: int, last_seq: int | None = None
) -> tuple[Window, list[Entry]]:
    """The window and the held entries numbered ``first_seq``..``last_seq`` (or newest).

    Retries while events arrive mid-read so positions and numbers always agree.
    """
    tail = _tail_for(view)
    for _ in range(_MAX_ATTEMPTS):
        with tail.lock:
            window = _number_new(buffer, tail)
            start = max(first_seq, window.head_seq)
            stop = window.last_seq if last_seq is None else min(last_seq, window.last_seq)
            entries = []
            for seq in range(start, stop + 1):
                snapshot = buffer.jump(seq - window.head_seq)
                if snapshot is None:
                    break
                entries.append(Entry(seq=seq, index=seq - window.head_seq, snapshot=snapshot))
            if _unchanged(buffer, window, tail):
                return window, entries
    raise BufferBusy("The time-travel buffer kept changing while it was read; try again.")


def current_window(view: Any, buffer: TimeTravelBuffer) -> Window:
    """What the buffer holds now, in stable numbers (new snapshots get theirs)."""
    return read(view, buffer, first_seq=MAX_SEQ)[0]


def newest_seq(view: Any, buffer: TimeTravelBuffer) -> int:
    """The number the newest event has or will get, read without numbering or waiting.

    For a label written inside djust's turn (:mod:`.toolbar_capture`): it takes no lock, so a
    panel request reading the buffer at that moment never holds up the event.
    """
    tail = _tail_for(view)
    while True:  # the pair read as one: a numbering in between changes both
        known, seq = tail.snapshot(), tail.seq
        if tail.snapshot() is known and tail.seq == seq:
            return seq + _count_new(buffer, known, len(buffer))


def previous_timestamp(buffer: TimeTravelBuffer, entry: Entry) -> float | None:
    """Time of the event just before ``entry``, for "time since previous"."""
    if entry.index == 0:
        return None
    before = buffer.jump(entry.index - 1)
    return before.ts if before is not None else None


def unrecorded_attributes(
    view: Any, buffer: TimeTravelBuffer, framework: frozenset[str]
) -> list[str]:
    """Public attributes of the live view missing from its newest snapshot.

    djust silently skips values that do not survive a JSON round trip, so these
    will not come back on restore. ``framework`` names djust's own attributes.
    """
    newest = buffer.jump(len(buffer) - 1) if len(buffer) else None
    if newest is None:
        return []
    recorded = newest.state_after or {}
    return sorted(
        key
        for key, value in vars(view).items()
        if not key.startswith("_")
        and key not in framework
        and key not in recorded
        and not callable(value)
    )
