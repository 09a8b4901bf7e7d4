"""Thin HTTP endpoints in the toolbar's ``djdt`` namespace.

Each one validates its query, finds the view this browser owns, asks the core
and renders a Django template. They only read: restoring travels over the
page's own djust socket, so no endpoint changes state and none needs CSRF.
Two take a CSRF-protected POST: the import of an exported file (a body), and
"Check against current code", which runs handler code (contained, rolled back:
:mod:`.replay_check`).

The answers raise their refusals (:class:`query.BadQuery`, :class:`NotFound`, ...);
:mod:`.endpoints` routes them, guards them and turns refusals into statuses.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_protect
from djust.time_travel import TimeTravelBuffer

from . import _djust, embedded, query
from .core import key_history, limits, numbering, paging, watch
from .core.cost import EventCost
from .core.masking import Masker
from .core.search import Filters, match
from .display import charts, diff_view, state_tree
from .display.formatting import pretty
from .display.rows import imported_rows, replay_draft, timeline_rows
from .exchange import json_export, json_import, pytest_module, replay_check
from .ownership import ViewNotFound, find_view, instance_id, parse_session_id
from .page import dotted_path
from .recording import earlier, shown
from .recording.turns import event_cost, event_costs

#: Exports up to this many characters are indented for reading; bigger ones stay compact.
PRETTY_EXPORT_LIMIT = 256 * 1024


class NotFound(LookupError):
    """What the request asks about is not (or no longer) there: a 404 whose message is safe
    to show."""


@dataclass(frozen=True)
class Target:
    """The view a request is about, with its buffer and masker."""

    view: Any
    buffer: TimeTravelBuffer | None
    masker: Masker
    session_id: str
    #: The view mounted on the socket, when ``view`` is one of its embedded children.
    parent: Any = None

    def recorded_buffer(self) -> TimeTravelBuffer:
        """The view's ring buffer; NotFound when time travel is off for it."""
        if self.buffer is None:
            raise NotFound(f"Time travel is off for {dotted_path(self.view)}.")
        return self.buffer

    def held(
        self, first_seq: int = 1, last_seq: int | None = None, displayable: bool = True
    ) -> list[numbering.Entry]:
        """The held events in ``first_seq``..``last_seq``, oldest first.

        ``displayable=False`` keeps the states exactly as recorded (to run them again).
        """
        _, held = numbering.read(
            self.view, self.recorded_buffer(), first_seq=first_seq, last_seq=last_seq
        )
        return [limits.displayable_entry(entry) for entry in held] if displayable else held

    def entry(self, seq: int, displayable: bool = True) -> numbering.Entry:
        """Event ``seq`` if it is still held (``displayable=False``: as recorded, when
        nothing of it is shown)."""
        buffer = self.recorded_buffer()
        window, entries = numbering.read(self.view, buffer, first_seq=seq, last_seq=seq)
        if not entries:
            raise NotFound(
                f"Event #{seq} is no longer held: the buffer keeps the last "
                f"{window.capacity} events. Pick a newer row."
            )
        return limits.displayable_entry(entries[0]) if displayable else entries[0]

    def cost(self, entry: numbering.Entry) -> EventCost:
        """What event ``entry`` cost, measured in its own turn on this socket."""
        return event_cost(entry.snapshot, self.masker)


def _target(request: HttpRequest) -> Target:
    try:
        session_id = parse_session_id(request.GET.get("session"))
    except ValueError as exc:
        raise query.BadQuery(str(exc)) from None
    view = parent = find_view(request, session_id)
    child_id = request.GET.get("child")
    if child_id:  # an embedded {% live_render %} child, owned with its parent
        try:
            view = embedded.child(parent, embedded.valid_child_id(child_id))
        except ValueError as exc:
            raise query.BadQuery(str(exc)) from None
        except embedded.NoSuchChild as exc:
            raise NotFound(str(exc)) from None
    buffer, masker = _djust.time_travel_buffer(view), Masker.for_view(view)
    return Target(view, buffer, masker, session_id, parent if view is not parent else None)


def timeline(request: HttpRequest) -> HttpResponse:
    """Header and the rows newer than ``after`` (matching the filters) for this view.

    With ``before``, only rows older than that event; with ``limit``, only the
    newest ``limit`` of them (the fragment's ``data-djtt-from-seq`` says how far back
    the page looked, so the next older page asks ``before`` it).
    """
    after = query.int_param(request, "after", default=0)
    before = query.int_param(request, "before", default=query.MAX_SEQ)
    limit = query.limit_param(request)
    viewing = query.viewing_param(request)
    filters = Filters.from_query(request.GET)
    target = _target(request)
    page_view = target.parent or target.view
    earlier.note_tab(page_view, earlier.valid_tab(request.GET.get("tab")))
    context: dict[str, Any] = {
        "view_path": dotted_path(target.view),
        "view_instance": instance_id(page_view),
        "after": after,
        "page_views": embedded.listed(page_view),
        "child_id": request.GET.get("child") or "",
        "child_note": embedded.no_replay_reason(page_view) if target.parent else "",
    }
    if target.buffer is None:
        return render(request, "ddt_timetravel/fragment.html", {**context, "disabled": True})
    window, raw = numbering.read(target.view, target.buffer, first_seq=after + 1, last_seq=before)
    held = [limits.displayable_entry(entry) for entry in raw]
    pairs = list(itertools.pairwise(held))
    previous_ts: dict[int, float | None] = {later.seq: entry.snapshot.ts for entry, later in pairs}
    if held:
        previous_ts[held[0].seq] = numbering.previous_timestamp(target.buffer, held[0])
    masker = target.masker
    page = paging.newest_page(
        [entry for entry in held if entry.seq < before],
        limit,
        start_seq=max(after + 1, window.head_seq),
        match=(lambda entry: match(entry.snapshot, filters, masker)) if filters.active else None,
    )
    rows = timeline_rows(
        page.entries,
        previous_ts,
        masker,
        costs=event_costs([entry.snapshot for entry in page.entries], masker),
        found=page.found,
        replay_of=lambda seq: shown.replay_origin(target.view, seq),
    )
    restored, serial, recorded = shown.current(target.view, window.last_seq)
    if restored is not None and restored.earlier is not None:
        context["earlier_shown"] = restored  # no row of this timeline is on the page
        restored = None
    if recorded:  # djust's own record of the last restore wins over the browser's
        viewing = (
            query.Viewing(restored.seq, restored.which, restored.component_id) if restored else None
        )
    if viewing is not None and window.index_of(viewing.seq) is None:
        viewing = None
    context.update(
        shown_serial=serial,
        window=window,
        rows=rows,
        from_seq=page.from_seq,
        filters=filters,
        branch_id=_djust.branch_id(target.view),
        viewing=viewing,
        unrecorded=numbering.unrecorded_attributes(
            target.view, target.buffer, _djust.framework_attributes()
        ),
    )
    return render(request, "ddt_timetravel/fragment.html", context)


def locate(request: HttpRequest) -> HttpResponse:
    """Current buffer position of event ``seq``, so a click restores that very event."""
    seq = query.int_param(request, "seq")
    target = _target(request)
    entry = target.entry(seq, displayable=False)  # only its position is answered
    return JsonResponse({"seq": seq, "index": entry.index, "length": len(target.buffer or ())})


def event_diff(request: HttpRequest) -> HttpResponse:
    """The diff of one event, or with ``against`` the diff between two after-states."""
    seq = query.int_param(request, "seq")
    against = request.GET.get("against")
    target = _target(request)
    entry = target.entry(seq)
    if against:
        base = target.entry(query.int_param(request, "against"))
        context = _comparison(target, base, entry)
    else:
        context = _one_event_diff(target, entry)
    return render(request, "ddt_timetravel/diff.html", context)


def _one_event_diff(target: Target, entry: numbering.Entry) -> dict[str, Any]:
    """What event ``entry`` changed, from its before-state to its after-state."""
    shown_entry = target.masker.event(entry.snapshot)
    before, after = shown_entry.state_before, shown_entry.state_after
    raw = diff_view.event_diff(shown_entry)
    return {
        "seq": entry.seq,
        "cost": target.cost(entry),
        "against": None,
        "before_seq": entry.seq,
        "before_which": "before",
        "diff": diff_view.build_view(raw, before, after, target.masker),
        # A row carries its params short; the detail shows them whole.
        "params_full": pretty(shown_entry.params) if shown_entry.params else "",
    }


def _comparison(target: Target, base: numbering.Entry, entry: numbering.Entry) -> dict[str, Any]:
    """How the state after ``entry`` differs from the state after ``base``."""
    # Masked together: a secret of either event is hidden in both.
    shown_base, shown_entry = target.masker.events([base.snapshot, entry.snapshot])
    before, after = shown_base.state_after, shown_entry.state_after
    return {
        "seq": entry.seq,
        "cost": None,
        "against": base.seq,
        "before_seq": base.seq,
        "before_which": "after",
        "diff": diff_view.build_view(
            diff_view.raw_diff(before, after), before, after, target.masker
        ),
        "params_full": "",
    }


def replay_form(request: HttpRequest) -> HttpResponse:
    """The replay editor of event ``seq``: rows carry none until their Replay is pressed."""
    seq = query.int_param(request, "seq")
    target = _target(request)
    draft = replay_draft(target.entry(seq), target.masker)
    return render(request, "ddt_timetravel/replay_form.html", {"draft": draft})


def state_node(request: HttpRequest) -> HttpResponse:
    """One level of a recorded state, for the lazily expanded tree."""
    seq = query.int_param(request, "seq")
    which = query.which_param(request)
    offset = query.int_param(request, "offset", default=0)
    path = state_tree.parse_path(request.GET.get("path"))
    target = _target(request)
    snapshot = target.masker.event(target.entry(seq).snapshot)
    state = snapshot.state_before if which == "before" else snapshot.state_after
    value = state_tree.resolve(state or {}, path, target.masker)
    base = state_tree.key_parts(path, state or {})
    items, remaining = state_tree.children(value, path, target.masker, offset, base)
    context = {
        "seq": seq,
        "which": which,
        "path": request.GET.get("path") or "[]",
        "items": items,
        "remaining": remaining,
        "next_offset": offset + len(items),
        "leaf": None
        if isinstance(value, (dict, list))
        else state_tree.full_text(value, target.masker),
    }
    return render(request, "ddt_timetravel/node.html", context)


def _selected_entries(
    request: HttpRequest, target: Target, displayable: bool = True
) -> list[numbering.Entry]:
    """The held events in ``from``..``to`` that match the filters, oldest first.

    ``displayable=False`` keeps the states exactly as recorded (to run them again).
    """
    first, last = _range_params(request)
    return _matching(request, target.held(first, last, displayable), target.masker)


def _range_params(request: HttpRequest) -> tuple[int, int]:
    """The ``from``..``to`` event numbers of a selection."""
    first = query.int_param(request, "from", default=1)
    last = query.int_param(request, "to", default=query.MAX_SEQ)
    if last < first:
        raise query.BadQuery("'to' must not be before 'from'.")
    return first, last


def _matching(
    request: HttpRequest, entries: list[numbering.Entry], masker: Masker
) -> list[numbering.Entry]:
    """The ``entries`` that match the filters; NotFound when none is left."""
    filters = Filters.from_query(request.GET)
    if filters.active:
        entries = [e for e in entries if match(e.snapshot, filters, masker) is not None]
    if not entries:
        raise NotFound("No held event is in that range or matches the filters.")
    return entries


def _download(content: str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_timeline(request: HttpRequest) -> HttpResponse:
    """Download the selected events as JSON, or as a pytest module that replays them."""
    kind = request.GET.get("format") or "json"
    if kind not in ("json", "pytest"):
        raise query.BadQuery("The 'format' parameter must be 'json' or 'pytest'.")
    target = _target(request)
    entries = _selected_entries(request, target)
    view_path = dotted_path(target.view)
    slug = pytest_module.view_slug(view_path)
    if kind == "pytest":
        source = pytest_module.pytest_module(view_path, entries, target.masker)
        return _download(source, f"test_{slug}_timetravel.py", "text/x-python; charset=utf-8")
    document = json_export.timeline_document(view_path, entries, target.masker)
    body = json.dumps(document, ensure_ascii=False, default=str)
    if len(body) <= PRETTY_EXPORT_LIMIT:  # indenting runs json's pure-Python encoder
        body = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    return _download(body, f"{slug}-timeline.json", "application/json")


@csrf_protect
def import_timeline(request: HttpRequest) -> HttpResponse:
    """Render an exported file this browser sent, read-only: rows and diffs, stored nowhere."""
    Filters.from_query(request.GET)  # bad filters are refused before the upload is read
    data = json_import.read_upload(request)
    # No socket on the page, or it is gone: open the file without the view check.
    view, view_path = None, None
    if request.GET.get("session"):
        with contextlib.suppress(ViewNotFound):
            view = _target(request).view
            view_path = dotted_path(view)
    return _render_document(request, data, view, view_path, {})


def _render_document(
    request: HttpRequest,
    data: bytes,
    view: Any,
    view_path: str | None,
    extra: dict[str, Any],
) -> HttpResponse:
    """An exported timeline, read-only: rows and diffs that match the filters.

    ``view`` (or None) gives the masker: the file may hold secrets in clear.
    """
    filters = Filters.from_query(request.GET)
    header, loaded = json_import.load(data, view_path)
    entries = [limits.displayable_entry(entry) for entry in loaded]
    masker = Masker.for_view(view)  # the file may hold secrets in clear: mask as live
    items = imported_rows(
        entries,
        masker,
        found=(lambda shown: match(shown, filters, masker)) if filters.active else None,
        cost=lambda recorded: event_cost(recorded, masker),
    )
    context = {"header": header, "items": items, "filters": filters, "total": len(entries)}
    return render(request, "ddt_timetravel/imported.html", {**context, **extra})


#: Events checked per request: the panel asks chunk after chunk, so it shows
#: progress and Cancel simply stops asking.
CHECK_CHUNK = 5


def _checked_selection(request: HttpRequest) -> tuple[str, list[numbering.Entry], Masker]:
    """The view class, the events as recorded and the masker a check runs with.

    With ``earlier``, the events of one of this browser's earlier sessions (as
    recorded, never the masked copy: a check restores their before-states).
    """
    kept_id = request.GET.get("earlier")
    if not kept_id:
        target = _target(request)
        entries = _selected_entries(request, target, displayable=False)
        return dotted_path(target.view), entries, target.masker
    first, last = _range_params(request)
    kept = _kept(request, kept_id)
    masker = kept.masker()
    held = [e for e in kept.recorded_entries() if first <= e.seq <= last]
    return kept.view_path, _matching(request, held, masker), masker


@csrf_protect
def check_timeline(request: HttpRequest) -> HttpResponse:
    """Run the next chunk of the selected events' handlers again and compare (contained)."""
    view_path, entries, masker = _checked_selection(request)
    for entry in entries:  # run again from the recorded states, which any depth may hold
        snapshot = entry.snapshot
        if any(
            limits.too_deep(v)
            for v in (snapshot.params, snapshot.state_before, snapshot.state_after)
        ):
            raise query.BadQuery(
                f"Event #{entry.seq} is nested more than {limits.MAX_DEPTH} levels deep: "
                "it cannot be run again here."
            )
    if request.GET.get("begin") and replay_check.only_masked(entries, masker):
        raise query.BadQuery("Every change in these events is masked: there is nothing to compare.")
    chunk = entries[:CHECK_CHUNK]
    try:
        checks = replay_check.check_events(view_path, chunk, masker)
    except replay_check.CannotCheck as exc:
        raise query.BadQuery(str(exc)) from None
    rest = entries[len(chunk) :]
    html = render_to_string("ddt_timetravel/check_rows.html", {"checks": checks}, request)
    return JsonResponse(
        {
            "html": html,
            "checked": len(chunk),
            "remaining": len(rest),
            "next": rest[0].seq if rest else None,
            "diverged": [check.seq for check in checks if check.diverged],
            "not_contained": replay_check.NOT_CONTAINED,
        }
    )


def key_history_view(request: HttpRequest) -> HttpResponse:
    """The value of one key after each held event, the events that moved it, a chart."""
    path = request.GET.get("keypath") or ""
    key_history.parse_key(path)  # a bad key is a 400 before any view is looked up
    target = _target(request)
    entries = target.held()
    story = key_history.key_history(
        path, [(entry.seq, target.masker.event(entry.snapshot)) for entry in entries], target.masker
    )
    chart = charts.line_chart(
        [(p.seq, f"#{p.seq} {p.event}: {p.text}", p.measure) for p in story.points]
    )
    return render(request, "ddt_timetravel/key_history.html", {"story": story, "chart": chart})


def watch_events(request: HttpRequest) -> HttpResponse:
    """The held events where a watch expression holds, and the first of them."""
    try:
        expression = watch.parse(request.GET.get("expr") or "")
    except watch.BadExpression as exc:
        return JsonResponse({"error": str(exc), "position": exc.position}, status=400)
    target = _target(request)
    entries = target.held()
    masked = [(e.seq, target.masker.event(e.snapshot)) for e in entries]
    result = watch.scan(  # over masked copies: a watch is no oracle for a secret
        expression, [(seq, s.state_before, s.state_after) for seq, s in masked], target.masker
    )
    return JsonResponse({"holds": list(result.holds), "first": result.first, "held": len(entries)})


def timeline_charts(request: HttpRequest) -> HttpResponse:
    """The strip chart of time and queries per event and the state size per key."""
    target = _target(request)
    entries = target.held()
    figures = []
    for entry in entries:
        cost = target.cost(entry)
        figures.append(
            charts.EventCostFigures(
                seq=entry.seq,
                event=str(entry.snapshot.event_name),
                handler_ms=cost.handler_ms,
                render_ms=cost.render_ms,
                queries=len(cost.queries) if cost.measured else None,
                slow=cost.slow,
                n_plus_one=bool(cost.repeated),
            )
        )
    sizes = charts.state_sizes(
        [(e.seq, str(e.snapshot.event_name), e.snapshot.state_after or {}) for e in entries],
        target.masker.is_secret_key,
    )
    context = {"strip": charts.strip_chart(figures), "sizes": sizes, "events": len(entries)}
    return render(request, "ddt_timetravel/charts.html", context)


def _kept(request: HttpRequest, kept_id: str) -> earlier.Kept:
    """One of this browser's earlier sessions; NotFound when it is not (or no longer) kept."""
    if not earlier.valid_id(kept_id):
        raise query.BadQuery("An earlier session's id is 32 hexadecimal digits.")
    kept = earlier.find(request, kept_id)
    if kept is None:
        raise NotFound(
            "That earlier session is no longer kept: the server restarted, or newer "
            "sessions of this browser took its place."
        )
    return kept


def earlier_sessions(request: HttpRequest) -> HttpResponse:
    """This tab's earlier sessions; with ``id`` one of them, read-only, or as a download."""
    tab = earlier.valid_tab(request.GET.get("tab"))
    kept_id = request.GET.get("id") or ""
    # A socket session named must be this browser's, as everywhere: its view is the
    # one a kept state would go into.
    page_view = _target(request).view if request.GET.get("session") else None
    if not kept_id:
        sessions = earlier.sessions_for(request, tab)
        return render(request, "ddt_timetravel/earlier.html", {"sessions": sessions})
    kept = _kept(request, kept_id)
    kind = request.GET.get("format") or ""
    if kind not in ("", "json", "pytest"):
        raise query.BadQuery("The 'format' parameter must be 'json' or 'pytest'.")
    slug = pytest_module.view_slug(kept.view_path)
    if kind == "json":
        return _download(kept.document.decode("utf-8"), f"{slug}-earlier.json", "application/json")
    if kind == "pytest":
        _, entries = json_import.load(kept.document, kept.view_path)
        source = pytest_module.pytest_module(kept.view_path, entries, Masker.for_view(None))
        return _download(source, f"test_{slug}_earlier.py", "text/x-python; charset=utf-8")
    refusal = (
        earlier.restore_refusal(kept, page_view)
        if page_view is not None
        else "the page's socket has not connected."
    )
    extra = {"earlier": kept, "restore_refusal": refusal, "earlier_restore": refusal is None}
    return _render_document(request, kept.document, None, None, extra)
