"""Panel requests across ASGI workers, over the channel layer.

djust keeps a view's time-travel buffer in the memory of the process that holds
its socket (``djust.observability.registry``). With several ASGI workers, the
panel's HTTP request may land on a worker that does not hold the socket, and
the local registry finds nothing. This module lets that worker ask the one that
does, through the project's channel layer (channels_redis) rather than a
connection of its own:

* The socket side: :class:`TimeTravelConsumerMixin` (or the ready
  :class:`TimeTravelLiveViewConsumer`) joins one group per djust socket session,
  ``ddt_timetravel.<session id>``, and answers ``ddt_timetravel.panel_request``
  messages by running the very same panel endpoint locally, as the browser that
  asked. :func:`ddt_timetravel.ownership.may_see` still decides who sees what, with
  the forwarded session key and user pk.
* The asking side: :func:`ask_owner`, called by ``views.panel_endpoint`` when
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
from importlib import import_module
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from djust.websocket import LiveViewConsumer

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


# --------------------------------------------------------------------------
# The socket side (the worker that holds the view)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardedUser:
    """The asking browser's logged-in user, as far as the ownership check needs one.

    Only the pk is forwarded; loading the user from the database would add a
    query and nothing the check uses.
    """

    pk: Any
    is_authenticated: bool = True
    is_anonymous: bool = False
    is_active: bool = True

    @property
    def id(self) -> Any:
        """Django's usual alias of ``pk``."""
        return self.pk


def _user(user_pk: str | None) -> Any:
    """The forwarded user, or an anonymous one (auth imported late: models must be ready)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    if user_pk is None:
        return AnonymousUser()
    return ForwardedUser(get_user_model()._meta.pk.to_python(user_pk))


def forwarded_request(panel_request: PanelRequest) -> HttpRequest:
    """A GET request with the forwarded query, session key and user: what the endpoint reads.

    The toolbar's visibility check is not repeated: the asking worker applied it
    to the real request before it asked.
    """
    request = HttpRequest()
    request.method = "GET"
    query_string = urlencode(panel_request.query, doseq=True)
    request.META.update({"REQUEST_METHOD": "GET", "QUERY_STRING": query_string})
    request.GET = QueryDict(query_string)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    request.session = store(session_key=panel_request.session_key)
    request.user = _user(panel_request.user_pk)
    return request


def _local_endpoints() -> dict[str, Callable[[HttpRequest], HttpResponse]]:
    """URL name -> the endpoint without its guards and without remote lookup (no ping-pong)."""
    from ..panels import TimeTravelPanel

    found = {}
    for pattern in TimeTravelPanel.get_urls():
        local = getattr(pattern.callback, "answer_locally", None)
        if pattern.name and local is not None:
            found[pattern.name] = local
    return found


def answer(panel_request: PanelRequest) -> Answer:
    """Run the named panel endpoint here, as the browser that asked (sync: renders templates)."""
    endpoint = _local_endpoints().get(panel_request.endpoint)
    if endpoint is None:
        return Answer.text(404, f"Unknown panel endpoint {panel_request.endpoint!r}.")
    return Answer.from_response(endpoint(forwarded_request(panel_request)))


async def answer_message(layer: BaseChannelLayer, message: dict[str, Any]) -> None:
    """Answer one panel request message on its reply channel; never raises.

    The endpoint runs in a worker thread of its own (``thread_sensitive=False``)
    so that it neither blocks the event loop nor queues behind djust's handlers.
    """
    reply_channel = message.get("reply_channel")
    if not isinstance(reply_channel, str):
        logger.warning("ddt_timetravel: panel request without a reply channel ignored")
        return
    try:
        result = await sync_to_async(answer, thread_sensitive=False)(
            PanelRequest.from_message(message)
        )
    except ValueError as exc:
        result = Answer.text(400, f"The panel request could not be read: {exc}.")
    except Exception:  # a panel failure must never reach the socket
        logger.exception("ddt_timetravel: answering a forwarded panel request failed")
        result = Answer.text(
            500, "The worker that holds this page's socket failed to answer; see its log."
        )
    try:
        await layer.send(reply_channel, result.as_message())
    except Exception:  # the asker times out with a clear message
        logger.exception("ddt_timetravel: sending a panel answer failed")


# Strong references to answers in flight: the event loop keeps only weak ones.
_in_flight: set[asyncio.Task[None]] = set()


if TYPE_CHECKING:
    # What the mixin is put in front of, so its super() calls are checked.
    _Consumer = LiveViewConsumer
else:
    _Consumer = object


class TimeTravelConsumerMixin(_Consumer):
    """Lets panel requests that land on another worker reach this socket's view.

    Put it before djust's ``LiveViewConsumer`` (or a subclass of it). With
    ``REMOTE_LOOKUP`` on, each socket joins the group of its djust session id
    once connected and leaves it on disconnect; it answers only
    ``ddt_timetravel.panel_request`` messages, so no unknown type ever reaches
    djust's dispatcher (which closes the socket on one), and leaves every frame
    of djust's own untouched.
    """

    _ddt_timetravel_group: str | None = None

    async def connect(self) -> None:
        """djust's connect (which makes ``session_id``), then join that session's group."""
        await super().connect()
        session_id = getattr(self, "session_id", None)
        if session_id and self.channel_layer is not None and enabled():
            group = group_name(session_id)
            await self.channel_layer.group_add(group, self.channel_name)
            self._ddt_timetravel_group = group

    async def disconnect(self, close_code: int) -> None:
        """Leave the session's group first, then let djust clean up; both always run."""
        group, self._ddt_timetravel_group = self._ddt_timetravel_group, None
        try:
            if group is not None:
                await self.channel_layer.group_discard(group, self.channel_name)
        finally:
            await super().disconnect(close_code)

    async def ddt_timetravel_panel_request(self, message: dict[str, Any]) -> None:
        """Channels' handler for ``REQUEST_TYPE``: answer in a task of its own."""
        task = asyncio.ensure_future(answer_message(self.channel_layer, message))
        _in_flight.add(task)
        task.add_done_callback(_in_flight.discard)


class TimeTravelLiveViewConsumer(TimeTravelConsumerMixin, LiveViewConsumer):
    """djust's ``LiveViewConsumer`` that also answers panel requests from other workers.

    Route ``ws/live/`` to ``TimeTravelLiveViewConsumer.as_asgi()`` in ``asgi.py``
    instead of ``LiveViewConsumer.as_asgi()``.
    """
