"""Several ASGI workers of the demo, one redis, one SQLite file, and real clients for them.

Shared by ``tests/test_multiprocess.py`` and ``bench/cross_worker.py``; no pytest
here. The parts are the real ones a deployment has: Debian's ``redis-server``,
daphne's ``runserver`` per worker (``tests.server_settings_redis``), an HTTP
client with a cookie jar (one "browser"), and a ``websockets`` client for
djust's socket with that browser's session cookie.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_MANAGE = REPO_ROOT / "demo" / "manage.py"
SETTINGS_MODULE = "tests.server_settings_redis"
REDIS_MISSING = (
    "redis-server not found: install Debian's redis-server package "
    "(apt-get install redis-server, or run `make test` as root) to run the multi-worker tests"
)
# Frames that end djust's answer to an event (as in tests/conftest.py).
EVENT_END_TYPES = frozenset({"patch", "html_update", "noop", "error"})


class HarnessError(RuntimeError):
    """A server did not start or answer; the message carries its log."""


def free_port() -> int:
    """A free loopback TCP port (free now; taken a moment later by the caller)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_server_path() -> str | None:
    """Debian's ``redis-server``, if installed."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --------------------------------------------------------------------------
# redis
# --------------------------------------------------------------------------


@dataclass
class Redis:
    """A throw-away ``redis-server`` on a free loopback port, without persistence."""

    process: subprocess.Popen[Any]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        _stop(self.process)


def start_redis(executable: str, timeout: float = 10) -> Redis:
    """Start redis and wait until it answers PING."""
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        + ["--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise HarnessError(f"redis-server exited with {process.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return Redis(process, port)
        except OSError:
            pass
        if time.monotonic() > deadline:
            _stop(process)
            raise HarnessError(f"redis-server did not answer PING on port {port}")
        time.sleep(0.05)


# --------------------------------------------------------------------------
# ASGI workers
# --------------------------------------------------------------------------


@dataclass
class Cluster:
    """What every worker shares: the database file, the redis URL, the settings."""

    workdir: Path
    redis_url: str
    remote_timeout: float = 2.0

    @property
    def db_path(self) -> Path:
        return self.workdir / "shared.sqlite3"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            DEMO_DB_PATH=str(self.db_path),
            DDT_TT_REDIS_URL=self.redis_url,
            DDT_TT_REMOTE_TIMEOUT=str(self.remote_timeout),
            PYTHONUNBUFFERED="1",
        )
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        return env

    def migrate(self) -> None:
        """Create the shared database once, before any worker starts."""
        done = subprocess.run(
            [sys.executable, str(DEMO_MANAGE), "migrate", "--noinput", "-v", "0"],
            cwd=REPO_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise HarnessError(f"migrate failed ({done.returncode}):\n{done.stdout}{done.stderr}")

    def start_workers(self, *names: str, timeout: float = 60) -> list[Worker]:
        """Start one daphne ``runserver`` per name, all at once; return them when all answer."""
        workers = [self._spawn(name) for name in names]
        try:
            for worker in workers:
                worker.wait_ready(timeout)
        except HarnessError:
            for worker in workers:
                worker.stop()
            raise
        return workers

    def _spawn(self, name: str) -> Worker:
        port = free_port()
        log_path = self.workdir / f"worker-{name}.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, str(DEMO_MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
                cwd=REPO_ROOT,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return Worker(name, process, f"http://127.0.0.1:{port}", log_path)


@dataclass
class Worker:
    """One ASGI server process of the demo."""

    name: str
    process: subprocess.Popen[Any]
    base_url: str
    log_path: Path

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise HarnessError(
                    f"worker {self.name} exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                with _OPENER.open(self.base_url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise HarnessError(
                    f"worker {self.name} did not answer in {timeout}s:\n{self.log()}"
                )
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: the worker vanishes as a crashed process would, without any cleanup."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        _stop(self.process)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no log)"


# --------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------

# No proxy from the environment may stand between the tests and loopback.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


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
    """One browser: its cookies go to every worker (cookies do not depend on the port)."""

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
        raise HarnessError("this browser has no Django session cookie yet: GET a page first")


class LiveSocket:
    """djust's socket of one page, over a real WebSocket (``websockets``' sync client)."""

    def __init__(self, worker: Worker, browser: Browser, timeout: float = 10) -> None:
        from websockets.sync.client import connect

        self.frames: list[dict[str, Any]] = []
        self._ref = 0
        self._exit = contextlib.ExitStack()
        self.connection = self._exit.enter_context(
            connect(
                worker.base_url.replace("http://", "ws://", 1) + "/ws/live/",
                origin=worker.base_url,  # type: ignore[arg-type]
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
                raise HarnessError(f"no {types} frame within {timeout}s; frames: {seen}")
            got.append(self.receive(timeout=remaining))
            if got[-1].get("type") in types:
                return got

    def send(self, frame: dict[str, Any]) -> None:
        self.connection.send(json.dumps(frame))

    def mount(self, view_path: str, url: str) -> dict[str, Any]:
        self.send({"type": "mount", "view": view_path, "url": url})
        frame = self.receive_until("mount", "error")[-1]
        if frame["type"] == "error":
            raise HarnessError(f"mount of {view_path} failed: {frame!r}")
        return frame

    def event(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Fire ``name`` and wait for djust's re-render."""
        self._ref += 1
        self.send({"type": "event", "event": name, "params": params, "ref": self._ref})
        return self.receive_until(*EVENT_END_TYPES)

    def close(self) -> None:
        self._exit.close()


def open_page(worker: Worker, browser: Browser, path: str, view_path: str) -> LiveSocket:
    """What a browser does for a LiveView page: GET it (the session is made), connect, mount."""
    page = browser.get(worker.base_url + path)
    if page.status != 200:
        raise HarnessError(f"GET {path} from worker {worker.name}: {page.status}")
    live = LiveSocket(worker, browser)
    live.mount(view_path, path)
    return live
