"""Find the live view a request may see: djust's registry plus an ownership check.

The browser knows its djust WebSocket session id; the server finds the view in
djust's in-process registry. A view is only handed to the browser that mounted
it: the same Django session, or for a logged-in mounter the same user (the
session key changes at login). This mirrors djust's own SSE owner check.
"""

from __future__ import annotations

import uuid
import weakref
from typing import Any

from django.http import HttpRequest
from djust.observability.registry import get_view_for_session

from . import _djust

# No "reload the page": a reload cannot help with most of these, and after a close
# djust reconnects by itself (the panel follows the new session).
NOT_FOUND_MESSAGE = (
    "No live view of this browser has that socket session: the socket closed (djust "
    "reconnects with a new, empty history), another server process holds it (see "
    "REMOTE_LOOKUP), or another browser or user mounted it."
)


class ViewNotFound(LookupError):
    """No view this request may see; the message is safe to show."""

    def __init__(self, message: str = NOT_FOUND_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


def parse_session_id(raw: str | None) -> str:
    """Validate a djust socket session id (a UUID); raise ValueError otherwise."""
    if not raw:
        raise ValueError("The 'session' parameter is required.")
    try:
        return str(uuid.UUID(raw))
    except (ValueError, AttributeError, TypeError):
        raise ValueError("The 'session' parameter must be a djust socket session id.") from None


def _user_pk(user: Any) -> Any:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


def owner_of(view: Any) -> tuple[Any, str | None]:
    """(user pk or None, Django session key or None) of the browser that mounted ``view``."""
    request = getattr(view, "request", None)
    return _user_pk(getattr(request, "user", None)), _djust.mounting_session_key(view)


def may_see(request: HttpRequest, view: Any) -> bool:
    """True when ``request`` comes from the browser (or user) that mounted ``view``."""
    return is_owner(request, owner_of(view))


def is_owner(request: HttpRequest, owner: tuple[Any, str | None]) -> bool:
    """True when ``request`` comes from ``owner``, a ``(user pk, session key)`` of a mount."""
    session = getattr(request, "session", None)
    asking = (_user_pk(getattr(request, "user", None)), getattr(session, "session_key", None))
    return same_browser(asking, owner)


def same_browser(asking: tuple[Any, str | None], owner: tuple[Any, str | None]) -> bool:
    """True when ``asking`` is ``owner``: the same user if a user mounted, else the same
    Django session (both ``(user pk, session key)``)."""
    owner_pk, owner_session_key = owner
    if owner_pk is not None:
        return bool(asking[0] == owner_pk)
    return bool(owner_session_key) and asking[1] == owner_session_key


def find_view(request: HttpRequest, session_id: str) -> Any:
    """The view behind ``session_id`` if this request owns it; else ViewNotFound."""
    view = get_view_for_session(session_id)
    if view is None or not may_see(request, view):
        raise ViewNotFound()
    return view


_instances: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def instance_id(view: Any) -> str:
    """A random id of this view instance: a ``live_redirect`` mounts a new view on the
    same socket session, and the panel must tell the two apart."""
    token = _instances.get(view)
    if token is None:
        token = _instances.setdefault(view, uuid.uuid4().hex)
    return token
