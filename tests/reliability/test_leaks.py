"""Views come and go; the panel keeps none of them alive and its memory returns.

Hundreds of views with time travel on are mounted over djust's real consumer, given
events, read through the panel (timeline, locate, diff: the reads that fill the
panel's per-view numbering and per-snapshot memo) through the demo's real ASGI
application, and disconnected. Afterwards no view
may be alive (weak references kept by the test), the package's module-level structures
(``numbering._tails``, the diff memo in ``cache``, the page records in ``shown``) hold
nothing for them, and traced memory is back near where it was. ``bench/leaks.py``
runs the same cycle for 1000 views and prints the numbers.
"""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from typing import Any

import pytest

from ddt_timetravel.core import memo, numbering
from ddt_timetravel.recording import shown
from tests.support.security import asgi_get, panel_urls

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
VIEWS = 60
WARM_UP = 10
BATCH = 10
#: Memory still held per view after all of them are gone. A view with its two-event
#: history and the panel's records of it is about 30 KB (see bench/leaks.py): keeping
#: any of that per view shows; what remains is noise of caches reaching their size.
ALLOWED_BYTES_PER_VIEW = 2048
#: Allocations that are not the panel's nor a view's: Django's DEBUG query log (a
#: bounded deque of SQL text), urllib's bounded cache of split URLs (each request of
#: this test has a new URL, built in security_support), and the tracing itself.
NOT_OURS = [
    tracemalloc.Filter(False, "*/django/db/backends/*"),
    # The toolbar keeps its last RESULTS_CACHE_SIZE requests (with their SQL and
    # stacks): bounded, and filling up during a full test run, but not ours.
    tracemalloc.Filter(False, "*/debug_toolbar/*"),
    tracemalloc.Filter(False, "*/django/db/models/sql/*"),
    tracemalloc.Filter(False, "*/urllib/parse.py"),
    tracemalloc.Filter(False, "<string>"),
    tracemalloc.Filter(False, "*/tests/support/security.py"),
    tracemalloc.Filter(False, tracemalloc.__file__),
    tracemalloc.Filter(False, "<frozen importlib._bootstrap*>"),
]


async def churn(count: int, session_key: str, refs: list[weakref.ref[Any]]) -> None:
    """Mount ``count`` views in batches, use them and the panel, disconnect them."""
    from channels.testing import WebsocketCommunicator

    from demo_project.asgi import application
    from tests.support.live_socket import LiveSocket

    urls = panel_urls()
    headers = [
        (b"origin", b"http://127.0.0.1"),
        (b"host", b"127.0.0.1"),
        (b"cookie", f"sessionid={session_key}".encode()),
    ]
    for start in range(0, count, BATCH):
        sockets = []
        for _ in range(min(BATCH, count - start)):
            live = LiveSocket(WebsocketCommunicator(application, "/ws/live/", headers), session_key)
            await live.connect()
            await live.mount(COUNTER, "/counter/")
            await live.event("increment")
            await live.event("add", amount=2)
            # A restore and a replay: the guard records what the page shows.
            await live.send({"type": "time_travel_jump", "index": 0, "which": "before"})
            await live.receive_until("time_travel_state")
            await live.send({"type": "forward_replay", "from_index": 1})
            await live.receive_until("time_travel_state")
            refs.append(weakref.ref(live.view))
            sockets.append(live)
        for live in sockets:
            for name, extra in (
                ("ddt_timetravel_timeline", {}),
                ("ddt_timetravel_locate", {"seq": "2"}),
                ("ddt_timetravel_diff", {"seq": "2"}),
            ):
                query = {"session": live.session_id, **extra}
                status, body = await asgi_get(urls[name], query, session_key)
                assert status == 200, (name, body[:200])
        for live in sockets:
            await live.close()
        del sockets, live


def detach_toolbar_sql_loggers() -> int:
    """Detach SQL loggers other tests' toolbars left on this thread's connections.

    The toolbar records every query (with a stack trace) on a connection whose
    ``_djdt_logger`` is set; one left set by an earlier request of the test run
    would make this test measure the toolbar's recording. Returns how many it found.
    """
    from django.db import connections

    found = 0
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "_djdt_logger", None) is not None:
            connection._djdt_logger = None
            found += 1
    return found


def settle() -> None:
    for _ in range(3):
        gc.collect()


async def test_a_churn_of_views_leaves_nothing_behind():
    from asgiref.sync import sync_to_async

    from tests.support.live_socket import create_django_session

    session_key = await sync_to_async(create_django_session)()
    # Panel requests run their sync views in asgiref's one thread-sensitive thread.
    stale_loggers = (
        detach_toolbar_sql_loggers()
        + await sync_to_async(detach_toolbar_sql_loggers, thread_sensitive=True)()
    )
    warm: list[weakref.ref[Any]] = []
    await churn(WARM_UP, session_key, warm)  # imports, template and URL caches
    settle()
    tails_before, memo_before, shown_before = len(numbering._tails), memo.size(), shown.size()

    tracemalloc.start()
    try:
        settle()
        baseline = tracemalloc.take_snapshot().filter_traces(NOT_OURS)
        refs: list[weakref.ref[Any]] = []
        await churn(VIEWS, session_key, refs)
        peak = tracemalloc.get_traced_memory()[1]
        settle()
        after = tracemalloc.take_snapshot().filter_traces(NOT_OURS)
    finally:
        tracemalloc.stop()

    differences = after.compare_to(baseline, "lineno")
    growth = sum(stat.size_diff for stat in differences)
    biggest = "\n".join(str(stat) for stat in differences[:5])
    alive = sum(ref() is not None for ref in refs)
    problems = []
    if alive:
        problems.append(f"{alive} of {len(refs)} views are still alive")
    if len(numbering._tails) != tails_before:
        problems.append(f"numbering._tails holds {len(numbering._tails) - tails_before} more views")
    if shown.size() != shown_before:
        problems.append(f"shown holds {shown.size() - shown_before} more views")
    if memo.size() != memo_before:
        problems.append(f"the diff memo holds {memo.size() - memo_before} more snapshots")
    if growth >= ALLOWED_BYTES_PER_VIEW * VIEWS:
        problems.append(f"{growth} bytes still held after {VIEWS} views; biggest:\n{biggest}")
    assert problems == [], (
        f"peak {peak} bytes traced; toolbar SQL loggers detached first: {stale_loggers}; "
        + "; ".join(problems)
    )
