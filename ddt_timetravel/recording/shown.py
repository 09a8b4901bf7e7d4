"""What the page shows, as djust last applied it: per view, in stable event numbers.

The socket guard (:mod:`._djust`) records every restore and replay djust
carries out, whoever sent the frame (this panel, djust's own panel, a test),
at the moment djust acknowledges it. The timeline then tells the truth even
when the restore happened before the panel opened, and names the event a
replay came from because the replay frame said so, never by guessing.

A record is a few numbers per view, held weakly by the view: a restore stops
describing the page as soon as a later event is recorded (that event continues
from the restored state, and the page is live again).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

#: Replay origins kept per view; older ones have long left any buffer.
MAX_REPLAYS = 1000


@dataclass(frozen=True)
class Shown:
    """A restored state on the page: event ``seq``'s ``which`` state, whole or one component."""

    seq: int
    which: str
    component_id: str | None
    #: The newest event when djust restored: a later one means live again.
    newest_seq: int
    #: Set when the state came from an earlier session (its label): ``seq`` is that session's.
    earlier: str | None = None

    @property
    def whole_view(self) -> bool:
        """True when the whole view was put back, not one component."""
        return self.component_id is None


@dataclass
class _Record:
    shown: Shown | None = None
    #: Bumped on every change, so the browser can tell a newer answer from an older one.
    serial: int = 0
    replays: dict[int, int] = field(default_factory=dict)


_records: weakref.WeakKeyDictionary[Any, _Record] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _record_for(view: Any) -> _Record:
    record = _records.get(view)
    if record is None:
        record = _records[view] = _Record()
    return record


def record_restore(view: Any, shown: Shown) -> int:
    """djust restored ``shown`` onto ``view``; return the new serial."""
    with _lock:
        record = _record_for(view)
        record.shown = shown
        record.serial += 1
        return record.serial


def record_replay(view: Any, replay_seq: int, origin_seq: int) -> int:
    """djust replayed event ``origin_seq`` as the new event ``replay_seq``; return the serial.

    The page shows the replay's after-state: the newest, so it is live (on a branch).
    """
    with _lock:
        record = _record_for(view)
        record.shown = None
        record.serial += 1
        record.replays[replay_seq] = origin_seq
        if len(record.replays) > MAX_REPLAYS:
            for old in sorted(record.replays)[: len(record.replays) - MAX_REPLAYS]:
                del record.replays[old]
        return record.serial


def current(view: Any, newest_seq: int) -> tuple[Shown | None, int, bool]:
    """(what the page shows or None for live, serial, whether anything was ever recorded).

    ``newest_seq`` is the number of the newest event held now. A restore of the
    newest event's whole after-state is the live state too.
    """
    with _lock:
        record = _records.get(view)
        if record is None:
            return None, 0, False
        shown = record.shown
        if shown is not None and (
            newest_seq > shown.newest_seq
            or (
                shown.whole_view
                and shown.earlier is None
                and shown.which == "after"
                and shown.seq == newest_seq
            )
        ):
            shown = None
        return shown, record.serial, True


def replay_origin(view: Any, seq: int) -> int | None:
    """The event that event ``seq`` replays, if djust recorded it as a replay of one."""
    with _lock:
        record = _records.get(view)
        return record.replays.get(seq) if record is not None else None


def size() -> int:
    """Views with a record (for the leak checks)."""
    with _lock:
        return len(_records)
