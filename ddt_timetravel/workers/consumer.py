"""The socket side of the worker transport: the worker that holds a view answers.

:class:`TimeTravelConsumerMixin` (or the ready :class:`TimeTravelLiveViewConsumer`)
joins one channel-layer group per djust socket session and answers
``ddt_timetravel.panel_request`` messages by running the named endpoint of the
panel's table (:mod:`ddt_timetravel.endpoints`) here, as the browser that
asked. :func:`ddt_timetravel.ownership.may_see` still decides who sees what,
with the forwarded session key and user pk.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from channels.layers import BaseChannelLayer
from django.conf import settings
from django.http import HttpRequest, QueryDict
from djust.websocket import LiveViewConsumer

from ..endpoints import BY_NAME
from .transport import Answer, PanelRequest, enabled, group_name

logger = logging.getLogger(__name__)


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


def answer(panel_request: PanelRequest) -> Answer:
    """Run the named panel endpoint here, as the browser that asked (sync: renders templates)."""
    endpoint = BY_NAME.get(panel_request.endpoint)
    if endpoint is None or not endpoint.forwardable:
        return Answer.text(404, f"Unknown panel endpoint {panel_request.endpoint!r}.")
    # Without the toolbar's guards (the asker applied them) and never forwarded again.
    return Answer.from_response(endpoint.respond(forwarded_request(panel_request), False))


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
