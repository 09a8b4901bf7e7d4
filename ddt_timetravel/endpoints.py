"""The panel's endpoints in one table: route, URL name, answer, method, error shape.

Two readers: the toolbar's URLconf (:meth:`.panels.TimeTravelPanel.get_urls`)
gets each answer behind the toolbar's own guards, the panel switch and its HTTP
method; the worker that holds a socket (:mod:`.workers.consumer`) runs the
bare answer of a forwarded GET, as the browser that asked (the asking worker
applied the guards), and never forwards it again.

An answer raises the package's refusals; :meth:`Endpoint.respond` turns them
into short answers with their status, in the endpoint's shape (text or JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps
from typing import Literal

from debug_toolbar.decorators import require_show_toolbar
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from . import query, views
from .core import key_history, numbering
from .core.search import BadFilter
from .display import state_tree
from .exchange import json_import
from .ownership import ViewNotFound
from .switch import panel_enabled
from .workers import transport

Answer = Callable[[HttpRequest], HttpResponse]
Problem = Callable[[str, int], HttpResponse]

PANEL_OFF_MESSAGE = (
    "The Time Travel panel is switched off for this browser (the toolbar's checkbox or "
    "DISABLE_PANELS)."
)
#: Refusals of a malformed request: 400, nothing changed.
BAD_REQUEST = (
    query.BadQuery,
    BadFilter,
    state_tree.BadPath,
    json_import.BadImport,
    key_history.BadKey,
)


def text_problem(message: str, status: int) -> HttpResponse:
    """A refusal as plain text, for endpoints that answer HTML fragments."""
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def json_problem(message: str, status: int) -> HttpResponse:
    """A refusal as ``{"error": ...}``, for endpoints that answer JSON."""
    return JsonResponse({"error": message}, status=status)


@dataclass(frozen=True)
class Endpoint:
    """One panel endpoint: where it answers, what it runs, and how it refuses."""

    route: str
    name: str
    answer: Answer
    problem: Problem = text_problem
    method: Literal["GET", "POST"] = "GET"

    @property
    def forwardable(self) -> bool:
        """Only a query travels to another worker, never a body."""
        return self.method == "GET"

    def respond(self, request: HttpRequest, ask_elsewhere: bool) -> HttpResponse:
        """The answer, or the refusal it raised; with ``ask_elsewhere``, a view held by
        another worker is asked for there (``REMOTE_LOOKUP``)."""
        try:
            return self.answer(request)
        except BAD_REQUEST as exc:
            return self.problem(str(exc), 400)
        except ViewNotFound as exc:
            if ask_elsewhere and self.forwardable and transport.enabled():
                return transport.ask_owner(request, self.problem)
            return self.problem(exc.message, 404)
        except views.NotFound as exc:
            return self.problem(str(exc), 404)
        except numbering.BufferBusy as exc:
            return self.problem(str(exc), 503)

    @cached_property
    def view(self) -> Answer:
        """The endpoint as the URLconf serves it: guarded like the toolbar's own views.

        A switched-off panel (``DISABLE_PANELS``, or unticked in the toolbar)
        answers 404 like a panel that is not there. Built once: the URLconf
        resolves a path to this very function.
        """

        @wraps(self.answer)
        def answered(request: HttpRequest) -> HttpResponse:
            return self.respond(request, ask_elsewhere=True)

        allowed = (require_GET if self.method == "GET" else require_POST)(answered)

        @wraps(allowed)
        def switched(request: HttpRequest) -> HttpResponse:
            if not panel_enabled(request):
                return self.problem(PANEL_OFF_MESSAGE, 404)
            return allowed(request)

        guarded: Answer = require_show_toolbar(switched)
        return login_not_required(guarded)


ENDPOINTS = (
    Endpoint("time-travel/timeline/", "ddt_timetravel_timeline", views.timeline),
    Endpoint("time-travel/locate/", "ddt_timetravel_locate", views.locate, json_problem),
    Endpoint("time-travel/diff/", "ddt_timetravel_diff", views.event_diff),
    Endpoint("time-travel/state/", "ddt_timetravel_state", views.state_node),
    Endpoint("time-travel/replay/", "ddt_timetravel_replay", views.replay_form),
    Endpoint("time-travel/export/", "ddt_timetravel_export", views.export_timeline),
    # Read-only: renders an exported file sent by this browser, stores nothing.
    Endpoint("time-travel/import/", "ddt_timetravel_import", views.import_timeline, method="POST"),
    # Runs handlers (contained): only a CSRF-protected POST from the owner's page.
    Endpoint(
        "time-travel/check/",
        "ddt_timetravel_check",
        views.check_timeline,
        json_problem,
        method="POST",
    ),
    Endpoint("time-travel/key/", "ddt_timetravel_key", views.key_history_view),
    Endpoint("time-travel/watch/", "ddt_timetravel_watch", views.watch_events, json_problem),
    Endpoint("time-travel/charts/", "ddt_timetravel_charts", views.timeline_charts),
    Endpoint("time-travel/earlier/", "ddt_timetravel_earlier", views.earlier_sessions),
)
BY_NAME = {endpoint.name: endpoint for endpoint in ENDPOINTS}


def url_patterns() -> list[URLPattern]:
    """Every endpoint, guarded, for the toolbar's ``djdt`` namespace."""
    return [path(e.route, e.view, name=e.name) for e in ENDPOINTS]
