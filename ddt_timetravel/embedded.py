"""Every LiveView on the page's socket: the view djust mounted and its embedded children.

A ``{% live_render %}`` child is a LiveView of its own, with its own time-travel
buffer: djust routes an event whose params carry its ``view_id`` to it and
records the snapshot in the child's buffer. The panel lists each one with its
class and number of events, and shows each one's timeline. A child is restored
through the page's socket by its ``view_id`` (:func:`._djust.restore_child`);
djust's replay frame acts on ``consumer.view_instance`` alone, so a child's
events cannot be replayed, and the timeline says why.

Children are found where djust's consumer finds them (:func:`._djust.child_views`),
and belong to whoever owns their parent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import _djust
from .page import dotted_path

MAX_CHILD_ID = 64
MAX_LISTED = 20
NO_REPLAY = (
    "Embedded view: Restore before and after work on it; Replay does not, as djust's "
    "replay frame acts only on the view mounted on the page's socket ({parent})."
)


class NoSuchChild(LookupError):
    """The page's view has no embedded LiveView by that id; the message is safe to show."""


@dataclass(frozen=True)
class PageView:
    """One LiveView of the page's socket, as the header lists it."""

    view_id: str  # "" for the view mounted on the socket
    path: str
    events: int | None  # None: it does not record time travel

    @property
    def embedded(self) -> bool:
        """True for a ``{% live_render %}`` child."""
        return bool(self.view_id)


def valid_child_id(raw: str) -> str:
    """A child's ``view_id`` as djust makes them (``cart``, ``child_3``); ValueError else."""
    if len(raw) > MAX_CHILD_ID or not raw.replace("-", "").replace("_", "").isalnum():
        raise ValueError("The 'child' parameter must be an embedded view's id, like 'child_3'.")
    return raw


def child(view: Any, view_id: str) -> Any:
    """The embedded LiveView ``view_id`` of ``view``; NoSuchChild when it is not there."""
    found = _djust.child_views(view).get(view_id)
    if found is None:
        raise NoSuchChild(
            f"The page's view has no embedded LiveView '{view_id}' any more: its parent "
            "re-rendered without it, or the page was reloaded."
        )
    return found


def _events(view: Any) -> int | None:
    buffer = _djust.time_travel_buffer(view)
    return None if buffer is None else len(buffer)


def listed(view: Any) -> list[PageView]:
    """The mounted view first, then its embedded children in the order djust registered them."""
    views = [PageView("", dotted_path(view), _events(view))]
    for view_id, embedded in list(_djust.child_views(view).items())[:MAX_LISTED]:
        views.append(PageView(str(view_id), dotted_path(embedded), _events(embedded)))
    return views


def no_replay_reason(parent: Any) -> str:
    """Why an embedded view's events cannot be replayed, in words."""
    return NO_REPLAY.format(parent=dotted_path(parent))
