"""The one place that reaches into djust's private consumer internals.

djust's time-travel frames name a snapshot by its buffer position only, and
positions shift whenever the ring buffer evicts. A position looked up before
the frame is sent can be stale by the time djust applies it, while events keep
arriving. So the check happens where the frame is applied: :func:`install`
wraps ``LiveViewConsumer``'s three time-travel handlers (a class attribute
replacement, so djust's own consumer as projects route it is covered, and so is
every subclass, the package's :mod:`.remote` mixin included).

In the consumer's own turn, with no ``await`` before djust's handler takes the
snapshot, the wrapper:

* for a frame that carries the panel's ``ddt_event`` identity (``seq``, ``ts``,
  ``event``, ``ref`` of the row), finds event ``seq`` by its stable number
  (:mod:`.history`), checks that it is the row's event and rewrites the
  position; if the event is gone or is another one, djust's error frame says so
  and djust's handler is not called;
* for any frame (djust's own panel's too), remembers which event it names, and
  when djust acknowledges with ``time_travel_state`` (built by
  ``_build_time_travel_state``, also wrapped) records what the page now shows
  (:mod:`.shown`) and adds it to that frame as ``ddt_event``.

Frames without the identity pass through unchanged. Nothing here is on djust's
event path.
"""

from __future__ import annotations

import contextvars
import functools
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from djust.websocket import LiveViewConsumer

from . import history, shown
from .live import dotted_path

#: The frame key that carries the row's identity, and the ack's description.
IDENTITY_KEY = "ddt_event"
#: Marks a wrapped method and keeps djust's original.
ORIGINAL_ATTR = "__ddt_timetravel_original__"
ACK_BUILDER = "_build_time_travel_state"
MAX_SEQ = 2**53


@dataclass(frozen=True)
class Kind:
    """One of djust's time-travel frames: its handler, position key and what it does."""

    handler: str
    frame_type: str
    index_key: str
    verb: str


JUMP = Kind("handle_time_travel_jump", "time_travel_jump", "index", "restored")
COMPONENT_JUMP = Kind(
    "handle_time_travel_component_jump", "time_travel_component_jump", "index", "restored"
)
REPLAY = Kind("handle_forward_replay", "forward_replay", "from_index", "replayed")
KINDS = (JUMP, COMPONENT_JUMP, REPLAY)


class Refused(Exception):
    """The frame does not name the row's event; the message is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Identity:
    """What a timeline row shows of its event: number, time, name and client ref."""

    seq: int
    ts: float
    event: str
    ref: int | None

    @classmethod
    def parse(cls, raw: Any, verb: str) -> Identity:
        """The identity in a frame; Refused when it is not one the panel sends."""
        if isinstance(raw, dict):
            seq, ts, event, ref = (raw.get(k) for k in ("seq", "ts", "event", "ref"))
            if (
                _is_int(seq)
                and 1 <= seq <= MAX_SEQ
                and isinstance(ts, int | float)
                and not isinstance(ts, bool)
                and math.isfinite(ts)
                and isinstance(event, str)
                and (ref is None or _is_int(ref))
            ):
                return cls(seq=seq, ts=float(ts), event=event, ref=ref)
        raise Refused(
            f"The row's identity ({IDENTITY_KEY}) must be an object with seq, ts, event "
            f"and ref; nothing was {verb}."
        )

    def matches(self, snapshot: Any) -> bool:
        """True when ``snapshot`` is the event this identity describes."""
        same_event = snapshot.event_name == self.event and snapshot.ref == self.ref
        return same_event and snapshot.ts == self.ts


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Applying:
    """A frame djust is applying: the event it names, in stable numbers."""

    consumer: Any
    view: Any
    kind: Kind
    seq: int
    which: str
    component_id: str | None
    newest_seq: int
    event_name: str


_applying: contextvars.ContextVar[Applying | None] = contextvars.ContextVar(
    "ddt_timetravel_applying", default=None
)


def _debug() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "DEBUG", False))


def _find(
    view: Any, buffer: Any, identity: Identity, verb: str
) -> tuple[history.Window, history.Entry]:
    """The window, and event ``identity.seq`` where it is now if it is the row's event."""
    try:
        window, entries = history.read(view, buffer, identity.seq, identity.seq)
    except history.BufferBusy as exc:
        raise Refused(f"{exc} Nothing was {verb}.") from None
    if not entries:
        if identity.seq < window.head_seq:
            raise Refused(
                f"Event #{identity.seq} was evicted while you clicked; nothing was {verb}."
            )
        raise Refused(f"No event #{identity.seq} in this view's history; nothing was {verb}.")
    entry = entries[0]
    if not identity.matches(entry.snapshot):
        raise Refused(
            f"Event #{identity.seq} of this view is not the event the row shows (was the view "
            f"mounted again?): reload the panel; nothing was {verb}."
        )
    return window, entry


def prepare(consumer: Any, kind: Kind, data: dict[str, Any]) -> Applying | None:
    """Check and resolve a frame before djust applies it; None leaves it all to djust.

    With the panel's identity in ``data``, the position is rewritten to where the
    row's event is now, or Refused. Runs synchronously in the consumer's turn.
    """
    if not _debug() or not isinstance(data, dict):
        return None
    view = getattr(consumer, "view_instance", None)
    buffer = history.time_travel_buffer(view) if view is not None else None
    if IDENTITY_KEY in data:
        identity = Identity.parse(data[IDENTITY_KEY], kind.verb)
        if view is None:
            raise Refused(f"The page's view is gone: reload the page; nothing was {kind.verb}.")
        if buffer is None:
            raise Refused(f"Time travel is off for {dotted_path(view)}; nothing was {kind.verb}.")
        window, entry = _find(view, buffer, identity, kind.verb)
        data[kind.index_key] = entry.index
        seq, snapshot = entry.seq, entry.snapshot
    else:
        index = data.get(kind.index_key)
        if buffer is None or not _is_int(index):
            return None
        window = history.current_window(view, buffer)
        snapshot = buffer.jump(index) if index < window.length else None
        if snapshot is None:
            return None
        seq = window.head_seq + index
    component_id = data.get("component_id") if kind is COMPONENT_JUMP else None
    return Applying(
        consumer=consumer,
        view=view,
        kind=kind,
        seq=seq,
        which="before" if kind is REPLAY else str(data.get("which", "before")),
        component_id=component_id if isinstance(component_id, str) else None,
        newest_seq=window.last_seq,
        event_name=snapshot.event_name,
    )


def acknowledged(applying: Applying, buffer: Any) -> dict[str, Any]:
    """djust applied the frame: record what the page shows; describe it for the ack."""
    view = applying.view
    if applying.kind is REPLAY:
        # Frames are handled one at a time: the replay is the next event recorded.
        replay_seq = applying.newest_seq + 1
        window, entries = history.read(view, buffer, replay_seq, replay_seq)
        if entries and entries[0].snapshot.event_name == applying.event_name:
            serial = shown.record_replay(view, replay_seq, applying.seq)
            return {"seq": replay_seq, "replay_of": applying.seq, "serial": serial, "live": True}
        return {"replay_of": applying.seq, "live": True}
    restored = shown.Shown(
        seq=applying.seq,
        which=applying.which,
        component_id=applying.component_id,
        newest_seq=applying.newest_seq,
    )
    serial = shown.record_restore(view, restored)
    page, _, _ = shown.current(view, applying.newest_seq)
    return {
        "seq": applying.seq,
        "which": applying.which,
        "component_id": applying.component_id,
        "serial": serial,
        "live": page is None,
    }


Handler = Callable[[Any, dict[str, Any]], Awaitable[None]]


def _guarded(kind: Kind, original: Handler) -> Handler:
    @functools.wraps(original)
    async def guarded(self: Any, data: dict[str, Any]) -> None:
        refusal = None
        try:
            applying = prepare(self, kind, data)
        except Refused as exc:
            applying, refusal = None, exc.message
        if refusal is not None:  # sent outside the except block: no traceback attached
            await self.send_error(refusal, event=kind.frame_type)
            return
        if applying is None:
            await original(self, data)
            return
        token = _applying.set(applying)
        try:
            await original(self, data)
        finally:
            _applying.reset(token)

    setattr(guarded, ORIGINAL_ATTR, original)
    return guarded


def _acknowledging(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    @functools.wraps(original)
    def build(self: Any, view: Any, buffer: Any, cursor: int, which: str) -> dict[str, Any]:
        frame = original(self, view, buffer, cursor, which)
        applying = _applying.get()
        if applying is not None and applying.consumer is self and applying.view is view:
            frame[IDENTITY_KEY] = acknowledged(applying, buffer)
        return frame

    setattr(build, ORIGINAL_ATTR, original)
    return build


def install(consumer_class: type = LiveViewConsumer) -> None:
    """Wrap the time-travel handlers of ``consumer_class`` (djust's consumer); idempotent."""
    for kind in KINDS:
        current = getattr(consumer_class, kind.handler)
        if not hasattr(current, ORIGINAL_ATTR):
            setattr(consumer_class, kind.handler, _guarded(kind, current))
    builder = getattr(consumer_class, ACK_BUILDER)
    if not hasattr(builder, ORIGINAL_ATTR):
        setattr(consumer_class, ACK_BUILDER, _acknowledging(builder))


def installed(consumer_class: type = LiveViewConsumer) -> bool:
    """True when every wrapper is in place on ``consumer_class``."""
    names = [kind.handler for kind in KINDS] + [ACK_BUILDER]
    return all(hasattr(getattr(consumer_class, name), ORIGINAL_ATTR) for name in names)
