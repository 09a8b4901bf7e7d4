"""Panel requests across ASGI workers, over the channel layer.

djust keeps a view's time-travel buffer in the memory of the process that holds
its socket (``djust.observability.registry``). With several ASGI workers, the
panel's HTTP request may land on a worker that does not hold the socket, and
the local registry finds nothing. This module lets that worker ask the one that
does, through the project's channel layer (channels_redis) rather than a
connection of its own:

* The socket side (:mod:`.consumer`) joins one group per djust socket session,
  ``ddt_timetravel.<session id>``, and answers ``ddt_timetravel.panel_request``
  messages by running the very same panel endpoint locally, as the browser that
  asked.
* The asking side, here: :func:`ask_owner`, called by :mod:`ddt_timetravel.endpoints` when
  the local lookup fails and ``REMOTE_LOOKUP`` is on, sends the request to that
  group with a fresh reply channel and waits at most ``REMOTE_TIMEOUT`` seconds,
  so a stopped worker costs one clear answer, never a hang.

Nothing here runs unless a project opts in (the consumer in ``asgi.py`` and the
setting). The consumer adds nothing to djust's event path: it extends only
``connect`` and ``disconnect`` and answers its own message type in a task of its
own, so the socket's frames never wait for a panel request.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.http import HttpRequest, HttpResponse

from ..conf import get_setting
from ..ownership import parse_session_id

logger = logging.getLogger(__name__)

#: Group of one djust socket session: ``GROUP_PREFIX + session id``. channels
#: allows ``[A-Za-z0-9-_.]`` under 100 characters; a UUID fits.
GROUP_PREFIX = "ddt_timetravel."
#: The one message type the consumer handles; channels dispatches it to the
#: method of the same name with dots as underscores.
REQUEST_TYPE = "ddt_timetravel.panel_request"
ANSWER_TYPE = "ddt_timetravel.panel_answer"
REPLY_PREFIX = "ddt_timetravel_reply"

Problem = Callable[[str, int], HttpResponse]

# Set again by the asking worker's own response handling.
_NOT_FORWARDED_HEADERS = frozenset({"content-type", "content-length"})


def enabled() -> bool:
    """Whether panel requests may be forwarded to other workers (``REMOTE_LOOKUP``)."""
    return bool(get_setting("REMOTE_LOOKUP"))


def group_name(session_id: str) -> str:
    """The channel-layer group that the socket with ``session_id`` joins."""
    return GROUP_PREFIX + session_id


def timeout_message(timeout: float) -> str:
    """What the panel says when no worker answered: stopped, or the socket is gone."""
    return (
        f"The worker that holds this page's socket did not answer within {timeout:g} s. "
        "Is it still running? Reload the page."
    )


# --------------------------------------------------------------------------
# What travels over the layer
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PanelRequest:
    """One panel request as the asking worker forwards it: the endpoint, its query, who asks.

    ``user_pk`` travels as text (the layer's msgpack carries no UUIDs) and is
    turned back into a pk by the user model's primary key field.
    """

    endpoint: str
    query: dict[str, list[str]]
    session_key: str | None
    user_pk: str | None

    @classmethod
    def from_request(cls, request: HttpRequest) -> PanelRequest:
        """The endpoint (by URL name), query and identity of an incoming panel request."""
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        pk = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
        return cls(
            endpoint=(match.url_name if match else None) or "",
            query={key: list(values) for key, values in request.GET.lists()},
            session_key=getattr(getattr(request, "session", None), "session_key", None),
            user_pk=None if pk is None else str(pk),
        )

    def as_message(self, reply_channel: str) -> dict[str, Any]:
        """The channel-layer message, with where to send the answer."""
        return {
            "type": REQUEST_TYPE,
            "endpoint": self.endpoint,
            "query": self.query,
            "session_key": self.session_key,
            "user_pk": self.user_pk,
            "reply_channel": reply_channel,
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> PanelRequest:
        """Parse a received message; ValueError when it is not one :meth:`as_message` made."""
        endpoint, query = message.get("endpoint"), message.get("query")
        session_key, user_pk = message.get("session_key"), message.get("user_pk")
        if (
            not isinstance(endpoint, str)
            or not isinstance(query, dict)
            or not all(
                isinstance(key, str) and isinstance(values, list | tuple)
                for key, values in query.items()
            )
            or not all(isinstance(v, str) for values in query.values() for v in values)
            or not isinstance(session_key, str | None)
            or not isinstance(user_pk, str | None)
        ):
            raise ValueError("malformed panel request")
        return cls(endpoint, {k: list(v) for k, v in query.items()}, session_key, user_pk)


@dataclass(frozen=True)
class Answer:
    """An endpoint's response as it travels back: status, content type, body, other headers.

    Other headers matter for the export endpoint's ``Content-Disposition``.
    """

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def text(cls, status: int, message: str) -> Answer:
        """A plain-text answer, for what went wrong before the endpoint could run."""
        return cls(status, "text/plain; charset=utf-8", message.encode())

    @classmethod
    def from_response(cls, response: HttpResponse) -> Answer:
        """Keep what the panel and the browser use of an endpoint's response."""
        headers = tuple(
            (name, value)
            for name, value in response.items()
            if name.lower() not in _NOT_FORWARDED_HEADERS
        )
        return cls(
            response.status_code, response.get("Content-Type", ""), response.content, headers
        )

    def as_message(self) -> dict[str, Any]:
        """The channel-layer message sent to the asker's reply channel."""
        return {
            "type": ANSWER_TYPE,
            "status": self.status,
            "content_type": self.content_type,
            "body": self.body,
            "headers": [list(header) for header in self.headers],
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Answer:
        """Parse a reply; ValueError when it is not one :meth:`as_message` made."""
        status, content_type, body = (message.get(k) for k in ("status", "content_type", "body"))
        headers = message.get("headers") or []
        if (
            not isinstance(status, int)
            or not isinstance(content_type, str)
            or not isinstance(body, bytes)
            or not all(
                isinstance(h, list | tuple) and len(h) == 2 and all(isinstance(x, str) for x in h)
                for h in headers
            )
        ):
            raise ValueError("malformed panel answer")
        return cls(status, content_type, body, tuple((name, value) for name, value in headers))

    def as_response(self) -> HttpResponse:
        """The response the asking worker returns, as if it had answered itself."""
        response = HttpResponse(self.body, status=self.status, content_type=self.content_type)
        for name, value in self.headers:
            response[name] = value
        return response


# --------------------------------------------------------------------------
# The asking side (a sync endpoint in a worker without the view)
# --------------------------------------------------------------------------


def ask_owner(request: HttpRequest, problem: Problem) -> HttpResponse:
    """Forward ``request`` to the worker that holds its socket and return that answer.

    Called only after the local lookup found no view, so the ``session`` parameter
    has been validated already. No answer in time is a 504 with a clear message.
    """
    session_id = parse_session_id(request.GET.get("session"))
    timeout = float(get_setting("REMOTE_TIMEOUT"))
    try:
        answer = async_to_sync(ask)(session_id, PanelRequest.from_request(request), timeout)
    except Exception as exc:  # the layer's failure is shown, not raised
        logger.exception("ddt_timetravel: asking the other workers failed")
        return problem(
            f"Could not ask the other workers over the channel layer ({type(exc).__name__}: "
            f"{exc}). Check CHANNEL_LAYERS and that its server (e.g. redis) is running.",
            503,
        )
    if answer is None:
        return problem(timeout_message(timeout), 504)
    return answer.as_response()


async def ask(
    session_id: str,
    panel_request: PanelRequest,
    timeout: float,
    layer: BaseChannelLayer | None = None,
) -> Answer | None:
    """Send ``panel_request`` to the socket's group; its answer, or None after ``timeout``."""
    if layer is None:
        layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")
    try:
        return await asyncio.wait_for(_round_trip(layer, session_id, panel_request), timeout)
    except asyncio.TimeoutError:
        return None


async def _round_trip(
    layer: BaseChannelLayer, session_id: str, panel_request: PanelRequest
) -> Answer:
    # A fresh reply channel per request: a late answer to an earlier request
    # can never be taken for this one. (channels' base class leaves out the prefix
    # that its in-memory and Redis layers take.)
    reply_channel = await layer.new_channel(REPLY_PREFIX)  # type: ignore[call-arg]
    await layer.group_send(group_name(session_id), panel_request.as_message(reply_channel))
    return Answer.from_message(await layer.receive(reply_channel))
