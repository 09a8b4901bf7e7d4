"""Several ASGI workers of the demo around one redis and one SQLite file.

The parts are the real ones a deployment has: Debian's ``redis-server`` as the
channel layer, and daphne's ``runserver`` per worker with the settings
``demo_project.settings_workers`` (remote lookup on, sockets served by
``TimeTravelLiveViewConsumer``), all sharing one database.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .server import DemoServer, ServerError, demo_env, free_port, migrate, stop_process

SETTINGS_MODULE = "demo_project.settings_workers"
REDIS_MISSING = (
    "redis-server not found: install Debian's redis-server package "
    "(apt-get install redis-server, or run `make test` as root) to run the multi-worker tests"
)


def redis_server_path() -> str | None:
    """Debian's ``redis-server``, if installed."""
    return shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )


@dataclass
class Redis:
    """A throw-away ``redis-server`` on a free loopback port, without persistence."""

    process: subprocess.Popen[Any]
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        stop_process(self.process)


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
            raise ServerError(f"redis-server exited with {process.returncode}:\n{output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return Redis(process, port)
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_process(process)
            raise ServerError(f"redis-server did not answer PING on port {port}")
        time.sleep(0.05)


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
        extra = {
            "DDT_TT_REDIS_URL": self.redis_url,
            "DDT_TT_REMOTE_TIMEOUT": str(self.remote_timeout),
        }
        return demo_env(SETTINGS_MODULE, self.db_path, extra)

    def migrate(self) -> None:
        """Create the shared database once, before any worker starts."""
        migrate(self.env())

    def start_workers(self, *names: str, timeout: float = 60) -> list[DemoServer]:
        """Start one worker per name, all at once; return them when all answer."""
        workers = [
            DemoServer(self.env(), self.workdir / f"worker-{name}.log", name=f"worker {name}")
            for name in names
        ]
        for worker in workers:
            worker.spawn()
        try:
            for worker in workers:
                worker.wait_ready(timeout)
        except ServerError:
            for worker in workers:
                worker.stop()
            raise
        return workers
