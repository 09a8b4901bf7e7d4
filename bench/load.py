"""Load: sockets firing events while clients poll the Time Travel timeline.

``python bench/load.py`` serves the demo under daphne (``manage.py runserver``, one
process, as developers run it), then, in this process:

* phase A: 20 djust sockets (real WebSockets, each with its own Django session from
  a real page load) each fire 500 ``increment`` events, one after the other, waiting
  for djust's answer to each;
* phase B: the same with 5 clients polling the timeline endpoint meanwhile, the way
  the open panel does (``after=<last seen>``, every 10th poll a full read of all
  rows), each for one of the sockets' views.

It prints one Markdown table: event throughput and latency without and with the
pollers, poll latency percentiles, every non-200 answer, and the server's memory.
It exits non-zero on any error (a poll that is not 200, an error frame, a traceback
in the server log). ``--smoke`` runs a tiny version (used by the test suite).
The machine matters: the server and this client share its cores.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import http.cookiejar
import json
import os
import re
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT / "demo") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "demo"))

from demo_harness import DemoServer  # noqa: E402

SETTINGS = "bench.settings_reliability"
VIEW = "demo_app.views.CounterView"
TIMELINE = "/__debug__/time-travel/timeline/"
EVENT_END = {"patch", "html_update", "noop", "error"}
LAST_SEQ = re.compile(r'data-djtt-last-seq="(-?\d+)"')


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


@dataclass
class Server:
    """The server under load: the demo started here, or one already running at ``url``."""

    url: str
    demo: DemoServer | None = None

    def rss_mib(self) -> float | None:
        return self.demo.rss_mib() if self.demo is not None else None

    def tracebacks(self) -> list[str]:
        text = self.demo.log() if self.demo is not None else ""
        return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line]

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.stop()


def start_server() -> Server:
    """The demo under daphne on a free port, with its own migrated SQLite file."""
    demo = DemoServer.for_demo(Path(tempfile.mkdtemp(prefix="ddt-tt-load-")), SETTINGS)
    demo.start()
    return Server(demo.base_url, demo)


# --------------------------------------------------------------------------
# Sockets
# --------------------------------------------------------------------------


@dataclass
class Tab:
    """One browser tab: a Django session from a page load, and its djust socket."""

    session_key: str
    session_id: str = ""
    finished: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def load_page(base_url: str) -> str:
    """GET the counter page like a browser; return the Django session cookie it set."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base_url}/counter/", timeout=30) as response:
        response.read()
    for cookie in jar:
        if cookie.name == "sessionid":
            return cookie.value
    raise RuntimeError("the page set no session cookie")


async def receive_until(ws, wanted: set[str], tab: Tab) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
        if frame.get("type") == "error":
            tab.errors.append(str(frame.get("error")))
        if frame.get("type") in wanted:
            return frame


async def run_socket(
    base_url: str,
    tab: Tab,
    events: int,
    mounted: asyncio.Event,
    go: asyncio.Event,
    release: asyncio.Event,
) -> None:
    """Mount, wait for ``go``, fire ``events`` events, keep the socket open until
    ``release`` (a poller may still be reading this view)."""
    from websockets.asyncio.client import connect

    ws_url = base_url.replace("http://", "ws://") + "/ws/live/"
    async with connect(
        ws_url,
        origin=base_url,
        additional_headers={"Cookie": f"sessionid={tab.session_key}"},
        max_size=None,
    ) as ws:
        connected = await receive_until(ws, {"connect"}, tab)
        tab.session_id = connected["session_id"]
        await ws.send(json.dumps({"type": "mount", "view": VIEW, "url": "/counter/"}))
        await receive_until(ws, {"mount"}, tab)
        mounted.set()
        await go.wait()
        for ref in range(1, events + 1):
            start = time.perf_counter()
            await ws.send(
                json.dumps({"type": "event", "event": "increment", "params": {}, "ref": ref})
            )
            await receive_until(ws, EVENT_END, tab)
            tab.latencies.append(time.perf_counter() - start)
        tab.finished = time.perf_counter()
        await release.wait()


# --------------------------------------------------------------------------
# Pollers (threads: a blocking HTTP client each, keep-alive)
# --------------------------------------------------------------------------


@dataclass
class Poller:
    tab: Tab
    incremental: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def poll(base_url: str, poller: Poller, stop: threading.Event) -> None:
    host = urlsplit(base_url).netloc
    connection = http.client.HTTPConnection(host, timeout=60)
    headers = {"Cookie": f"sessionid={poller.tab.session_key}"}
    after = 0
    count = 0
    while not stop.is_set():
        count += 1
        full = count % 10 == 0
        query = urlencode({"session": poller.tab.session_id, "after": 0 if full else after})
        start = time.perf_counter()
        try:
            connection.request("GET", f"{TIMELINE}?{query}", headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
        except (OSError, http.client.HTTPException) as exc:
            poller.problems.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection(host, timeout=60)
            continue
        elapsed = time.perf_counter() - start
        poller.statuses[response.status] = poller.statuses.get(response.status, 0) + 1
        if response.status != 200:
            poller.problems.append(f"{response.status}: {body[:200]}")
            continue
        (poller.full if full else poller.incremental).append(elapsed)
        match = LAST_SEQ.search(body)
        if match and not full:
            after = max(after, int(match.group(1)))
    connection.close()


# --------------------------------------------------------------------------
# A phase
# --------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    sockets: int
    events: int
    seconds: float
    tabs: list[Tab]
    pollers: list[Poller]

    @property
    def latencies(self) -> list[float]:
        return [value for tab in self.tabs for value in tab.latencies]

    @property
    def errors(self) -> list[str]:
        found = [error for tab in self.tabs for error in tab.errors]
        return found + [problem for poller in self.pollers for problem in poller.problems]


async def run_phase(
    name: str,
    base_url: str,
    sockets: int,
    events: int,
    pollers: int,
    idle_seconds: float = 0.0,
) -> Result:
    """Fire the events, polled meanwhile; or, with ``idle_seconds``, fire them first and
    then only poll for that long (the panel open on a quiet page)."""
    keys = await asyncio.gather(*(asyncio.to_thread(load_page, base_url) for _ in range(sockets)))
    tabs = [Tab(key) for key in keys]
    go, release = asyncio.Event(), asyncio.Event()
    mounted = [asyncio.Event() for _ in tabs]
    tasks = [
        asyncio.ensure_future(run_socket(base_url, tab, events, ready, go, release))
        for tab, ready in zip(tabs, mounted, strict=True)
    ]
    await asyncio.gather(*(ready.wait() for ready in mounted))
    stop = threading.Event()
    polling = [Poller(tabs[i % len(tabs)]) for i in range(pollers)]
    threads = [threading.Thread(target=poll, args=(base_url, p, stop)) for p in polling]
    if not idle_seconds:
        for thread in threads:
            thread.start()
    start = time.perf_counter()
    go.set()
    while not all(tab.finished for tab in tabs) and not any(task.done() for task in tasks):
        await asyncio.sleep(0.05)
    seconds = max(tab.finished for tab in tabs) - start
    if idle_seconds:
        for thread in threads:
            thread.start()
        await asyncio.sleep(idle_seconds)
    stop.set()
    await asyncio.gather(*(asyncio.to_thread(thread.join, 60) for thread in threads))
    release.set()
    await asyncio.gather(*tasks)
    return Result(name, sockets, events, seconds, tabs, polling)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    value *= 1000
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms"


def report(results: list[Result], server: Server, rss: dict[str, float | None]) -> None:
    cpus = os.cpu_count()
    print(f"### Load: sockets firing events while clients poll the timeline ({cpus} CPUs)\n")
    print(
        "| phase | sockets × events | events/s | event p50 | event p99 | pollers "
        "| polls (incremental + full) | poll p50 | poll p99 | poll max | full-read p50 "
        "| full-read p99 | non-200 / errors |"
    )
    print("|" + "---|" * 13)
    for result in results:
        incremental = [v for p in result.pollers for v in p.incremental]
        full = [v for p in result.pollers for v in p.full]
        polls = incremental + full
        total_events = result.sockets * result.events
        print(
            f"| {result.name} | {result.sockets} × {result.events} "
            f"| {total_events / result.seconds:.0f} "
            f"| {ms(percentile(result.latencies, 0.5))} | {ms(percentile(result.latencies, 0.99))} "
            f"| {len(result.pollers)} | {len(incremental)} + {len(full)} "
            f"| {ms(percentile(polls, 0.5))} | {ms(percentile(polls, 0.99))} "
            f"| {ms(max(polls) if polls else None)} "
            f"| {ms(percentile(full, 0.5))} | {ms(percentile(full, 0.99))} "
            f"| {len(result.errors)} |"
        )
    print()
    if len(results) >= 2 and results[0].seconds and results[1].seconds:
        a, b = results[:2]
        throughput = (b.sockets * b.events / b.seconds) / (a.sockets * a.events / a.seconds)
        print(f"Event throughput with the pollers / without: {throughput:.2f}.")
    memory = ", ".join(f"{k}: {v:.0f} MiB" for k, v in rss.items() if v is not None)
    if memory:
        print(f"Server resident memory: {memory}.")
    print(
        "Polls are closed-loop (each client asks again as soon as it has its answer), "
        "so they run far more often than the panel's (one per pushed event, or every "
        "1.5 s); a full read renders every row the buffer holds (up to 100: the demo "
        "keeps 100 events). In C the events were fired before polling (its events/s "
        "and event latencies are those of that warm-up); incremental polls then find "
        "nothing new, as the panel's safety-net poll on a quiet page."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=20)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--pollers", type=int, default=5)
    parser.add_argument("--smoke", action="store_true", help="2 sockets × 20 events, 1 poller")
    parser.add_argument("--url", help="use this running server instead of starting one")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sockets, args.events, args.pollers = 2, 20, 1

    server = Server(args.url.rstrip("/")) if args.url else start_server()
    rss: dict[str, float | None] = {"start": server.rss_mib()}
    try:
        results = []
        for name, pollers in (("A: events only", 0), ("B: events + polls", args.pollers)):
            result = asyncio.run(run_phase(name, server.url, args.sockets, args.events, pollers))
            results.append(result)
            rss[f"after {name[0]}"] = server.rss_mib()
        if args.pollers:
            idle = asyncio.run(
                run_phase(
                    "C: polls only (100 events held)",
                    server.url,
                    args.pollers,
                    100,
                    args.pollers,
                    idle_seconds=1.0 if args.smoke else 10.0,
                )
            )
            results.append(idle)
        tracebacks = server.tracebacks()
    finally:
        server.stop()
    report(results, server, rss)
    problems = [e for r in results for e in r.errors] + tracebacks
    for result in results[1:]:
        if not sum(len(p.incremental) + len(p.full) for p in result.pollers):
            problems.append(f"{result.name}: no poll was answered")
    for problem in problems[:20]:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
