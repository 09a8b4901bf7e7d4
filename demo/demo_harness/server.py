"""One ``manage.py runserver`` on a loopback port: started, waited for, stopped."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_MANAGE = REPO_ROOT / "demo" / "manage.py"
DEMO_SETTINGS = "demo_project.settings"
#: A page every demo configuration serves: the server is up once it answers 200.
READY_PATH = "/counter/"
#: No proxy from the environment may stand between a client and loopback.
LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ServerError(RuntimeError):
    """A server did not start or answer; the message carries its log."""


def free_port() -> int:
    """A free loopback TCP port (free now; taken a moment later by the caller)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, then SIGKILL if the process is still there after 10 seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def demo_env(
    settings_module: str, db_path: Path, extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment of a demo process: its settings and its own SQLite file.

    Whatever settings module the caller runs under (pytest-django exports the
    test settings) is replaced: the server runs the demo as a user would.
    """
    env = {**os.environ, **(extra or {})}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env["DEMO_DB_PATH"] = str(db_path)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def migrate(env: Mapping[str, str]) -> None:
    """Create the database that ``env`` names (once, before any server of it starts)."""
    done = subprocess.run(
        [sys.executable, str(DEMO_MANAGE), "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
    )
    if done.returncode != 0:
        raise ServerError(f"migrate failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")


class DemoServer:
    """``manage.py runserver`` on a fixed loopback port, started and stopped on demand.

    The port stays the same across :meth:`stop` and :meth:`start`, so a page that
    is open while the server restarts reconnects to it. Output goes to ``log_path``
    (appended on each start), for failure messages.
    """

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        *,
        name: str = "demo",
        command: Sequence[str] = (sys.executable, str(DEMO_MANAGE)),
        cwd: Path = REPO_ROOT,
        ready_path: str = READY_PATH,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.name = name
        self.command = list(command)
        self.cwd = cwd
        self.ready_path = ready_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[Any] | None = None

    @classmethod
    def for_demo(
        cls,
        workdir: Path,
        settings_module: str = DEMO_SETTINGS,
        extra_env: Mapping[str, str] | None = None,
        name: str = "demo",
    ) -> DemoServer:
        """The demo with ``settings_module`` and a migrated SQLite file in ``workdir``."""
        env = demo_env(settings_module, workdir / "demo.sqlite3", extra_env)
        migrate(env)
        return cls(env, workdir / f"{name}.log", name=name)

    def spawn(self) -> None:
        """Start the process without waiting for it (see :meth:`wait_ready`)."""
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [*self.command, "runserver", f"127.0.0.1:{self.port}", "--noreload"],
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        """Return once the server answers 200; stop it and raise if it exits or stays silent."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while True:
            if self.process is None or self.process.poll() is not None:
                code = None if self.process is None else self.process.returncode
                raise ServerError(f"{self.name} server exited with {code}:\n{self.log()}")
            try:
                with LOOPBACK.open(self.base_url + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError) as error:
                last_error = error
            if time.monotonic() > deadline:
                self.stop()
                raise ServerError(
                    f"{self.name} server did not answer {self.ready_path} in {timeout:.0f} s "
                    f"(last error: {last_error!r}):\n{self.log()}"
                )
            time.sleep(0.1)

    def start(self, timeout: float = 60) -> None:
        """Start the server and wait until it answers."""
        self.spawn()
        self.wait_ready(timeout)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)

    def kill(self) -> None:
        """SIGKILL: the server vanishes as a crashed process would, without any cleanup."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no log)"

    def rss_mib(self) -> float | None:
        """The server's resident memory in MiB (Linux), or None when it is not running."""
        if self.process is None or self.process.poll() is not None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(found.group(1)) / 1024 if found else None


@contextlib.contextmanager
def serve_demo(
    settings_module: str = DEMO_SETTINGS,
    workdir: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[DemoServer]:
    """The demo with ``settings_module``, running for the ``with`` block.

    Without ``workdir`` the database and the log go to a new temporary folder,
    removed afterwards.
    """
    own = workdir is None
    folder = Path(tempfile.mkdtemp(prefix="ddt-tt-demo-")) if workdir is None else workdir
    server = DemoServer.for_demo(folder, settings_module, extra_env)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        if own:
            shutil.rmtree(folder, ignore_errors=True)
