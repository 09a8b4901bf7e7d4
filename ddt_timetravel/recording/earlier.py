"""Earlier sessions of a tab: the last timeline of a view instance that went away.

A reload, a reconnect or a ``live_redirect`` mounts a new view instance with an
empty buffer, and the events that led to a bug are gone just when a developer
needs them. When the view a browser tab owned goes away, its last timeline is
kept here as the panel's own masked JSON export (:mod:`.json_export`), so nothing
secret is kept that the panel would not show, and opening it later is exactly
opening an import: read-only rows, diffs, search and both exports.

Beside it, the same events are kept as recorded, unmasked (``recorded``): a
state put back into the current page, or run again by "Check against current
code", must hold the real values, never the mask's marker. Those bytes are
never shown or exported, they count against the same byte budget, and they go
with the rest.

Kept in this process's memory only, bounded per browser both in sessions and in
bytes, and gone on a server restart. Which tab a view belonged to is what the
panel says when it reads the view's timeline (``tab``, a random id it keeps in
the tab's ``sessionStorage``); a view no panel ever read is kept for its
browser without a tab.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from djust.time_travel import EventSnapshot

from .. import _djust
from ..core import limits, numbering
from ..core.masking import Masker
from ..exchange.json_export import timeline_document
from ..ownership import is_owner, owner_of, same_browser
from ..page import dotted_path

MAX_TAB_LENGTH = 64


@dataclass(frozen=True)
class Kept:
    """One earlier session: the masked export of a view that went away, and why."""

    id: str
    tab: str | None
    owner: tuple[Any, str | None]  # (user pk, Django session key) of the mounting browser
    view_path: str
    cause: str  # "reload", "redirect", "closed"
    url: str
    ended_at: float
    events: int
    document: bytes
    #: The same events as recorded, unmasked: only restored or run again, never shown.
    recorded: bytes = b""
    #: The view's ``time_travel_excluded_fields``, to mask what a check says as the view would.
    excluded: tuple[str, ...] = ()

    def masker(self) -> Masker:
        """The masker the view had."""
        return Masker.for_fields(self.excluded)

    @property
    def size(self) -> int:
        """The bytes this session holds, against the byte budget."""
        return len(self.document) + len(self.recorded)

    def recorded_entries(self) -> list[numbering.Entry]:
        """The kept events with their states as recorded, oldest first."""
        return [
            numbering.Entry(seq=raw["seq"], index=i, snapshot=EventSnapshot(**raw["snapshot"]))
            for i, raw in enumerate(json.loads(self.recorded or b"[]"))
        ]

    @property
    def label(self) -> str:
        """``before reload 12:03:41``, ``before redirect from /cart/``, ``socket closed``."""
        clock = time.strftime("%H:%M:%S", time.localtime(self.ended_at))
        if self.cause == "redirect":
            return f"before redirect from {self.url} {clock}"
        if self.cause == "reload":
            return f"before reload {clock}"
        return f"socket closed {clock}"


class _Store:
    """Kept sessions per browser, newest last, within the session and byte bounds."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_owner: dict[tuple[Any, str | None], OrderedDict[str, Kept]] = {}

    def add(self, kept: Kept, max_sessions: int, max_bytes: int) -> None:
        with self.lock:
            sessions = self.by_owner.setdefault(kept.owner, OrderedDict())
            sessions[kept.id] = kept
            while len(sessions) > max_sessions or (
                len(sessions) > 1 and sum(k.size for k in sessions.values()) > max_bytes
            ):
                sessions.popitem(last=False)

    def of(self, request: HttpRequest) -> list[Kept]:
        """Every kept session of the browser (or user) ``request`` comes from, oldest first."""
        with self.lock:
            owned = [s for owner, s in self.by_owner.items() if is_owner(request, owner)]
            return sorted((k for s in owned for k in s.values()), key=lambda k: k.ended_at)

    def of_owner(self, owner: tuple[Any, str | None]) -> list[Kept]:
        """Every kept session of the browser (or user) ``owner`` names, oldest first."""
        with self.lock:
            owned = [s for key, s in self.by_owner.items() if same_browser(owner, key)]
            return sorted((k for s in owned for k in s.values()), key=lambda k: k.ended_at)

    def of_all(self) -> list[Kept]:
        """Every kept session, of every browser (for tests and the memory benchmark)."""
        with self.lock:
            return [k for s in self.by_owner.values() for k in s.values()]

    def bytes_held(self) -> int:
        with self.lock:
            return sum(k.size for s in self.by_owner.values() for k in s.values())

    def clear(self) -> None:
        with self.lock:
            self.by_owner.clear()


STORE = _Store()
#: The close code a browser sends when the page goes away (a reload or navigation).
GOING_AWAY = 1001
#: The tab each live view belongs to, as its panel said (weakly: views come and go).
_tabs: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def valid_tab(raw: str | None) -> str | None:
    """A tab id as the panel sends it (a short token), or None."""
    if not raw or len(raw) > MAX_TAB_LENGTH or not raw.replace("-", "").isalnum():
        return None
    return raw


def valid_id(raw: str) -> bool:
    """True for the shape of a kept session's id (``uuid4().hex``)."""
    return len(raw) == 32 and all(c in "0123456789abcdef" for c in raw)


def note_tab(view: Any, tab: str | None) -> None:
    """Remember which tab ``view`` belongs to (the panel read its timeline from there)."""
    if tab:
        _tabs[view] = tab


def _as_recorded(entries: list[numbering.Entry]) -> bytes:
    """The events exactly as djust recorded them (JSON-native: djust records only that).

    Escaped to ASCII: a lone surrogate (which UTF-8 cannot encode) comes back as it was.
    """
    return json.dumps(
        [
            {"seq": entry.seq, "snapshot": {f: getattr(entry.snapshot, f) for f in _FIELDS}}
            for entry in entries
        ],
        default=str,
    ).encode("ascii")


_FIELDS = ("event_name", "params", "ref", "ts", "state_before", "state_after", "error")


def _fitting(
    entries: list[numbering.Entry], view_path: str, masker: Masker, limit: int
) -> tuple[bytes, bytes, int]:
    """The export and the recorded states of the newest events that fit in ``limit``
    bytes together, and how many events they hold."""
    while True:
        shown = [limits.displayable_entry(entry) for entry in entries]
        document = json.dumps(
            timeline_document(view_path, shown, masker), ensure_ascii=False, default=str
        ).encode("utf-8")
        recorded = _as_recorded(entries) if len(document) <= limit else b""
        if len(document) + len(recorded) <= limit or len(entries) <= 1:
            return document, recorded, len(entries)
        entries = entries[len(entries) // 2 :]


def keep(view: Any, cause: str, max_sessions: int, max_bytes: int) -> Kept | None:
    """Keep the last timeline of ``view``, which is going away; None when nothing to keep."""
    buffer = _djust.time_travel_buffer(view)
    if buffer is None or not len(buffer):
        return None
    _, entries = numbering.read(view, buffer, first_seq=1)
    view_path = dotted_path(view)
    document, recorded, events = _fitting(entries, view_path, Masker.for_view(view), max_bytes)
    if len(document) + len(recorded) > max_bytes:
        return None
    kept = Kept(
        id=uuid.uuid4().hex,
        tab=_tabs.get(view),
        owner=owner_of(view),
        view_path=view_path,
        cause=cause,
        url=str(getattr(getattr(view, "request", None), "path", "") or ""),
        ended_at=time.time(),
        events=events,
        document=document,
        recorded=recorded,
        excluded=tuple(getattr(view, "time_travel_excluded_fields", None) or ()),
    )
    STORE.add(kept, max_sessions, max_bytes)
    return kept


def sessions_for(request: HttpRequest, tab: str | None) -> list[Kept]:
    """This browser's kept sessions of ``tab`` (and those of no known tab), newest first."""
    return [k for k in reversed(STORE.of(request)) if k.tab in (tab, None)]


def sessions_for_owner(session_key: str) -> list[Kept]:
    """The kept sessions of one anonymous browser, newest first (tests, benchmarks)."""
    kept = [k for k in STORE.of_all() if k.owner == (None, session_key)]
    return sorted(kept, key=lambda k: k.ended_at, reverse=True)


def find(request: HttpRequest, kept_id: str) -> Kept | None:
    """One kept session of this browser by its id."""
    return next((k for k in STORE.of(request) if k.id == kept_id), None)


def find_for_view(view: Any, kept_id: str) -> Kept | None:
    """One kept session of the browser that mounted ``view`` (a restore's ownership check)."""
    return next((k for k in STORE.of_owner(owner_of(view)) if k.id == kept_id), None)


def restore_refusal(kept: Kept, view: Any) -> str | None:
    """Why a state of ``kept`` cannot go into ``view``, in words; None when it can."""
    if _djust.time_travel_buffer(view) is None:
        return f"Time travel is off for {dotted_path(view)}."
    if dotted_path(view) != kept.view_path:
        return (
            f"This earlier session is of {kept.view_path}; the page shows "
            f"{dotted_path(view)}: a state goes back only into a view of its own class."
        )
    return None


def view_went_away(view: Any, cause: str) -> None:
    """Keep ``view``'s timeline if the panel shows here (DEBUG on, panel listed)."""
    from ..conf import get_setting
    from .install import panel_shown

    sessions = get_setting("EARLIER_SESSIONS")
    if view is None or not sessions or not panel_shown():
        return
    keep(view, cause, sessions, get_setting("EARLIER_SESSIONS_MAX_BYTES"))
