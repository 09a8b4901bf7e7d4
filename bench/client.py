"""A lean djust socket and panel client for benchmarks, on the real parts.

Like the tests' ``LiveSocket``: djust's own ``LiveViewConsumer`` behind the
demo's ASGI application, driven by channels' ``WebsocketCommunicator`` with a
real Django session cookie. Unlike it, frames are awaited directly instead of
polled every 20 ms, so the wait does not quantise the timings. A frame that
never comes is a failure either way (the long timeout then cancels the app).
"""

from __future__ import annotations

import json
from typing import Any

RECEIVE_TIMEOUT = 60
# Frames that end the server's answer to an event.
EVENT_END_TYPES = frozenset({"patch", "html_update", "noop", "error"})


class BenchSocketError(RuntimeError):
    """The socket did not answer as expected."""


def new_session_key() -> str:
    """A Django session in the database: the "browser" that owns the views it mounts."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store.create()
    return store.session_key


class BenchSocket:
    """One tab's djust socket: connect, mount, fire events, send frames."""

    def __init__(self, communicator: Any, session_key: str) -> None:
        self.communicator = communicator
        self.session_key = session_key
        self.session_id = ""
        self._ref = 0

    async def connect(self) -> None:
        connected, _ = await self.communicator.connect(timeout=RECEIVE_TIMEOUT)
        if not connected:
            raise BenchSocketError("djust refused the WebSocket handshake")
        frame = await self.receive()
        self.session_id = frame["session_id"]

    async def close(self) -> None:
        await self.communicator.disconnect(timeout=RECEIVE_TIMEOUT)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def receive(self) -> dict[str, Any]:
        message = await self.communicator.receive_output(timeout=RECEIVE_TIMEOUT)
        if message["type"] != "websocket.send":
            raise BenchSocketError(f"socket closed or odd message: {message!r}")
        return json.loads(message["text"])

    async def until(self, *types: str) -> list[dict[str, Any]]:
        """Frames up to and including the first one of ``types``."""
        frames = []
        while True:
            frame = await self.receive()
            frames.append(frame)
            if frame.get("type") in types:
                return frames

    async def mount(self, view_path: str, url: str = "/") -> None:
        await self.send({"type": "mount", "view": view_path, "url": url})
        frames = await self.until("mount", "error")
        if frames[-1]["type"] == "error":
            raise BenchSocketError(f"mount of {view_path} failed: {frames[-1]!r}")

    async def event(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Fire ``name`` and wait for the re-render, as a click in the browser does."""
        self._ref += 1
        await self.send({"type": "event", "event": name, "params": params, "ref": self._ref})
        frames = await self.until(*EVENT_END_TYPES)
        if frames[-1]["type"] == "error":
            raise BenchSocketError(f"event {name} failed: {frames[-1]!r}")
        return frames

    async def jump(
        self, index: int, which: str, ddt_event: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """djust's restore frame (with the panel's row identity if given); answered by a
        re-render and ``time_travel_state``."""
        frame: dict[str, Any] = {"type": "time_travel_jump", "index": index, "which": which}
        if ddt_event is not None:
            frame["ddt_event"] = ddt_event
        await self.send(frame)
        frames = await self.until("time_travel_state", "error")
        if frames[-1]["type"] == "error":
            raise BenchSocketError(f"jump failed: {frames[-1]!r}")
        return frames

    @property
    def view(self) -> Any:
        """The mounted LiveView, found the way the panel finds it."""
        from djust.observability.registry import get_view_for_session

        return get_view_for_session(self.session_id)


async def open_socket(session_key: str | None = None, client: str | None = None) -> BenchSocket:
    """A connected socket of a new (or the given) browser session.

    ``client`` is the browser's address in the ASGI scope, as a server sets it;
    without one, ``SHOW_TOOLBAR_CALLBACK`` refuses the socket (no toolbar capture).
    """
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator

    from demo_project.asgi import application

    if session_key is None:
        session_key = await sync_to_async(new_session_key)()
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"host", b"127.0.0.1"),
        (b"cookie", f"sessionid={session_key}".encode()),
    ]
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
    if client is not None:
        communicator.scope["client"] = (client, 43210)
    socket = BenchSocket(communicator, session_key)
    await socket.connect()
    return socket


class Panel:
    """The panel's HTTP endpoints, called as panel.js calls them (same browser session)."""

    def __init__(self, socket: BenchSocket) -> None:
        from django.test import AsyncClient

        self.socket = socket
        self.client = AsyncClient()
        self.client.cookies["sessionid"] = socket.session_key

    async def get(self, name: str, expect: int = 200, **params: Any) -> Any:
        """GET ``djdt:ddt_timetravel_<name>`` for this socket's view; fail loudly on surprises."""
        from django.urls import reverse

        query = {"session": self.socket.session_id, **params}
        response = await self.client.get(reverse(f"djdt:ddt_timetravel_{name}"), query)
        if response.status_code != expect:
            raise BenchSocketError(
                f"{name} answered {response.status_code}: {response.content[:300]!r}"
            )
        return response

    async def locate(self, seq: int) -> int:
        """The current buffer position of event ``seq``."""
        return (await self.get("locate", seq=seq)).json()["index"]
