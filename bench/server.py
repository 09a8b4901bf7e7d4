"""The demo served by daphne (``manage.py runserver``) in a subprocess, for the browser.

The same way the browser tests serve it (``tests/conftest.py``), without pytest:
its own migrated SQLite file, a free loopback port, and the log kept for errors.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.common import REPO_ROOT

DEMO_MANAGE = REPO_ROOT / "demo" / "manage.py"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(settings_module: str, db_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {**os.environ, **extra}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env["DEMO_DB_PATH"] = str(db_path)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _wait_until_up(server: subprocess.Popen, url: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"demo server exited:\n{log_path.read_text(errors='replace')}")
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(url, timeout=2) as response,
        ):
            if response.status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"demo server not up in 60s:\n{log_path.read_text()}")
        time.sleep(0.2)


@contextlib.contextmanager
def serve_demo(settings_module: str, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Run the demo with ``settings_module`` under daphne; yield its base URL."""
    workdir = Path(tempfile.mkdtemp(prefix="ddt-tt-bench-server-"))
    env = _env(settings_module, workdir / "demo.sqlite3", extra_env or {})
    manage = [sys.executable, str(DEMO_MANAGE)]
    subprocess.run(
        [*manage, "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )
    port = _free_port()
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(server, f"{base_url}/counter/", log_path)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
