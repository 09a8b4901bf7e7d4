"""Benchmark: what one timeline refresh costs when the socket is on another ASGI worker.

Two daphne workers of the demo share a real ``redis-server`` (the channel layer)
and one SQLite file (``demo_project.settings_workers``, started by
``demo_harness.cluster`` as for ``tests/reliability/test_multiprocess.py``). A page's socket
is on worker A. The same panel request is sent, alternately, to worker A (local:
the view is in its memory) and to worker B (remote: B forwards it over redis to
A's consumer, which renders it and sends the answer back). Both answers must be
identical, else the run fails.

    python bench/cross_worker.py            # full run
    python bench/cross_worker.py --smoke    # tiny sizes, as the test suite runs it
"""

from __future__ import annotations

import http.client
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
for _path in (str(REPO_ROOT / "demo"), str(REPO_ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from bench.common import (  # noqa: E402
    Options,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
)
from demo_harness import DemoServer as Worker  # noqa: E402
from demo_harness.clients import Browser, LiveSocket, open_page  # noqa: E402
from demo_harness.cluster import REDIS_MISSING, Cluster, redis_server_path, start_redis  # noqa: E402

TIMELINE_PATH = "/__debug__/time-travel/timeline/"
LOCATE_PATH = "/__debug__/time-travel/locate/"
COUNTER = "demo_app.views.CounterView"


class Client:
    """One keep-alive HTTP connection to a worker, with the browser's session cookie."""

    def __init__(self, worker: Worker, browser: Browser) -> None:
        host, port = urllib.parse.urlsplit(worker.base_url).netloc.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.headers = {"Cookie": f"sessionid={browser.session_key}"}

    def get(self, path: str) -> bytes:
        """The body of a 200 answer (anything else stops the benchmark)."""
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:300]!r}")
        return body

    def close(self) -> None:
        self.connection.close()


def _paired(local: Client, remote: Client, path: str, reps: int) -> tuple[list[float], list[float]]:
    """Seconds of each GET on A and on B, alternating (ABBA) so both share the noise."""
    times: dict[str, list[float]] = {"local": [], "remote": []}
    clients = {"local": local, "remote": remote}
    for rep in range(reps):
        order = ["local", "remote"] if rep % 2 == 0 else ["remote", "local"]
        bodies = {}
        for name in order:
            start = time.perf_counter()
            bodies[name] = clients[name].get(path)
            times[name].append(time.perf_counter() - start)
        if bodies["local"] != bodies["remote"]:
            raise RuntimeError(f"worker B's answer to {path} differs from worker A's")
    return times["local"], times["remote"]


def _cases(live: LiveSocket, events: int) -> list[tuple[str, str]]:
    session = live.session_id

    def query(path: str, **params: object) -> str:
        return path + "?" + urllib.parse.urlencode({"session": session, **params})

    return [
        ("timeline refresh, 1 new row", query(TIMELINE_PATH, after=events - 1)),
        ("timeline refresh, nothing new", query(TIMELINE_PATH, after=events)),
        (f"whole timeline, {events} rows", query(TIMELINE_PATH, after=0)),
        ("locate (JSON)", query(LOCATE_PATH, seq=events)),
    ]


def run(options: Options) -> None:
    executable = redis_server_path()
    if executable is None:
        raise SystemExit(REDIS_MISSING)
    events = options.pick(full=100, smoke=3)
    reps = options.pick(full=max(options.reps, 2), smoke=4)
    warmup = options.pick(full=20, smoke=1)
    redis = start_redis(executable)
    stop: list[Callable[[], None]] = [redis.stop]
    try:
        cluster = Cluster(Path(tempfile.mkdtemp(prefix="ddt-tt-cross-")), redis.url)
        cluster.migrate()
        a, b = cluster.start_workers("a", "b")
        stop += [a.stop, b.stop]
        browser = Browser()
        live = open_page(a, browser, "/counter/", COUNTER)
        stop.append(live.close)
        for _ in range(events):
            live.event("increment")
        local, remote = Client(a, browser), Client(b, browser)
        stop += [local.close, remote.close]
        rows = []
        for title, path in _cases(live, events):
            _paired(local, remote, path, warmup)
            local_times, remote_times = _paired(local, remote, path, reps)
            local_median, remote_median = median(local_times), median(remote_times)
            rows.append(
                [
                    title,
                    ms(local_median),
                    ms(remote_median),
                    ratio(remote_median / local_median),
                    ms(remote_median - local_median),
                ]
            )
    finally:
        for close in reversed(stop):
            close()
    print_table(
        "Cross-worker refresh cost: the panel's request on the socket's worker vs another",
        ["request", "local, worker A", "remote, worker B", "ratio (B / A)", "added"],
        rows,
    )
    print_note(
        f"Median of {reps} keep-alive GETs per worker, alternating A and B (after {warmup} "
        f"warm-up pairs), {events} events in the buffer; redis and both workers on this "
        "machine. Worker B's answers were checked identical to worker A's."
    )


def main(argv: list[str] | None = None) -> None:
    run(parse_options(__doc__.splitlines()[0], default_reps=200, argv=argv))


if __name__ == "__main__":
    main()
