"""Each recorded event's turn, captured the way the toolbar captures a request.

The toolbar never sees WebSocket traffic, so its SQL, Templates, Cache and
Signals panels describe only the page's first GET. Here an event turn gets a
toolbar of its own: a synthetic request made from the view's (same path, user,
session, cookies, and the socket's client address for ``SHOW_TOOLBAR_CALLBACK``),
the enabled panels' instrumentation around the handler, the re-render and the
patch, then ``generate_stats`` with a stand-in response. The result lands in
the toolbar's own store under a fresh request id (bounded by its
``RESULTS_CACHE_SIZE``), where the History panel lists it and "Switch" shows it.

Two panels are fed per turn rather than per process, so that a concurrent turn
on another socket never lands in this one: every SQL query and every Django
template rendered while a captured turn runs is routed, through a context
variable that djust's ``sync_to_async`` threads inherit, to the panel of that
turn only. djust renders its own templates in Rust, which sends no
``template_rendered`` signal: the view's template is added to the Templates
panel with the masked state it was rendered from.

What every turn of one mounted view shares is worked out on its first captured
turn, in the ``sync_to_async`` thread (:class:`_Socket`): the toolbar's
``SHOW_TOOLBAR_CALLBACK`` answer, the synthetic request, the masker, the view's
template, and that thread's database connections made ready for routing. Later
turns of that view build their toolbar in the event loop, with no thread hop,
when the store is the toolbar's default ``MemoryStore``. Every panel's stats are
written to the store once, masked, when the turn ends (:mod:`.capture_store`).

Restores and replays are captured too, named for the History panel after the
event they restore or replay (:func:`name`).

Panels that need a real HTTP request or response (Headers, Request, Redirects,
Profiling) are left out for events, and so is this package's own panel; so are
Settings and Versions, which are the same for every event as for the page.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import functools
import logging
import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from ..conf import get_setting
from ..core.masking import Masker
from . import capture_store

if TYPE_CHECKING:
    from debug_toolbar.panels import Panel
    from debug_toolbar.toolbar import DebugToolbar

#: Panels that describe an HTTP request or response, or need a sync request: not for events.
HTTP_ONLY_PANELS = frozenset(
    {"HeadersPanel", "RequestPanel", "RedirectsPanel", "ProfilingPanel", "TimeTravelPanel"}
)
#: Panels that describe the process, the same for every event as for the page's
#: request; Settings alone would cost an event more than its handler and render.
PROCESS_PANELS = frozenset({"SettingsPanel", "VersionsPanel"})
SKIPPED_PANELS = HTTP_ONLY_PANELS | PROCESS_PANELS
#: Panels that read the clock when their stats are generated: that happens as the turn ends.
CLOCK_PANELS = frozenset({"TimerPanel"})
#: Panels whose stats are not generated when the turn is stored: the clocks, read
#: already, and History, whose entry the capture records itself.
OWN_STATS_PANELS = CLOCK_PANELS | {"HistoryPanel"}
logger = logging.getLogger(__name__)

#: Shown as the request method in the History panel ("WS increment #12").
METHOD = "WS"


@dataclass
class Capture:
    """One turn's toolbar while the turn runs."""

    toolbar: DebugToolbar
    request: HttpRequest
    panels: list[Any]
    sql: Any
    templates: Any
    routed: bool
    socket: _Socket
    #: False once the turn is over: background tasks started in the turn copy
    #: the context variable, and what they do later is not this event's.
    open: bool = True
    #: A restore's or replay's name in History (an event turn is named by its event).
    label: str | None = None
    #: The event a restore or replay names: its secrets are masked, its state shown.
    subject: Any = None
    #: A restore to the state before ``subject`` (otherwise the state after it is shown).
    before: bool = False

    @property
    def request_id(self) -> str:
        request_id = self.toolbar.request_id
        assert request_id is not None  # the toolbar's init_store() always sets one
        return request_id


_current: contextvars.ContextVar[Capture | None] = contextvars.ContextVar(
    "ddt_timetravel_capture", default=None
)


def current() -> Capture | None:
    """The capture of the turn this code runs in, if it is still running."""
    capture = _current.get()
    return capture if capture is not None and capture.open else None


# -- routing SQL and templates to the running turn's panels -------------------------


class _SQLRouter:
    """Stands where the toolbar puts its SQL panel: forwards to the running turn's panel."""

    def _panel(self) -> Any:
        capture = current()
        return capture.sql if capture is not None else None

    def record(self, **kwargs: Any) -> None:
        panel = self._panel()
        if panel is not None:
            panel.record(**kwargs)

    def new_transaction_id(self, alias: str) -> str | None:
        panel = self._panel()
        return panel.new_transaction_id(alias) if panel is not None else None

    def current_transaction_id(self, alias: str) -> str | None:
        panel = self._panel()
        return panel.current_transaction_id(alias) if panel is not None else None


SQL_ROUTER = _SQLRouter()
_routing_lock = threading.Lock()
#: Captured turns running now, and the connections routed for them. Connections
#: are per thread: these are those of the thread djust runs handlers and renders on.
_routing: dict[str, Any] = {"turns": 0, "connections": weakref.WeakSet()}


def _wrap_connections() -> None:
    """On the thread djust runs handlers and renders on: its connections can be routed."""
    from debug_toolbar.panels.sql.tracking import wrap_cursor
    from django.db import connections

    with _routing_lock:
        for connection in connections.all():
            wrap_cursor(connection)
            _routing["connections"].add(connection)
            if _routing["turns"] > 0:
                connection._djdt_logger = SQL_ROUTER  # type: ignore[attr-defined]


def _route_sql() -> None:
    """A captured turn starts: queries on the connections made ready go through the router.

    Plain attribute writes, from any thread, like :func:`_unroute_sql`.
    """
    with _routing_lock:
        _routing["turns"] += 1
        for connection in list(_routing["connections"]):
            connection._djdt_logger = SQL_ROUTER


def _unroute_sql() -> None:
    """The last captured turn ended: queries are no longer wrapped (no stack traces taken).

    Plain attribute writes on the connections routed, from any thread: a query
    that starts after it on that thread simply gets an unwrapped cursor.
    """
    with _routing_lock:
        _routing["turns"] -= 1
        if _routing["turns"] > 0:
            return
        for connection in list(_routing["connections"]):
            if getattr(connection, "_djdt_logger", None) is SQL_ROUTER:
                connection._djdt_logger = None


def _template_rendered(sender: Any, **kwargs: Any) -> None:
    """``template_rendered`` receiver: a Django template of a captured turn."""
    capture = current()
    if capture is not None and capture.templates is not None:
        capture.templates._store_template_info(sender, **kwargs)


def install() -> None:
    """Listen for Django templates rendered in captured turns (once, with the turn hooks)."""
    from django.test.signals import template_rendered

    template_rendered.connect(_template_rendered, dispatch_uid="ddt_timetravel.capture")


# -- the toolbar of one turn --------------------------------------------------------


@functools.cache
def _event_toolbar_class() -> type:
    from debug_toolbar.store import get_store
    from debug_toolbar.toolbar import DebugToolbar

    class EventToolbar(DebugToolbar):
        """The toolbar with only the panels that make sense for an event."""

        _panel_classes = None
        _filtered_from = None

        @classmethod
        def get_panel_classes(cls) -> list[type[Panel]]:
            # The toolbar's list is rebuilt when DEBUG_TOOLBAR_PANELS changes.
            every = DebugToolbar.get_panel_classes()
            if cls._filtered_from is not every or cls._panel_classes is None:
                cls._panel_classes = [
                    panel
                    # The toolbar annotates its list Optional; it is never None.
                    for panel in every  # type: ignore[union-attr]
                    if panel.panel_id not in SKIPPED_PANELS and panel.is_async
                ]
                cls._filtered_from = every
            return cls._panel_classes

        def init_store(self) -> None:
            # Panel saves are held for one masked write at the end of the turn.
            if self.store is None:
                self.store = capture_store.HeldStore(get_store())
            super().init_store()  # type: ignore[no-untyped-call]

    return EventToolbar


def _stand_in(request: HttpRequest) -> HttpResponse:
    """What the panels' middleware chain gets instead of a page: an event has no response."""
    return HttpResponse(b"", content_type="text/plain")


def synthetic_request(consumer: Any, view: Any) -> HttpRequest:
    """A request like the page's, for the toolbar: its path, user, session and cookies.

    ``REMOTE_ADDR`` and the headers come from the socket itself, not from the
    request djust built for the view (which says 127.0.0.1 for every browser).
    """
    scope = getattr(consumer, "scope", None) or {}
    page = getattr(view, "request", None)
    path = page.get_full_path() if isinstance(page, HttpRequest) else scope.get("path", "/")
    request = RequestFactory().get(path)
    request.method = METHOD
    client = scope.get("client") or (None, None)
    request.META["REMOTE_ADDR"] = client[0] or ""
    for name, value in scope.get("headers") or ():
        key = name.decode("latin1").upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = f"HTTP_{key}"
        request.META[key] = value.decode("latin1")
    request.COOKIES = dict(scope.get("cookies") or {})
    if isinstance(page, HttpRequest):
        for name in ("session", "user"):
            if hasattr(page, name):
                setattr(request, name, getattr(page, name))
    if "user" in scope and not hasattr(request, "user"):
        request.user = scope["user"]
    return request


@dataclass
class _Socket:
    """What every captured turn of one mounted view shares, worked out on its first turn.

    A socket's address, user and cookies are fixed while it is open, so
    ``SHOW_TOOLBAR_CALLBACK`` is asked once: a refused browser's later turns cost
    one dictionary look-up here.
    """

    #: ``SHOW_TOOLBAR_CALLBACK``'s answer for the socket's browser.
    shown: bool
    request: HttpRequest
    masker: Masker
    #: The view's template, found once (djust renders it in Rust, unseen by the toolbar).
    template: Any
    #: Stats of the panels that describe the process, masked, from the first turn.
    per_socket: dict[str, Any] = field(default_factory=dict)

    def turn_request(self) -> HttpRequest:
        """A request of the turn's own: the panels may write to it."""
        request = copy.copy(self.request)
        request.META = dict(self.request.META)
        return request


_sockets: weakref.WeakKeyDictionary[Any, _Socket] = weakref.WeakKeyDictionary()


def _find_template(view: Any) -> Any:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    name = getattr(view, "template_name", None)
    if not isinstance(name, str):
        return None
    try:
        template = get_template(name)
    except TemplateDoesNotExist:
        return None
    return getattr(template, "template", template)


def _first_turn(request: HttpRequest, view: Any, shown: bool | None) -> _Socket:
    """Sync part of a view's first captured turn: the toolbar's callback, its connections."""
    from debug_toolbar.middleware import show_toolbar_func_or_path

    if shown is None:
        shown = bool(show_toolbar_func_or_path()(request))
    if shown:
        _wrap_connections()
    template = _find_template(view) if shown else None
    return _Socket(shown, request, Masker.for_view(view), template)


def _build(socket: _Socket) -> Capture:
    """A toolbar for one turn (in a worker thread when the store is not in memory)."""
    request = socket.turn_request()
    toolbar = _event_toolbar_class()(request, _stand_in)
    panels = toolbar.enabled_panels
    by_id = {panel.panel_id: panel for panel in panels}
    sql, templates = by_id.get("SQLPanel"), by_id.get("TemplatesPanel")
    if sql is not None:
        _route_sql()
    return Capture(toolbar, request, panels, sql, templates, sql is not None, socket)


def _instrument(capture: Capture) -> None:
    """In the turn's own context, as the toolbar's middleware does under ASGI."""
    for panel in capture.panels:
        if panel is not capture.sql and panel is not capture.templates:
            panel.enable_instrumentation()
    # Runs the panels like the toolbar's middleware (the Timer starts here).
    capture.toolbar.process_request(capture.request)


def wanted() -> bool:
    """Capture is on: DEBUG, and the setting not turned off."""
    return bool(settings.DEBUG) and get_setting("TOOLBAR_CAPTURE") is True


def _store_in_memory() -> bool:
    """The toolbar's own MemoryStore: writing it needs no database, so no worker thread."""
    from debug_toolbar.store import MemoryStore, get_store

    # The toolbar annotates get_store() as a store; it returns the store's class.
    return get_store() is MemoryStore  # type: ignore[comparison-overlap]


async def _socket(consumer: Any, view: Any) -> _Socket:
    socket = _sockets.get(view)
    if socket is None:
        from debug_toolbar.middleware import show_toolbar_func_or_path

        request = synthetic_request(consumer, view)
        show = show_toolbar_func_or_path()
        shown = bool(await show(request)) if iscoroutinefunction(show) else None
        socket = _sockets[view] = await sync_to_async(_first_turn)(request, view, shown)
    return socket


async def begin(consumer: Any, view: Any) -> Capture | None:
    """Start capturing one turn, or None when the toolbar would not show for it."""
    try:
        socket = await _socket(consumer, view)
        if not socket.shown:
            return None
        if _store_in_memory():
            capture = _build(socket)
        else:
            capture = await sync_to_async(_build)(socket)
        _instrument(capture)
        return capture
    except Exception:
        # The event matters more than its capture: it goes on uncaptured.
        logger.warning("The toolbar capture of an event could not start.", exc_info=True)
        return None


def activate(capture: Capture) -> contextvars.Token[Capture | None]:
    """Route this context's queries and templates to ``capture`` (the turn's own context)."""
    return _current.set(capture)


def name(label: str, subject: Any, before: bool = False) -> None:
    """Name the running restore or replay turn after the event it acts on."""
    capture = current()
    if capture is not None:
        capture.label, capture.subject, capture.before = label, subject, before


def _view_template(capture: Capture, state: dict[str, Any]) -> None:
    """Add the view's template (rendered by djust's Rust engine) with its masked state."""
    from django.template import Context

    template = capture.socket.template
    if capture.templates is not None and template is not None:
        capture.templates._store_template_info(None, template=template, context=Context(state))


def _stop(capture: Capture) -> None:
    """Stop the turn's instrumentation (in the turn's own context)."""
    for panel in reversed(capture.panels):
        if panel is not capture.sql and panel is not capture.templates:
            panel.disable_instrumentation()
    if capture.routed:
        _unroute_sql()


def _label(capture: Capture, snapshot: Any, seq: int | None) -> str:
    """How History names the turn: "WS increment #12", "WS replay increment #3 → #12"."""
    number = f" #{seq}" if seq is not None else ""
    if capture.label is None:
        return f"{METHOD} {snapshot.event_name}{number}"
    recorded = f" →{number}" if snapshot is not None and number else ""
    return f"{METHOD} {capture.label}{recorded}"


def _finish(capture: Capture, snapshot: Any, seq: int | None) -> None:
    """Generate the stats, as the toolbar's middleware does after a response, and store them."""
    toolbar = capture.toolbar
    store = cast(capture_store.HeldStore, toolbar.store).store  # as init_store() set it
    subject = snapshot if snapshot is not None else capture.subject
    if subject is None:
        store.delete(capture.request_id)
        return
    masker = capture.socket.masker
    shown = masker.event(subject)
    state = shown.state_before if capture.before else shown.state_after
    _view_template(capture, dict(state or {}))
    response = _stand_in(capture.request)
    per_socket = capture.socket.per_socket
    for panel in reversed(capture.panels):
        if panel.panel_id in per_socket or panel.panel_id in OWN_STATS_PANELS:
            continue
        panel.generate_stats(capture.request, response)
        panel.generate_server_timing(capture.request, response)
        if panel.panel_id in capture_store.PER_SOCKET_PANELS:
            stats = toolbar.stats.pop(panel.panel_id, {})
            per_socket[panel.panel_id] = capture_store.mask_once(masker, stats)
    history = toolbar._panels.get("HistoryPanel")
    if history is not None and history in capture.panels:
        params = shown.params if snapshot is not None else None
        # What the History panel records for a request, said for the turn: a
        # synthetic request has no query string or body to copy.
        history.record_stats(
            {
                "request_url": capture.request.get_full_path(),
                "request_method": _label(capture, snapshot, seq),
                "status_code": response.status_code,
                "data": params if isinstance(params, dict) else None,
                "time": timezone.now(),
            }
        )
    enabled = {panel.panel_id for panel in capture.panels}
    reused = {panel_id: stats for panel_id, stats in per_socket.items() if panel_id in enabled}
    capture_store.write(toolbar, store, masker, subject, reused)


def _read_clocks(capture: Capture) -> None:
    """The Timer's end of the turn: read now, not when the stats are stored."""
    response = _stand_in(capture.request)
    for panel in capture.panels:
        if panel.panel_id in CLOCK_PANELS:
            panel.generate_stats(capture.request, response)
            panel.generate_server_timing(capture.request, response)


async def _store(capture: Capture, snapshot: Any, seq: int | None) -> None:
    try:
        if _store_in_memory():
            _finish(capture, snapshot, seq)
        else:
            await sync_to_async(_finish)(capture, snapshot, seq)
    except Exception:
        logger.warning("The toolbar capture of an event could not be stored.", exc_info=True)


#: Stores in progress, held so that none is collected before it has run.
_storing: set[asyncio.Task[None]] = set()


async def end(
    capture: Capture, token: contextvars.Token[Capture | None], view: Any, snapshot: Any
) -> None:
    """The turn ended: stop its panels and read its clocks now, store what they saw next.

    The stats, the masking and the store run in a task of their own, so the
    socket's next frame does not wait for them. Nothing is stored for a turn
    that recorded or named no event.
    """
    from .. import _djust
    from ..core import numbering

    capture.open = False
    _current.reset(token)
    seq = None
    buffer = _djust.time_travel_buffer(view)
    try:
        _stop(capture)
        _read_clocks(capture)
        if snapshot is not None and buffer is not None:
            seq = numbering.newest_seq(view, buffer)
    except Exception:
        logger.warning("The toolbar capture of an event could not be stored.", exc_info=True)
        return
    task = asyncio.get_running_loop().create_task(_store(capture, snapshot, seq))
    _storing.add(task)
    task.add_done_callback(_storing.discard)
