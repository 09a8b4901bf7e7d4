"""Clients of a served demo as a browser is one: cookies over HTTP, djust's socket.

:class:`Browser` keeps its cookies for every server on loopback (cookies do not
depend on the port), and :class:`LiveSocket` is one page's djust socket over a
real WebSocket with that browser's session cookie.
"""

from __future__ import annotations

import contextlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any

from .server import DemoServer, ServerError

# Frames that end djust's answer to an event: the re-render, "nothing changed", or an error.
EVENT_END_TYPES = frozenset({"patch", "html_update", "noop", "error"})


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Browser:
    """One browser: its cookies go to every server on loopback."""

    jar: CookieJar = field(default_factory=CookieJar)

    def __post_init__(self) -> None:
        self._opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, url: str, timeout: float = 30) -> Response:
        """GET ``url``; an HTTP error status is returned, not raised."""
        try:
            with self._opener.open(url, timeout=timeout) as response:
                return Response(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    @property
    def session_key(self) -> str:
        for cookie in self.jar:
            if cookie.name == "sessionid" and cookie.value:
                return cookie.value
        raise ServerError("this browser has no Django session cookie yet: GET a page first")


class LiveSocket:
    """djust's socket of one page, over a real WebSocket (``websockets``' sync client)."""

    def __init__(self, server: DemoServer, browser: Browser, timeout: float = 10) -> None:
        from websockets.sync.client import connect

        self.frames: list[dict[str, Any]] = []
        self._ref = 0
        self._exit = contextlib.ExitStack()
        self.connection = self._exit.enter_context(
            connect(
                server.base_url.replace("http://", "ws://", 1) + "/ws/live/",
                origin=server.base_url,  # type: ignore[arg-type]
                additional_headers={"Cookie": f"sessionid={browser.session_key}"},
                proxy=None,
                open_timeout=timeout,
            )
        )
        self.session_id: str = self.receive_until("connect")[-1]["session_id"]

    def receive(self, timeout: float = 10) -> dict[str, Any]:
        frame = json.loads(self.connection.recv(timeout=timeout))
        self.frames.append(frame)
        return frame

    def receive_until(self, *types: str, timeout: float = 10) -> list[dict[str, Any]]:
        """Frames up to and including the first of one of ``types``."""
        deadline = time.monotonic() + timeout
        got = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [f.get("type") for f in self.frames]
                raise ServerError(f"no {types} frame within {timeout}s; frames: {seen}")
            got.append(self.receive(timeout=remaining))
            if got[-1].get("type") in types:
                return got

    def send(self, frame: dict[str, Any]) -> None:
        self.connection.send(json.dumps(frame))

    def mount(self, view_path: str, url: str) -> dict[str, Any]:
        self.send({"type": "mount", "view": view_path, "url": url})
        frame = self.receive_until("mount", "error")[-1]
        if frame["type"] == "error":
            raise ServerError(f"mount of {view_path} failed: {frame!r}")
        return frame

    def event(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Fire ``name`` and wait for djust's re-render."""
        self._ref += 1
        self.send({"type": "event", "event": name, "params": params, "ref": self._ref})
        return self.receive_until(*EVENT_END_TYPES)

    def close(self) -> None:
        self._exit.close()


def open_page(server: DemoServer, browser: Browser, path: str, view_path: str) -> LiveSocket:
    """What a browser does for a LiveView page: GET it (the session is made), connect, mount."""
    page = browser.get(server.base_url + path)
    if page.status != 200:
        raise ServerError(f"GET {path} from {server.name}: {page.status}")
    live = LiveSocket(server, browser)
    live.mount(view_path, path)
    return live
