"""What one turn of one socket cost, measured while it runs.

A turn is everything the server does for one client frame: an event (its
handler, the re-render, the patch sent back), a forward replay, or a restore.
djust runs the handler and the render on ``sync_to_async`` worker threads,
which copy context variables, so a turn marked in a context variable is seen
by every query of that turn and by no other: another browser's turn runs in
its own context. One Django execute wrapper notes each query of the turn with
its params, time and source line; the consumer hooks in :mod:`._djust` time
the handler and the render and count the patch bytes.

The result is kept per recorded snapshot (weakly: it goes when djust evicts
the snapshot), and per view for the last restore. Nothing is measured outside
a turn, and nothing is kept for a turn that recorded no snapshot.
"""

from __future__ import annotations

import contextvars
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..conf import get_setting
from ..core.cost import EventCost, Thresholds, build_cost
from ..core.masking import Masker
from . import sql_source

#: At most this many queries are kept per turn; a runaway loop is reported as cut.
MAX_QUERIES = 1000


@dataclass(frozen=True)
class TurnQuery:
    """One query of a turn: SQL with placeholders, its params, time and source line."""

    sql: str
    params: tuple[Any, ...]
    ms: float
    source: str
    template: str
    phase: str


@dataclass(frozen=True)
class TurnCost:
    """What one turn cost; None where that part did not run or was not measured."""

    kind: str
    handler_ms: float | None
    render_ms: float | None
    patch_bytes: int | None
    queries: tuple[TurnQuery, ...]
    queries_cut: bool = False
    #: The toolbar's request id of this turn's capture (:mod:`.toolbar_capture`), if captured.
    toolbar_id: str | None = None


@dataclass
class Turn:
    """The running turn of one socket, filled in by the hooks as it goes."""

    session_id: str
    kind: str
    started: float = field(default_factory=time.perf_counter)
    phase: str = "handler"
    handler_ms: float | None = None
    handler_end: float | None = None
    render_ms: float | None = None
    patch_bytes: int | None = None
    patch_sent: float | None = None
    snapshot: Any = None
    queries: list[TurnQuery] = field(default_factory=list)
    queries_cut: bool = False
    #: False once the turn is over: background tasks started in the turn copy
    #: the context variable, and what they do later is not this event's cost.
    open: bool = True
    toolbar_id: str | None = None

    def end_handler(self, handler_ms: float | None = None) -> None:
        """The handler returned (or raised): what follows is the re-render."""
        if self.handler_end is None:
            self.handler_end = time.perf_counter()
        if handler_ms is not None:
            self.handler_ms = handler_ms
        self.phase = "render"

    def add_render(self, ms: float) -> None:
        """One render of the view in this turn (a turn may render more than once)."""
        self.render_ms = ms if self.render_ms is None else self.render_ms + ms

    def add_patch(self, size: int) -> None:
        """One patch or full-HTML frame sent to the browser in this turn."""
        self.patch_bytes = size if self.patch_bytes is None else self.patch_bytes + size
        if self.patch_sent is None:
            self.patch_sent = time.perf_counter()

    def cost(self) -> TurnCost:
        """The numbers of the finished turn."""
        render_ms = self.render_ms
        if render_ms is None and self.handler_end is not None and self.patch_sent is not None:
            # A render djust did not time (a component-scoped patch): from the
            # handler's end to the patch leaving.
            render_ms = (self.patch_sent - self.handler_end) * 1000
        return TurnCost(
            kind=self.kind,
            handler_ms=self.handler_ms,
            render_ms=render_ms,
            patch_bytes=self.patch_bytes,
            queries=tuple(self.queries),
            queries_cut=self.queries_cut,
            toolbar_id=self.toolbar_id,
        )


_current: contextvars.ContextVar[Turn | None] = contextvars.ContextVar(
    "ddt_timetravel_turn", default=None
)


def current() -> Turn | None:
    """The turn this code runs in, or None outside every measured turn."""
    turn = _current.get()
    return turn if turn is not None and turn.open else None


@contextmanager
def measuring(session_id: str, kind: str) -> Iterator[Turn]:
    """Mark the code inside as one turn of socket ``session_id``."""
    turn = Turn(session_id=session_id, kind=kind)
    if kind == "restore":
        turn.phase = "restore"
    token = _current.set(turn)
    try:
        yield turn
    finally:
        turn.open = False
        _current.reset(token)


def record_query(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
    """Django execute wrapper: note each query of a measured turn; others pass through."""
    turn = _current.get()
    if turn is None or not turn.open:
        return execute(sql, params, many, context)
    start = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        ms = (time.perf_counter() - start) * 1000
        if len(turn.queries) < MAX_QUERIES:
            source, template = sql_source.query_source(turn.phase == "render")
            turn.queries.append(
                TurnQuery(
                    sql=str(sql),
                    params=_params(params, many),
                    ms=ms,
                    source=source,
                    template=template,
                    phase=turn.phase,
                )
            )
        else:
            turn.queries_cut = True


def _params(params: Any, many: Any) -> tuple[Any, ...]:
    if params is None:
        return ()
    if many:
        return (f"{sum(1 for _ in params)} rows",) if isinstance(params, (list, tuple)) else ()
    if isinstance(params, dict):
        return (dict(params),)
    return tuple(params)


# -- results, kept while djust holds the snapshot or the view ----------------------

# Snapshots are dataclasses that compare by value (unhashable): keyed by id,
# with a weak reference that drops the entry when djust lets the snapshot go.
_by_snapshot: dict[int, tuple[weakref.ref[Any], TurnCost]] = {}
_last_restore: weakref.WeakKeyDictionary[Any, TurnCost] = weakref.WeakKeyDictionary()
# Re-entrant: a weak reference's callback may run inside a locked block of this
# thread (a collection triggered there).
_lock = threading.RLock()


def _forget(key: int, ref: weakref.ref[Any]) -> None:
    with _lock:
        held = _by_snapshot.get(key)
        if held is not None and held[0] is ref:
            del _by_snapshot[key]


def keep_for_snapshot(snapshot: Any, cost: TurnCost) -> None:
    """Attach a finished turn's cost to the snapshot djust recorded in that turn."""
    key = id(snapshot)
    ref = weakref.ref(snapshot, lambda dead: _forget(key, dead))
    with _lock:
        _by_snapshot[key] = (ref, cost)


def for_snapshot(snapshot: Any) -> TurnCost | None:
    """The cost of the turn that recorded ``snapshot``, if one was measured."""
    with _lock:
        held = _by_snapshot.get(id(snapshot))
    return held[1] if held is not None and held[0]() is snapshot else None


def keep_restore(view: Any, cost: TurnCost) -> None:
    """Remember the re-render cost of the last restore of ``view``."""
    with _lock:
        _last_restore[view] = cost


def last_restore(view: Any) -> TurnCost | None:
    """The re-render cost of the last restore of ``view``, if one was measured."""
    with _lock:
        return _last_restore.get(view)


# -- the cost of a live event, from the turn that recorded it -------------------------


def cost_thresholds() -> Thresholds:
    """The project's ``SLOW_EVENT_MS`` and ``MANY_QUERIES``."""
    return Thresholds(
        slow_ms=float(get_setting("SLOW_EVENT_MS")), many_queries=int(get_setting("MANY_QUERIES"))
    )


def event_cost(snapshot: Any, masker: Masker) -> EventCost:
    """The cost of one live event, from the turn of this socket that recorded it."""
    return build_cost(snapshot, for_snapshot(snapshot), masker, cost_thresholds())


def event_costs(snapshots: Sequence[Any], masker: Masker) -> list[EventCost]:
    """The costs of live events in recorded order, each state serialised once.

    An event usually starts from the state the previous one left: when the two
    are equal, the before-state's size is the previous after-state's.
    """
    thresholds = cost_thresholds()
    costs: list[EventCost] = []
    previous: Any = None
    for snapshot in snapshots:
        before_bytes = None
        if previous is not None and snapshot.state_before == previous.state_after:
            before_bytes = costs[-1].state_bytes
        costs.append(build_cost(snapshot, for_snapshot(snapshot), masker, thresholds, before_bytes))
        previous = snapshot
    return costs
