"""The one place that reaches into djust's private internals.

**The socket guard.**
djust's time-travel frames name a snapshot by its buffer position only, and
positions shift whenever the ring buffer evicts. A position looked up before
the frame is sent can be stale by the time djust applies it, while events keep
arriving. So the check happens where the frame is applied: :func:`install`
wraps ``LiveViewConsumer``'s three time-travel handlers (a class attribute
replacement, so djust's own consumer as projects route it is covered, and so is
every subclass, the package's :mod:`.workers` mixin included).

In the consumer's own turn, with no ``await`` before djust's handler takes the
snapshot, the wrapper:

* for a frame that carries the panel's ``ddt_event`` identity (``seq``, ``ts``,
  ``event``, ``ref`` of the row), finds event ``seq`` by its stable number
  (:mod:`.numbering`), checks that it is the row's event and rewrites the
  position; if the event is gone or is another one, djust's error frame says so
  and djust's handler is not called. ``{"newest": true}`` on a jump ("Back to
  live") names whichever event is newest when the frame is applied;
* for any frame (djust's own panel's too), remembers which event it names, and
  when djust acknowledges with ``time_travel_state`` (built by
  ``_build_time_travel_state``, also wrapped) records what the page now shows
  (:mod:`.shown`) and adds it to that frame as ``ddt_event``.

Frames without the identity pass through unchanged.

**The turn measurement** (:mod:`.turns`), installed only where the panel shows
(:mod:`.recording.install`): djust offers no public hook around an event turn, so
:func:`install_turn_hooks` wraps a few methods of djust's consumer, its
WebSocket transport and its template mixin. Each does one context-variable
read and calls the original when no turn is measured. The same turn boundaries
carry the toolbar capture of events, replays and restores (:mod:`.toolbar_capture`).

**A view's time-travel attributes**: where djust keeps the ring buffer, the
branch, the mounting browser's session key and the component states, read by
:func:`time_travel_buffer` and its neighbours; nothing else in the package
names them.

Each access has a test in ``tests/unit/test_djust_internals.py`` that fails loudly
when a djust upgrade changes it.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from asgiref.sync import sync_to_async
from djust.time_travel import EventSnapshot, TimeTravelBuffer, restore_snapshot
from djust.websocket import LiveViewConsumer

from .core import limits, numbering
from .page import dotted_path
from .recording import shown, toolbar_capture, turns

logger = logging.getLogger(__name__)

#: The frame key that carries the row's identity, and the ack's description.
IDENTITY_KEY = "ddt_event"
#: The jump frame key that names a state of an earlier session (:func:`restore_earlier`).
EARLIER_KEY = "ddt_earlier"
#: The jump frame key that names an embedded child view (:func:`restore_child`).
CHILD_KEY = "ddt_child"
#: Marks a wrapped method and keeps djust's original.
ORIGINAL_ATTR = "__ddt_timetravel_original__"
ACK_BUILDER = "_build_time_travel_state"
MAX_SEQ = 2**53


# -- a view's time-travel attributes, where djust keeps them ------------------------

#: The ring buffer ``LiveView.__init__`` allocates when time travel is on.
BUFFER_ATTR = "_time_travel_buffer"
#: The branch djust records on, changed by a forward replay.
BRANCH_ATTR = "_time_travel_branch_id"
#: The Django session key of the browser that mounted the view (set at mount).
SESSION_KEY_ATTR = "_django_session_key"
#: The key under which ``_capture_snapshot_state`` records component states.
COMPONENTS_KEY = "__components__"


def time_travel_buffer(view: Any) -> TimeTravelBuffer | None:
    """The view's ring buffer, or None when time travel is off for it."""
    buffer = getattr(view, BUFFER_ATTR, None)
    return buffer if isinstance(buffer, TimeTravelBuffer) else None


def branch_id(view: Any) -> str:
    """The branch djust is recording on (``main`` until a forward replay)."""
    return str(getattr(view, BRANCH_ATTR, "main") or "main")


def mounting_session_key(view: Any) -> str | None:
    """The Django session key of the browser that mounted ``view``, if djust noted one."""
    key = getattr(view, SESSION_KEY_ATTR, None)
    return key if isinstance(key, str) else None


def framework_attributes() -> frozenset[str]:
    """Attributes djust itself puts on every view: never part of the recorded state."""
    try:
        from djust.live_view import _FRAMEWORK_INTERNAL_ATTRS
    except ImportError:  # pragma: no cover - a djust without the list
        return frozenset()
    return frozenset(_FRAMEWORK_INTERNAL_ATTRS)


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

    def matches(self, snapshot: EventSnapshot) -> bool:
        """True when ``snapshot`` is the event this identity describes."""
        same_event = snapshot.event_name == self.event and snapshot.ref == self.ref
        return same_event and snapshot.ts == self.ts


def _is_int(value: Any) -> TypeGuard[int]:
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
    #: The event itself, as the buffer holds it.
    snapshot: Any = None


_applying: contextvars.ContextVar[Applying | None] = contextvars.ContextVar(
    "ddt_timetravel_applying", default=None
)


def _debug() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "DEBUG", False))


def _find(
    view: Any, buffer: Any, identity: Identity, verb: str
) -> tuple[numbering.Window, numbering.Entry]:
    """The window, and event ``identity.seq`` where it is now if it is the row's event."""
    try:
        window, entries = numbering.read(view, buffer, identity.seq, identity.seq)
    except numbering.BufferBusy as exc:
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


def _refuse_too_deep(seq: int, snapshot: Any, which: str, verb: str, replay: bool = False) -> None:
    """Refused when the state a frame puts back (and, for a replay, its params) nests
    deeper than :data:`.limits.MAX_DEPTH`: djust's restore walks it recursively and
    would fail with a RecursionError (its traceback logged, its text sent as the error).
    """
    state = snapshot.state_before if which == "before" else snapshot.state_after
    if limits.too_deep(state) or (replay and limits.too_deep(snapshot.params)):
        raise Refused(
            f"Event #{seq} is nested more than {limits.MAX_DEPTH} levels deep: djust cannot "
            f"put it back; nothing was {verb}."
        )


def _newest_entry(view: Any, buffer: Any) -> tuple[numbering.Window, numbering.Entry]:
    """The newest event, for "Back to live": whichever it is when djust applies the frame."""
    try:
        window = numbering.current_window(view, buffer)
    except numbering.BufferBusy as exc:
        raise Refused(f"{exc} Nothing was restored.") from None
    snapshot = buffer.jump(window.length - 1) if window.length else None
    if snapshot is None:
        raise Refused("No event is recorded yet: the page is live; nothing was restored.")
    return window, numbering.Entry(seq=window.last_seq, index=window.length - 1, snapshot=snapshot)


def prepare(consumer: Any, kind: Kind, data: dict[str, Any]) -> Applying | None:
    """Check and resolve a frame before djust applies it; None leaves it all to djust.

    With the panel's identity in ``data``, the position is rewritten to where the
    row's event is now, or Refused. Runs synchronously in the consumer's turn.
    """
    if not _debug() or not isinstance(data, dict):
        return None
    view = getattr(consumer, "view_instance", None)
    buffer = time_travel_buffer(view) if view is not None else None
    snapshot: EventSnapshot | None
    if IDENTITY_KEY in data:
        raw = data[IDENTITY_KEY]
        newest = kind is JUMP and isinstance(raw, dict) and raw.get("newest") is True
        identity = None if newest else Identity.parse(raw, kind.verb)
        if view is None:
            raise Refused(f"The page's view is gone: reload the page; nothing was {kind.verb}.")
        if buffer is None:
            raise Refused(f"Time travel is off for {dotted_path(view)}; nothing was {kind.verb}.")
        if identity is None:
            window, entry = _newest_entry(view, buffer)
        else:
            window, entry = _find(view, buffer, identity, kind.verb)
        data[kind.index_key] = entry.index
        seq, snapshot = entry.seq, entry.snapshot
    else:
        index = data.get(kind.index_key)
        if buffer is None or not _is_int(index):
            return None
        try:
            window = numbering.current_window(view, buffer)
        except numbering.BufferBusy:
            return None  # djust's own frame goes through, unrecorded
        snapshot = buffer.jump(index) if index < window.length else None
        if snapshot is None:
            return None
        seq = window.head_seq + index
    component_id = data.get("component_id") if kind is COMPONENT_JUMP else None
    which = "before" if kind is REPLAY else str(data.get("which", "before"))
    _refuse_too_deep(seq, snapshot, which, kind.verb, replay=kind is REPLAY)
    return Applying(
        consumer=consumer,
        view=view,
        kind=kind,
        seq=seq,
        which=which,
        component_id=component_id if isinstance(component_id, str) else None,
        newest_seq=window.last_seq,
        event_name=snapshot.event_name,
        snapshot=snapshot,
    )


def _name_capture(applying: Applying) -> None:
    """Name a captured restore or replay turn after its event, for the toolbar's History."""
    event = f"{applying.event_name} #{applying.seq}"
    if applying.kind is REPLAY:
        toolbar_capture.name(f"replay {event}", applying.snapshot)
    elif applying.which in ("before", "after"):  # djust refuses any other side
        before = applying.which == "before"
        toolbar_capture.name(f"restore {applying.which} {event}", applying.snapshot, before=before)


def acknowledged(applying: Applying, buffer: Any) -> dict[str, Any]:
    """djust applied the frame: record what the page shows; describe it for the ack."""
    view = applying.view
    if applying.kind is REPLAY:
        # Frames are handled one at a time: the replay is the next event recorded.
        replay_seq = applying.newest_seq + 1
        _, entries = numbering.read(view, buffer, replay_seq, replay_seq)
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
        if kind is JUMP and isinstance(data, dict) and EARLIER_KEY in data:
            await restore_earlier(self, data)
            return
        if kind is JUMP and isinstance(data, dict) and CHILD_KEY in data:
            await restore_child(self, data)
            return
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
        _name_capture(applying)
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
            # A buffer that never settles: the ack goes out as djust built it.
            with contextlib.suppress(numbering.BufferBusy):
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


# -- the turn measurement -----------------------------------------------------

#: Set on every measuring wrapper, so installing twice wraps once.
_MARK = "_ddt_timetravel_measured"

#: The djust functions that serialize one context variable for the template.
SERIALIZERS = frozenset(
    {"_jit_serialize_queryset", "_jit_serialize_model", "_jit_serialize_model_list"}
)

#: Frames whose first few characters say they carry a re-render to the browser.
_PATCH_FRAMES = ('{"type": "patch"', '{"type": "html_update"')


def serialized_variable(frame: Any) -> str | None:
    """The context variable djust's JIT serializer is working on in ``frame``, if any.

    Queries a djust template causes run while djust serializes the context
    for its Rust template engine (``djust/mixins/jit.py``), not inside a
    template node.
    """
    code = frame.f_code
    if code.co_name not in SERIALIZERS or not code.co_filename.endswith("jit.py"):
        return None
    variable = frame.f_locals.get("variable_name")
    return variable if isinstance(variable, str) else None


def _session_id(consumer: Any) -> str | None:
    session_id = getattr(consumer, "session_id", None)
    return session_id if isinstance(session_id, str) and session_id else None


def _recorded_view(consumer: Any) -> Any:
    """The consumer's view when its turns are worth measuring (DEBUG, time travel on)."""
    from django.conf import settings

    view = getattr(consumer, "view_instance", None)
    if not settings.DEBUG or view is None or time_travel_buffer(view) is None:
        return None
    return view


def _newest(view: Any) -> Any:
    buffer = time_travel_buffer(view)
    return buffer.jump(len(buffer) - 1) if buffer is not None and len(buffer) else None


def _wrap(owner: type, name: str, make: Callable[[Any], Any]) -> None:
    original = getattr(owner, name)
    if getattr(original, _MARK, False):
        return
    wrapper = functools.wraps(original)(make(original))
    setattr(wrapper, _MARK, True)
    setattr(owner, name, wrapper)


# -- the turns -----------------------------------------------------------------


def _keep_event(turn: turns.Turn, view: Any, before: Any) -> Any:
    if turn.snapshot is not None:
        turns.keep_for_snapshot(turn.snapshot, turn.cost())
    return turn.snapshot


def _keep_replay(turn: turns.Turn, view: Any, before: Any) -> Any:
    # The consumer handles one frame at a time: a snapshot that is new since
    # the frame arrived is the one this replay recorded.
    recorded = _newest(view)
    if recorded is not None and recorded is not before:
        turns.keep_for_snapshot(recorded, turn.cost())
        return recorded
    return None


def _keep_restore(turn: turns.Turn, view: Any, before: Any) -> Any:
    if turn.render_ms is not None:
        turns.keep_restore(view, turn.cost())
    return None


def _measured(kind: str, keep: Callable[[turns.Turn, Any, Any], Any]) -> Any:
    """Wrap a consumer handler of one client frame so its turn is measured.

    Every turn is also captured for the toolbar's own panels (:mod:`.toolbar_capture`)
    when that is on and the toolbar would show for the browser; a restore or
    replay turn is kept when the socket guard names it (:func:`_name_capture`).
    """

    def make(original: Any) -> Any:
        async def handle(self: Any, data: dict[str, Any]) -> Any:
            wanted = kind != "event" or data.get("type") == "event"
            view = _recorded_view(self) if wanted else None
            session_id = _session_id(self)
            if view is None or session_id is None:
                return await original(self, data)
            before = _newest(view) if kind == "replay" else None
            taken = None
            if toolbar_capture.wanted():
                taken = await toolbar_capture.begin(self, view)
            token = toolbar_capture.activate(taken) if taken is not None else None
            recorded = None
            try:
                with turns.measuring(session_id, kind) as turn:
                    if taken is not None:
                        turn.toolbar_id = taken.request_id
                    try:
                        return await original(self, data)
                    finally:
                        recorded = keep(turn, view, before)
            finally:
                if taken is not None and token is not None:
                    await toolbar_capture.end(taken, token, view, recorded)

        return handle

    return make


# -- what happens inside a turn ------------------------------------------------


def _snapshot_pushed(original: Any) -> Any:
    async def push(self: Any, view: Any, snapshot: Any) -> Any:
        # djust pushes the snapshot right after the handler returns or raises.
        turn = turns.current()
        if turn is not None and snapshot is not None:
            turn.snapshot = snapshot
            turn.end_handler()
        buffer = time_travel_buffer(view) if snapshot is not None else None
        if buffer is not None:
            numbering.number_if_free(view, buffer)
        return await original(self, view, snapshot)

    return push


def _handler_timed(original: Any) -> Any:
    def timed(self: Any, view: Any, event_name: str, duration_ms: float) -> Any:
        turn = turns.current()
        if turn is not None:
            turn.end_handler(float(duration_ms))
        return original(self, view, event_name, duration_ms)

    return timed


def render_entry() -> Any:
    """The code of the render wrapper: the top of a re-render's stack, once installed."""
    return _render_code


def _render_timed(original: Any) -> Any:
    def timed_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        turn = turns.current()
        if turn is None:
            return original(self, *args, **kwargs)
        if turn.handler_end is None and turn.kind == "replay":
            # A replay runs its handler inside djust's replay_event: all of the
            # turn before the re-render (restoring state_before included).
            turn.end_handler((time.perf_counter() - turn.started) * 1000)
        turn.phase = "render"
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            turn.add_render((time.perf_counter() - start) * 1000)

    global _render_code
    _render_code = timed_render.__code__
    return timed_render


_render_code: Any = None


def _frame_counted(original: Any) -> Any:
    async def send_frame(
        self: Any, text_data: str | None = None, bytes_data: bytes | None = None
    ) -> Any:
        turn = turns.current()
        if turn is not None:
            if text_data is not None and text_data.startswith(_PATCH_FRAMES):
                ascii_only = text_data.isascii()
                turn.add_patch(len(text_data) if ascii_only else len(text_data.encode("utf-8")))
            elif bytes_data is not None:
                turn.add_patch(len(bytes_data))
        return await original(self, text_data=text_data, bytes_data=bytes_data)

    return send_frame


def _state_with_cost(original: Any) -> Any:
    def build(self: Any, *args: Any, **kwargs: Any) -> Any:
        frame = original(self, *args, **kwargs)
        turn = turns.current()
        if turn is not None and isinstance(frame, dict):
            cost = turn.cost()
            frame["ddt_timetravel_cost"] = {
                "render_ms": cost.render_ms,
                "queries": len(cost.queries),
                "patch_bytes": cost.patch_bytes,
            }
        return frame

    return build


def install_turn_hooks() -> None:
    """Wrap djust's consumer so each event, replay and restore turn is measured."""
    from djust.mixins.template import TemplateMixin
    from djust.runtime import WSConsumerTransport

    _wrap(LiveViewConsumer, "_dispatch_runtime_owned", _measured("event", _keep_event))
    _wrap(LiveViewConsumer, "handle_forward_replay", _measured("replay", _keep_replay))
    restore = _measured("restore", _keep_restore)
    _wrap(LiveViewConsumer, "handle_time_travel_jump", restore)
    _wrap(LiveViewConsumer, "handle_time_travel_component_jump", restore)
    _wrap(LiveViewConsumer, "_maybe_push_tt_event", _snapshot_pushed)
    _wrap(LiveViewConsumer, "_send_frame", _frame_counted)
    _wrap(LiveViewConsumer, "_build_time_travel_state", _state_with_cost)
    _wrap(WSConsumerTransport, "on_handler_timing", _handler_timed)
    _wrap(TemplateMixin, "render_with_diff", _render_timed)
    toolbar_capture.install()


# -- "Check against current code" (:mod:`.replay_check`) ------------------------------


def captured_state(view: Any) -> dict[str, Any]:
    """The view's state as djust's time travel records it (``__components__`` included).

    ``_capture_snapshot_state`` is what ``record_event_start`` and ``record_event_end``
    call; djust documents it as exposed for testing and observability.
    """
    state: dict[str, Any] = view._capture_snapshot_state()
    return state


def component(view: Any, component_id: str) -> Any:
    """The LiveComponent an event's ``component_id`` names, as djust's consumer finds it."""
    registry = getattr(view, "_components", None) or {}
    return registry.get(component_id)


def pending_push_events(view: Any) -> list[tuple[str, Any]]:
    """``push_event`` calls queued on a view that no socket flushes."""
    return list(getattr(view, "_pending_push_events", None) or [])


# -- earlier sessions (:mod:`.earlier`) ---------------------------------------------


def _kept_on_disconnect(original: Any) -> Any:
    async def disconnect(self: Any, close_code: int, *args: Any, **kwargs: Any) -> Any:
        from .recording import earlier

        cause = "reload" if close_code == earlier.GOING_AWAY else "closed"
        try:
            earlier.view_went_away(getattr(self, "view_instance", None), cause)
        except Exception:  # keeping a copy must never break a disconnect
            logger.exception("ddt_timetravel: could not keep the timeline of a closed socket")
        return await original(self, close_code, *args, **kwargs)

    return disconnect


def _kept_on_redirect(original: Any) -> Any:
    async def redirect(self: Any, *args: Any, **kwargs: Any) -> Any:
        from .recording import earlier

        old_view = getattr(self, "view_instance", None)
        try:
            earlier.view_went_away(old_view, "redirect")
        except Exception:  # keeping a copy must never break navigation
            logger.exception("ddt_timetravel: could not keep the timeline before a redirect")
        return await original(self, *args, **kwargs)

    return redirect


def install_earlier_sessions() -> None:
    """Keep a view's last timeline when its socket closes or a live_redirect replaces it."""
    _wrap(LiveViewConsumer, "disconnect", _kept_on_disconnect)
    _wrap(LiveViewConsumer, "handle_live_redirect_mount", _kept_on_redirect)


# -- a state of an earlier session put into the current page (:mod:`.earlier`) -------


@dataclass(frozen=True)
class EarlierState:
    """The state a ``ddt_earlier`` frame names: kept session, event and side."""

    kept_id: str
    seq: int
    which: str

    @classmethod
    def parse(cls, raw: Any) -> EarlierState:
        """The frame's ``ddt_earlier``; Refused when it is not what the panel sends."""
        from .recording import earlier

        if isinstance(raw, dict):
            kept_id, seq, which = raw.get("id"), raw.get("seq"), raw.get("which", "after")
            if (
                isinstance(kept_id, str)
                and earlier.valid_id(kept_id)
                and _is_int(seq)
                and 1 <= seq <= MAX_SEQ
                and which in ("before", "after")
            ):
                return cls(kept_id, seq, which)
        raise Refused(
            f"{EARLIER_KEY} must be an object with an earlier session's id, an event's seq "
            "and which ('before' or 'after'); nothing was restored."
        )


def _earlier_snapshot(consumer: Any, wanted: EarlierState) -> tuple[Any, Any, Any]:
    """The view, the kept session and the recorded snapshot a restore puts back; Refused
    with the reason when it may not (DEBUG off, another browser, another class)."""
    from .recording import earlier

    if not _debug():
        raise Refused("time_travel requires DEBUG=True")
    view = getattr(consumer, "view_instance", None)
    if view is None:
        raise Refused("The page's view is gone: reload the page; nothing was restored.")
    kept = earlier.find_for_view(view, wanted.kept_id)
    if kept is None:
        raise Refused(
            "That earlier session is no longer kept for this browser; nothing was restored."
        )
    refusal = earlier.restore_refusal(kept, view)
    if refusal is not None:
        raise Refused(f"{refusal} Nothing was restored.")
    entry = next((e for e in kept.recorded_entries() if e.seq == wanted.seq), None)
    if entry is None:
        raise Refused(f"The earlier session holds no event #{wanted.seq}; nothing was restored.")
    _refuse_too_deep(wanted.seq, entry.snapshot, wanted.which, "restored")
    return view, kept, entry.snapshot


async def restore_earlier(consumer: Any, data: dict[str, Any]) -> None:
    """Put a state of an earlier session into the consumer's view, as djust's jump does.

    djust's jump names a position in the view's own buffer, which cannot name an
    earlier session's state. So this runs the steps of djust's
    ``handle_time_travel_jump`` itself, on the recorded (unmasked) snapshot:
    ``restore_snapshot``, ``render_with_diff``, ``_send_update`` with a version
    from ``_next_version_armed``, then the ``time_travel_state`` ack (the view's
    own buffer is untouched), carrying ``ddt_earlier`` so the panel knows.
    """
    try:
        wanted = EarlierState.parse(data.get(EARLIER_KEY))
        # In a thread: reading the kept states back parses up to the byte budget.
        view, kept, snapshot = await sync_to_async(_earlier_snapshot)(consumer, wanted)
    except Refused as exc:
        refusal: str | None = exc.message
    else:
        refusal = None
    if refusal is not None:  # sent outside the except block: no traceback attached
        await consumer.send_error(refusal, event=JUMP.frame_type)
        return
    if not await sync_to_async(restore_snapshot)(view, snapshot, wanted.which):
        await consumer.send_error("djust could not restore that state.", event=JUMP.frame_type)
        return
    try:
        html, patches, _ = await sync_to_async(view.render_with_diff)()
        patch_list = None if patches is None else (json.loads(patches) if patches else [])
        await consumer._send_update(
            patches=patch_list,
            html=html,
            version=consumer._next_version_armed(html),
            event_name="__time_travel_jump__",
        )
    except Exception as exc:  # dev-only, reported like djust's jump
        logger.exception("ddt_timetravel: re-render after an earlier state failed")
        # The panel shows this text: masked with what the restored event knows.
        context = [snapshot.params, snapshot.state_before, snapshot.state_after]
        told = kept.masker().mask_text(str(exc), context)
        await consumer.send_error(f"The re-render failed: {told}", event=JUMP.frame_type)
        return
    buffer = time_travel_buffer(view)
    assert buffer is not None  # earlier.restore_refusal() refused a view without one
    try:
        newest_seq = numbering.current_window(view, buffer).last_seq
    except numbering.BufferBusy:
        newest_seq = 0  # never settled: the page counts as live again at once
    restored = shown.Shown(wanted.seq, wanted.which, None, newest_seq, earlier=kept.label)
    serial = shown.record_restore(view, restored)
    frame = consumer._build_time_travel_state(view, buffer, max(len(buffer) - 1, 0), "after")
    frame[EARLIER_KEY] = {"id": kept.id, "seq": wanted.seq, "which": wanted.which, "serial": serial}
    await consumer.send_json(frame)


# -- embedded LiveViews (:mod:`.embedded`) ----------------------------------------------


def child_views(view: Any) -> dict[str, Any]:
    """The ``{view_id: child}`` LiveViews ``{% live_render %}`` registered on ``view``.

    ``_get_all_child_views`` is the registry djust's consumer routes an event's
    ``view_id`` through (``StickyChildRegistry``); a copy, as renders change it.
    """
    registry = getattr(view, "_get_all_child_views", None)
    return dict(registry()) if callable(registry) else {}


def _child_entry(consumer: Any, data: dict[str, Any]) -> tuple[Any, str, numbering.Entry, int]:
    """The embedded view, its id, the row's event in its buffer and the newest number;
    Refused when the frame does not name a child's held event."""
    if not _debug():
        raise Refused("time_travel requires DEBUG=True")
    view = getattr(consumer, "view_instance", None)
    view_id = data.get(CHILD_KEY)
    if view is None:
        raise Refused("The page's view is gone: reload the page; nothing was restored.")
    found = child_views(view).get(view_id) if isinstance(view_id, str) else None
    if found is None or not isinstance(view_id, str):
        raise Refused("The page has no such embedded view any more; nothing was restored.")
    buffer = time_travel_buffer(found)
    if buffer is None:
        raise Refused(f"Time travel is off for {dotted_path(found)}; nothing was restored.")
    which = data.get("which", "before")
    if which not in ("before", "after"):
        raise Refused("which must be 'before' or 'after'; nothing was restored.")
    raw = data.get(IDENTITY_KEY)
    if isinstance(raw, dict) and raw.get("newest") is True:
        window, entry = _newest_entry(found, buffer)
    else:
        window, entry = _find(found, buffer, Identity.parse(raw, JUMP.verb), JUMP.verb)
    _refuse_too_deep(entry.seq, entry.snapshot, which, JUMP.verb)
    return found, view_id, entry, window.last_seq


async def restore_child(consumer: Any, data: dict[str, Any]) -> None:
    """Restore an embedded ``{% live_render %}`` view to one of its own recorded states.

    djust's jump acts on ``consumer.view_instance`` only, but the child is a LiveView
    djust reaches by its ``view_id``: this restores it with djust's
    ``restore_snapshot`` and re-renders it the way djust answers a child's event
    (``render_embedded_child_html`` and an ``embedded_update`` frame), then acks
    with ``time_travel_state`` for the child's buffer. The row's event is found
    in the consumer's turn, before the first ``await``, as for the page's view.
    """
    from djust.websocket import render_embedded_child_html

    try:
        child, view_id, entry, newest_seq = _child_entry(consumer, data)
    except (Refused, numbering.BufferBusy) as exc:
        refusal = getattr(exc, "message", str(exc))
    else:
        refusal = None
    if refusal is not None:  # sent outside the except block: no traceback attached
        await consumer.send_error(refusal, event=JUMP.frame_type)
        return
    which = str(data.get("which", "before"))
    if not await sync_to_async(restore_snapshot)(child, entry.snapshot, which):
        await consumer.send_error("djust could not restore that state.", event=JUMP.frame_type)
        return
    html = await sync_to_async(render_embedded_child_html)(child)
    await consumer.send_json(
        {
            "type": "embedded_update",
            "view_id": view_id,
            "html": html,
            "event_name": "__time_travel_jump__",
        }
    )
    restored = shown.Shown(entry.seq, which, None, newest_seq)
    serial = shown.record_restore(child, restored)
    page, _, _ = shown.current(child, newest_seq)
    buffer = time_travel_buffer(child)
    frame = consumer._build_time_travel_state(child, buffer, entry.index, which)
    frame[IDENTITY_KEY] = {
        "seq": entry.seq,
        "which": which,
        "component_id": None,
        "serial": serial,
        "live": page is None,
        "child": view_id,
    }
    await consumer.send_json(frame)
