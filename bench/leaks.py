"""Leaks: 1000 views come and go with the panel reading each; nothing stays.

``python bench/leaks.py`` mounts views with time travel on over djust's real consumer
(channels' ``WebsocketCommunicator`` on the demo's ASGI application, one Django
session), fires two events on each, reads each through the panel the way the open
panel does (timeline, locate, diff: through the same ASGI application, so the
panel's per-view numbering and per-snapshot diff memo fill up), and disconnects
them, in batches of 20. Then, with garbage collected, it counts the views still
alive (weak references kept here), the entries left in the package's module-level
structures (``numbering._tails``, ``cache``) and the memory still held: resident
memory over the whole run, and traced memory (``tracemalloc``) over a second, shorter
run, per view. It exits non-zero if any view or entry is left.
``--smoke`` runs a tiny version.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import sys
import tempfile
import time
import tracemalloc
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
BATCH = 20
VIEW = "demo_app.views.CounterView"
NOT_OURS = [
    ("*/django/db/backends/*", "Django's DEBUG query log (bounded)"),
    ("*/urllib/parse.py", "urllib's cache of split URLs (bounded)"),
    ("<string>", "urllib's cached named tuples"),
    (__file__, "this script's own URLs and weak references"),
]


def setup() -> None:
    for path in (str(REPO_ROOT), str(REPO_ROOT / "demo")):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings_reliability"
    os.environ.setdefault("DEMO_DB_PATH", str(Path(tempfile.mkdtemp()) / "leaks.sqlite3"))
    from django.core.management import call_command

    import demo_project.asgi  # noqa: F401 - sets Django up

    call_command("migrate", verbosity=0, interactive=False)
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)


def new_session() -> str:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store.create()
    return store.session_key


async def receive(communicator: Any, *types: str) -> dict[str, Any]:
    import json

    while True:
        frame = json.loads(await communicator.receive_from(timeout=30))
        if frame.get("type") in types:
            return frame


async def panel_get(path: str, query: dict[str, str], session_key: str) -> int:
    from channels.testing import HttpCommunicator

    from demo_project.asgi import application

    communicator = HttpCommunicator(
        application,
        "GET",
        f"{path}?{urlencode(query)}",
        headers=[(b"host", b"127.0.0.1"), (b"cookie", f"sessionid={session_key}".encode())],
    )
    communicator.scope["client"] = ["127.0.0.1", 50000]
    response = await communicator.get_response(timeout=30)
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=30)
    return response["status"]


async def churn(count: int, session_key: str, refs: list[weakref.ref[Any]]) -> int:
    """Mount, use, read and disconnect ``count`` views; return the non-200 answers."""
    import json

    from channels.testing import WebsocketCommunicator
    from django.urls import reverse
    from djust.observability.registry import get_view_for_session

    from demo_project.asgi import application

    urls = {name: reverse(f"djdt:ddt_timetravel_{name}") for name in ("timeline", "locate", "diff")}
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"host", b"127.0.0.1"),
        (b"cookie", f"sessionid={session_key}".encode()),
    ]
    failures = 0
    for start in range(0, count, BATCH):
        open_sockets = []
        for _ in range(min(BATCH, count - start)):
            communicator = WebsocketCommunicator(application, "/ws/live/", headers)
            connected, _ = await communicator.connect(timeout=30)
            assert connected, "djust refused the socket"
            session_id = (await receive(communicator, "connect"))["session_id"]
            await communicator.send_to(
                text_data=json.dumps({"type": "mount", "view": VIEW, "url": "/counter/"})
            )
            await receive(communicator, "mount")
            for ref, event in enumerate(("increment", "increment"), start=1):
                frame = {"type": "event", "event": event, "params": {}, "ref": ref}
                await communicator.send_to(text_data=json.dumps(frame))
                await receive(communicator, "patch", "noop", "error")
            refs.append(weakref.ref(get_view_for_session(session_id)))
            open_sockets.append((communicator, session_id))
        for _, session_id in open_sockets:
            for name, extra in (("timeline", {}), ("locate", {"seq": "2"}), ("diff", {"seq": "2"})):
                status = await panel_get(urls[name], {"session": session_id, **extra}, session_key)
                failures += status != 200
        for communicator, _ in open_sockets:
            await communicator.disconnect(timeout=30)
        del open_sockets
    return failures


def settle() -> None:
    for _ in range(3):
        gc.collect()


def rss_mib() -> float:
    match = re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def leftovers(refs: list[weakref.ref[Any]], tails: int, memos: int) -> tuple[int, int, int]:
    from ddt_timetravel.core import memo, numbering

    settle()
    alive = sum(ref() is not None for ref in refs)
    return alive, len(numbering._tails) - tails, memo.size() - memos


async def run(views: int, traced: int) -> int:
    from asgiref.sync import sync_to_async

    from ddt_timetravel.core import memo, numbering

    session_key = await sync_to_async(new_session)()
    await churn(BATCH, session_key, [])  # warm up imports and caches
    settle()
    tails, memos = len(numbering._tails), memo.size()

    rows = []
    rss_before = rss_mib()
    refs: list[weakref.ref[Any]] = []
    start = time.perf_counter()
    failures = await churn(views, session_key, refs)
    seconds = time.perf_counter() - start
    alive, tails_left, memo_left = leftovers(refs, tails, memos)
    rows.append(
        (
            f"{views} views, untraced",
            f"{seconds:.1f} s ({seconds / views * 1000:.0f} ms/view)",
            alive,
            tails_left,
            memo_left,
            f"RSS {rss_before:.0f} → {rss_mib():.0f} MiB",
            failures,
        )
    )

    tracemalloc.start()
    filters = [tracemalloc.Filter(False, pattern) for pattern, _ in NOT_OURS]
    settle()
    baseline = tracemalloc.take_snapshot().filter_traces(filters)
    refs = []
    start = time.perf_counter()
    failures = await churn(traced, session_key, refs)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    alive2, tails_left2, memo_left2 = leftovers(refs, tails, memos)
    after = tracemalloc.take_snapshot().filter_traces(filters)
    tracemalloc.stop()
    growth = sum(stat.size_diff for stat in after.compare_to(baseline, "lineno"))
    rows.append(
        (
            f"{traced} views, traced",
            f"{seconds:.1f} s",
            alive2,
            tails_left2,
            memo_left2,
            f"{growth / 1024:.0f} KiB held ({growth / traced:.0f} B/view), "
            f"peak {peak / 1024 / 1024:.1f} MiB",
            failures,
        )
    )

    print(f"### Leaks: views mounted, read by the panel and closed ({os.cpu_count()} CPUs)\n")
    print(
        "| run | time | views alive | `numbering._tails` left | diff memo left "
        "| memory after | non-200 reads |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
    print()
    print(
        "Traced memory excludes allocations that are neither the panel's nor a view's: "
        + "; ".join(why for _, why in NOT_OURS)
        + ". A view with its two events and the panel's records of it is about 30 KB."
    )
    bad = alive + tails_left + memo_left + alive2 + tails_left2 + memo_left2 + failures
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=1000)
    parser.add_argument("--traced", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="40 views, 20 traced")
    args = parser.parse_args(argv)
    if args.smoke:
        args.views, args.traced = 40, 20
    setup()
    return asyncio.run(run(args.views, args.traced))


if __name__ == "__main__":
    sys.exit(main())
