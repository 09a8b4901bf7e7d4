"""djust over a real socket: its own ``LiveViewConsumer`` behind the demo's ASGI app.

Driven by channels' ``WebsocketCommunicator`` with a real Django session cookie.
Frames are read by polling, never by letting ``receive_json_from`` time out (a
timeout there cancels the application).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from demo_harness.clients import EVENT_END_TYPES


class LiveSocketError(AssertionError):
    """The socket did not answer as expected; the message lists what did arrive."""


class LiveSocket:
    """One browser tab's djust socket: connect, mount a view, send events and frames.

    ``frames`` keeps every frame received so far, in order, for assertions and for
    failure messages.
    """

    def __init__(self, communicator: Any, django_session_key: str) -> None:
        self.communicator = communicator
        self.django_session_key = django_session_key
        self.session_id: str | None = None
        self.frames: list[dict[str, Any]] = []
        self._ref = 0
        self._closed = False

    # -- connection --------------------------------------------------------

    async def connect(self, timeout: float = 10) -> dict[str, Any]:
        connected, _subprotocol = await self.communicator.connect(timeout=timeout)
        if not connected:
            raise LiveSocketError("djust refused the WebSocket handshake (origin or session?)")
        frame = await self.receive(timeout=timeout)
        if frame.get("type") != "connect" or not frame.get("session_id"):
            raise LiveSocketError(f"expected a connect frame with a session_id, got {frame!r}")
        self.session_id = frame["session_id"]
        return frame

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        # A consumer that hangs in disconnect() is cancelled by the communicator.
        with contextlib.suppress(asyncio.TimeoutError):
            await self.communicator.disconnect(timeout=10)

    # -- raw frames --------------------------------------------------------

    async def send(self, frame: dict[str, Any]) -> None:
        """Send one client frame as JSON, exactly as the browser would."""
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        """Return the next frame, polling so that a slow server never cancels the app."""
        deadline = time.monotonic() + timeout
        while await self.communicator.receive_nothing(timeout=0.02, interval=0.005):
            if time.monotonic() > deadline:
                raise LiveSocketError(
                    f"no frame within {timeout}s; frames so far: {self._describe()}"
                )
        message = await self.communicator.receive_output(timeout=1)
        if message["type"] == "websocket.close":
            self._closed = True
            raise LiveSocketError(
                f"server closed the socket (code {message.get('code')}); "
                f"frames so far: {self._describe()}"
            )
        if message["type"] != "websocket.send" or message.get("text") is None:
            raise LiveSocketError(f"unexpected ASGI message {message!r}")
        frame = json.loads(message["text"])
        self.frames.append(frame)
        return frame

    async def receive_until(
        self, *types: str, timeout: float = 10, allow_error: bool = False
    ) -> list[dict[str, Any]]:
        """Receive frames up to and including the first one whose type is in ``types``.

        An ``error`` frame on the way raises, unless ``"error"`` is one of ``types``
        or ``allow_error`` is true.
        """
        wanted = set(types)
        deadline = time.monotonic() + timeout
        got: list[dict[str, Any]] = []
        while True:
            frame = await self.receive(timeout=max(0.0, deadline - time.monotonic()))
            got.append(frame)
            if frame.get("type") in wanted:
                return got
            if frame.get("type") == "error" and not allow_error:
                raise LiveSocketError(f"error frame while waiting for {sorted(wanted)}: {frame!r}")

    async def drain(self, quiet: float = 0.1) -> list[dict[str, Any]]:
        """Receive every frame that arrives until the socket is quiet for ``quiet`` seconds."""
        got = []
        while not await self.communicator.receive_nothing(timeout=quiet):
            got.append(await self.receive())
        return got

    # -- djust verbs -------------------------------------------------------

    async def mount(
        self, view_path: str, url: str = "/", params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Mount ``view_path`` (e.g. ``"demo_app.views.CounterView"``) as the page at ``url``."""
        frame: dict[str, Any] = {"type": "mount", "view": view_path, "url": url}
        if params:
            frame["params"] = params
        await self.send(frame)
        frames = await self.receive_until("mount", "error")
        if frames[-1]["type"] == "error":
            raise LiveSocketError(f"mount of {view_path} failed: {frames[-1]!r}")
        return frames[-1]

    async def event(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Fire event ``name``; return the frames up to the re-render (``patch``).

        The list includes the ``time_travel_event`` frame djust pushes for the
        recorded event. An ``error`` frame (a handler that raised: a normal case for
        the panel) also ends the answer; djust pushes that event's
        ``time_travel_event`` after the error, so the frames that follow it until the
        socket is quiet are included too.
        """
        self._ref += 1
        await self.send({"type": "event", "event": name, "params": params, "ref": self._ref})
        frames = await self.receive_until(*EVENT_END_TYPES)
        if frames[-1]["type"] == "error":
            frames += await self.drain(quiet=0.2)
        return frames

    # -- the server side ---------------------------------------------------

    @property
    def view(self) -> Any:
        """The mounted LiveView instance, found the way the panel finds it."""
        from djust.observability.registry import get_view_for_session

        if self.session_id is None:
            raise LiveSocketError("not connected")
        return get_view_for_session(self.session_id)

    def _describe(self) -> str:
        return ", ".join(str(f.get("type")) for f in self.frames) or "(none)"


def create_django_session(data: dict[str, Any] | None = None) -> str:
    """A new Django session (another "browser") in the database; its key."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    for key, value in (data or {}).items():
        store[key] = value
    store.create()
    return store.session_key


#: A developer's own browser: in INTERNAL_IPS, so the toolbar shows for it and each
#: turn on its socket is also captured for the toolbar's own panels, as in real use.
#: Every socket has it unless a test says otherwise; tests of the capture name it.
TOOLBAR_CLIENT = "127.0.0.1"
#: A browser the toolbar does not show for: nothing of its turns is captured.
OUTSIDE_CLIENT = "203.0.113.9"


@pytest.fixture
async def open_live_socket(
    transactional_db: None,
) -> AsyncIterator[Callable[..., Awaitable[LiveSocket]]]:
    """Factory: ``await open_live_socket(session_key=None, origin=..., connect=True, client=...)``.

    Each call opens another socket (another "tab"); with ``session_key=None`` a new
    Django session (another "browser") is created in the database. ``client`` is the
    browser's address (:data:`TOOLBAR_CLIENT` unless given). All sockets are closed
    at teardown.
    """
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from demo_project.asgi import application

    sockets: list[LiveSocket] = []

    async def open_socket(
        session_key: str | None = None,
        origin: str = "http://127.0.0.1",
        connect: bool = True,
        client: str = TOOLBAR_CLIENT,
    ) -> LiveSocket:
        if session_key is None:
            session_key = await sync_to_async(create_django_session)()
        headers = [
            (b"origin", origin.encode()),
            (b"host", b"127.0.0.1"),
            (b"cookie", f"sessionid={session_key}".encode()),
        ]
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        # The browser's address, as an ASGI server puts it in the scope (before any await).
        communicator.scope["client"] = (client, 43210)
        live = LiveSocket(communicator, session_key)
        sockets.append(live)
        if connect:
            await live.connect()
        return live

    yield open_socket

    for live in reversed(sockets):
        await live.close()


@pytest.fixture
async def live_socket(open_live_socket: Callable[..., Awaitable[LiveSocket]]) -> LiveSocket:
    """A connected djust socket with a fresh Django session.

    Example::

        await live_socket.mount("demo_app.views.CounterView", "/counter/")
        frames = await live_socket.event("increment")
        assert live_socket.view.count == 1
    """
    return await open_live_socket()


@pytest.fixture
def small_buffer() -> Iterator[int]:
    """Views mounted during the test keep only 5 events, so a few events evict."""
    from djust.config import config as djust_config

    previous = djust_config.get("time_travel_max_events")
    djust_config.set("time_travel_max_events", 5)
    yield 5
    djust_config.set("time_travel_max_events", previous)
