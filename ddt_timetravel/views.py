"""Thin HTTP endpoints in the toolbar's ``djdt`` namespace.

Each one validates its query, finds the view this browser owns, asks the core
for rows and renders a Django template. They only read: restoring travels over
the page's own djust socket, so no endpoint changes state and none needs CSRF.
"""

from __future__ import annotations

from dataclasses import dataclass

from debug_toolbar.decorators import require_show_toolbar
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import history
from .live import ViewNotFound, dotted_path, find_view, parse_session_id
from .masking import Masker
from .timeline import build_rows

MAX_SEQ = 2**53


class BadQuery(ValueError):
    """A query parameter is missing or malformed; the message is safe to show."""


@dataclass(frozen=True)
class Viewing:
    """The restored state the page shows, as reported by djust's last jump."""

    seq: int
    which: str


def _int_param(request: HttpRequest, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        if default is None:
            raise BadQuery(f"The '{name}' parameter is required.")
        return default
    if not raw.isdigit() or int(raw) > MAX_SEQ:
        raise BadQuery(f"The '{name}' parameter must be a whole number.")
    return int(raw)


def _viewing_param(request: HttpRequest) -> Viewing | None:
    raw = request.GET.get("viewing") or ""
    if not raw:
        return None
    seq, _, which = raw.partition(":")
    if not seq.isdigit() or int(seq) > MAX_SEQ or which not in ("before", "after"):
        raise BadQuery("The 'viewing' parameter must look like '3:before' or '3:after'.")
    return Viewing(seq=int(seq), which=which)


def _session_param(request: HttpRequest) -> str:
    try:
        return parse_session_id(request.GET.get("session"))
    except ValueError as exc:
        raise BadQuery(str(exc)) from None


def _problem(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@login_not_required
@require_show_toolbar
@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    """Header and the rows newer than ``after`` for this browser's view."""
    try:
        session_id = _session_param(request)
        after = _int_param(request, "after", default=0)
        viewing = _viewing_param(request)
        view = find_view(request, session_id)
    except BadQuery as exc:
        return _problem(str(exc), 400)
    except ViewNotFound as exc:
        return _problem(exc.message, 404)
    context = {"view_path": dotted_path(view), "after": after}
    buffer = history.time_travel_buffer(view)
    if buffer is None:
        return render(request, "ddt_timetravel/fragment.html", {**context, "disabled": True})
    try:
        window, entries = history.read(view, buffer, first_seq=after + 1)
    except history.BufferBusy as exc:
        return _problem(str(exc), 503)
    previous_ts = history.previous_timestamp(buffer, entries[0]) if entries else None
    if viewing is not None and window.index_of(viewing.seq) is None:
        viewing = None
    context.update(
        window=window,
        rows=build_rows(entries, previous_ts, Masker.for_view(view)),
        branch_id=history.branch_id(view),
        viewing=viewing,
    )
    return render(request, "ddt_timetravel/fragment.html", context)


@login_not_required
@require_show_toolbar
@require_GET
def locate(request: HttpRequest) -> HttpResponse:
    """Current buffer position of event ``seq``, so a click restores that very event."""
    try:
        session_id = _session_param(request)
        seq = _int_param(request, "seq")
        view = find_view(request, session_id)
    except BadQuery as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except ViewNotFound as exc:
        return JsonResponse({"error": exc.message}, status=404)
    buffer = history.time_travel_buffer(view)
    if buffer is None:
        return JsonResponse({"error": "Time travel is off for this view."}, status=404)
    try:
        window, entries = history.read(view, buffer, first_seq=seq, last_seq=seq)
    except history.BufferBusy as exc:
        return JsonResponse({"error": str(exc)}, status=503)
    if not entries:
        message = (
            f"Event #{seq} is no longer held: the buffer keeps the last "
            f"{window.capacity} events. Pick a newer row."
        )
        return JsonResponse({"error": message}, status=404)
    return JsonResponse({"seq": seq, "index": entries[0].index, "length": window.length})
