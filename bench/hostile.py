"""Benchmark 9: hostile input. The worst server time per endpoint, and long-list diffs.

Each shape of state is built by a real handler behind djust's consumer (deep,
wide, long lists, long strings, lone surrogates: 87 000 keys, many keys: each
about 1 MB of JSON, or as deep as djust records), recorded as two events that
differ a little, then every panel endpoint is asked about it twice: first with
the memo emptied (the first request after the events, which masks them), then
again with the memo kept (every later request). The socket is then closed and
its earlier session opened, exported and checked. Hostile queries (numbers,
paths, child and earlier-session ids, key paths and watch expressions a megabyte
long) are sent on top. The time is the server's CPU time for
the request (``time.process_time``, in-process through Django's test client).
Goal: at most 1 s for each endpoint, first request included.

Second table: one change in a 5000-item list, the differ against ``json.dumps``
of both lists. Goal: at most 20 times.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.common import (
    Options,
    kib,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
    setup_django,
    verdict,
)

GOAL_SECONDS = 1.0
GOAL_RATIO = 20.0
#: Depth of the deep shapes: djust's own JSON round trip records it.
DEEP = 600


def nested(depth: int, leaf: Any, wrap: Callable[[Any, int], Any]) -> Any:
    value = leaf
    for level in range(depth):
        value = wrap(value, level)
    return value


def build_value(shape: str, size: int, variant: int) -> Any:
    """The state of one shape, about ``size`` bytes of JSON; ``variant`` changes a little."""
    if shape == "deep list":
        return nested(DEEP, variant, lambda value, _level: [value])
    if shape == "deep dict":
        return nested(DEEP, variant, lambda value, level: {f"k{level % 7}": value})
    if shape == "wide dict":
        keys = size // 24
        return {f"key {i:07d}": i + (variant if i == keys // 2 else 0) for i in range(keys)}
    if shape == "long list, one change":
        cells = [""] * 5000
        cells[2500] = "X" if variant else ""
        return cells
    if shape == "long list, scattered changes":
        count = size // 3
        return [(i + variant) % 3 if i % 10 == 0 else i % 3 for i in range(count)]
    if shape == "long list, insert":
        count = size // 8
        items = list(range(count))
        if variant:
            items.insert(count // 3, -1)
            del items[2 * count // 3]
        return items
    if shape == "long string":
        return "x" * (size - 1) + ("y" if variant else "x")
    if shape == "lone surrogates":
        count = size // 12
        return {f"k\ud800{i}": f"v\udc00{i}{variant if i == 0 else ''}" for i in range(count)}
    if shape == "many nested keys":
        count = size // 60
        return {f"k{i}": {"a": [i, {"b": str(i)}], "c": {"d": variant}} for i in range(count)}
    if shape == "keyed rows, reordered":
        count = size // 30
        rows = [{"id": i, "text": f"row {i}"} for i in range(count)]
        return rows[::-1] if variant else rows
    raise ValueError(f"unknown shape {shape!r}")


SHAPES = (
    "deep list",
    "deep dict",
    "wide dict",
    "long list, one change",
    "long list, scattered changes",
    "long list, insert",
    "long string",
    "lone surrogates",
    "many nested keys",
    "keyed rows, reordered",
)


#: The tab the bench's panel reads from, so its earlier session is kept for it.
TAB = "bench-tab"


@dataclass
class Worst:
    """The slowest answers of one endpoint so far (first and again), and what asked."""

    first: float = 0.0
    what: str = ""
    again: float = 0.0
    statuses: set[int] = field(default_factory=set)

    def add(self, first: float, again: float, what: str, status: int) -> None:
        self.statuses.add(status)
        self.again = max(self.again, again)
        if first >= self.first:
            self.first, self.what = first, what


def requests_for(session_id: str) -> list[tuple[str, str, dict[str, str]]]:
    """(label, endpoint name, query) for every question worth asking about event #2."""
    deep_path = json.dumps(["value", *[0] * 90])
    return [
        ("timeline", "timeline", {"tab": TAB}),
        ("timeline, key filter", "timeline", {"key": "value"}),
        ("timeline, text search", "timeline", {"q": "zz-not-there"}),
        ("diff", "diff", {"seq": "2"}),
        ("diff against #1", "diff", {"seq": "2", "against": "1"}),
        ("state, root", "state", {"seq": "2", "which": "after", "path": "[]"}),
        ("state, value", "state", {"seq": "2", "which": "after", "path": '["value"]'}),
        ("state, deep path", "state", {"seq": "2", "which": "after", "path": deep_path}),
        ("export JSON", "export", {"format": "json"}),
        ("export pytest", "export", {"format": "pytest"}),
        ("key history", "key", {"keypath": "value"}),
        ("watch", "watch", {"expr": "value"}),
        ("charts", "charts", {}),
        ("locate", "locate", {"seq": "2"}),
        ("replay editor", "replay", {"seq": "2"}),
    ]


#: (label, endpoint, query): parameters a megabyte long, or at their longest.
HOSTILE_QUERIES = (
    ("timeline, 1 MB 'after'", "timeline", {"after": "9" * 1_000_000}),
    ("timeline, 1 MB 'viewing'", "timeline", {"viewing": "9" * 1_000_000 + ":after"}),
    ("diff, 1 MB 'seq'", "diff", {"seq": "9" * 1_000_000}),
    ("locate, 1 MB 'seq'", "locate", {"seq": "1" * 1_000_000}),
    ("state, 1 MB nested 'path'", "state", {"seq": "2", "path": "[" * 500_000 + "]" * 500_000}),
    ("state, 1 MB 'offset'", "state", {"seq": "2", "offset": "9" * 1_000_000}),
    ("timeline, longest 'q'", "timeline", {"q": "[" * 200}),
    ("timeline, 1 MB 'child'", "timeline", {"child": "c" * 1_000_000}),
    ("timeline, 1 MB 'tab'", "timeline", {"tab": "t" * 1_000_000}),
    ("export, 1 MB 'format'", "export", {"format": "j" * 1_000_000}),
    ("earlier, 1 MB 'id'", "earlier", {"id": "f" * 1_000_000}),
    ("key history, 1 MB 'keypath'", "key", {"keypath": "a." * 500_000}),
    ("watch, 1 MB 'expr'", "watch", {"expr": "(" * 1_000_000}),
)


def cpu(call: Callable[[], Any]) -> tuple[float, float, Any]:
    """CPU seconds of ``call()`` with the memo emptied, then of the same call again."""
    from ddt_timetravel.core import memo

    with memo._lock:  # the first request after the events: nothing memoised yet
        memo._tables.clear()
    start = time.process_time()
    result = call()
    first = time.process_time() - start
    start = time.process_time()
    call()
    return first, time.process_time() - start, result


def _earlier_requests(client: Any, worst: dict[str, Worst], shape: str) -> None:
    """The closed socket's earlier session: listed, opened, exported and checked."""
    from django.urls import reverse

    from ddt_timetravel.recording import earlier

    kept = max(earlier.STORE.of_all(), key=lambda k: k.ended_at, default=None)
    if kept is None:  # bigger than EARLIER_SESSIONS_MAX_BYTES even with one event
        worst.setdefault("earlier session: none kept (over its byte budget)", Worst()).add(
            0.0, 0.0, shape, 0
        )
        return
    url = reverse("djdt:ddt_timetravel_earlier")
    for label, query in (
        ("earlier sessions, list", {"tab": TAB}),
        ("earlier session, open", {"id": kept.id}),
        ("earlier session, export JSON", {"id": kept.id, "format": "json"}),
        ("earlier session, export pytest", {"id": kept.id, "format": "pytest"}),
    ):
        first, again, response = cpu(lambda query=query: client.get(url, query))
        worst.setdefault(label, Worst()).add(first, again, shape, response.status_code)
    check = reverse("djdt:ddt_timetravel_check") + f"?earlier={kept.id}&begin=1"
    first, again, response = cpu(lambda: client.post(check))
    worst.setdefault("earlier session, check", Worst()).add(
        first, again, shape, response.status_code
    )
    earlier.STORE.clear()


async def measure_shapes(size: int, shapes: tuple[str, ...]) -> dict[str, Worst]:
    from asgiref.sync import sync_to_async
    from django.test import Client
    from django.urls import reverse

    from bench.client import EVENT_END_TYPES, open_socket

    worst: dict[str, Worst] = {}
    for shape in shapes:
        socket = await open_socket()
        await socket.mount("bench.views.HostileStateView", "/hostile/")
        for variant in (0, 1):  # djust may fail to re-render a deep one; it records it anyway
            await socket.send(
                {
                    "type": "event",
                    "event": "build",
                    "ref": variant + 1,
                    "params": {"shape": shape, "size": size, "variant": variant},
                }
            )
            await socket.until(*EVENT_END_TYPES)
        client = Client()
        client.cookies["sessionid"] = socket.session_key

        def ask(socket: Any = socket, shape: str = shape, client: Any = client) -> None:
            exported = b""
            for label, name, query in requests_for(socket.session_id):
                url = reverse(f"djdt:ddt_timetravel_{name}")
                first, again, response = cpu(
                    lambda url=url, query=query: client.get(
                        url, {"session": socket.session_id, **query}
                    )
                )
                worst.setdefault(label, Worst()).add(first, again, shape, response.status_code)
                if label == "export JSON":
                    exported = response.content
            url = reverse("djdt:ddt_timetravel_import") + f"?session={socket.session_id}"
            first, again, response = cpu(
                lambda: client.post(url, exported, content_type="application/json")
            )
            worst.setdefault("import (the export above)", Worst()).add(
                first, again, f"{shape} ({kib(len(exported))})", response.status_code
            )
            url = reverse("djdt:ddt_timetravel_check") + f"?session={socket.session_id}&begin=1"
            first, again, response = cpu(lambda: client.post(url))
            label = "check against current code"
            worst.setdefault(label, Worst()).add(first, again, shape, response.status_code)
            if shape != SHAPES[0]:
                return  # refused before any state is read: once is enough
            for label, name, query in HOSTILE_QUERIES:
                url = reverse(f"djdt:ddt_timetravel_{name}")
                first, again, response = cpu(
                    lambda url=url, query=query: client.get(
                        url, {"session": socket.session_id, **query}
                    )
                )
                worst.setdefault(label, Worst()).add(first, again, shape, response.status_code)

        await sync_to_async(ask, thread_sensitive=False)()
        start = time.process_time()
        await socket.close()  # the panel keeps the timeline as an earlier session
        closed = time.process_time() - start
        worst.setdefault("socket closed (timeline kept)", Worst()).add(closed, closed, shape, 0)
        await sync_to_async(_earlier_requests, thread_sensitive=False)(client, worst, shape)
    return worst


def report_endpoints(worst: dict[str, Worst], options: Options, size: int, shapes: int) -> None:
    rows = [
        [
            label,
            ms(w.first),
            ms(w.again),
            w.what,
            ", ".join(str(s) for s in sorted(w.statuses) if s),
            verdict(max(w.first, w.again) <= GOAL_SECONDS, options),
        ]
        for label, w in worst.items()
    ]
    print_table(
        "9. Hostile input: worst server CPU time per endpoint",
        [
            "request",
            "first (memo empty)",
            "again (memo kept)",
            "worst first input",
            "statuses",
            "goal <= 1 s",
        ],
        rows,
    )
    print_note(
        f"Shapes of about {kib(size)} of JSON each (deep ones {DEEP} levels; lone "
        f"surrogates: {size // 12} keys), {shapes} shapes. First: the memo emptied "
        "before the request; again: the same request right after. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs. "
        "Statuses: 200 answered, 400 refused with a short message (never 500)."
    )


def long_list_ratio(reps: int) -> list[list[str]]:

    cases = {
        "5000 strings, one cell changed": ([""] * 5000, [""] * 2500 + ["X"] + [""] * 2499),
        "5000 ints, one changed": (list(range(5000)), [*range(2500), -1, *range(2501, 5000)]),
        "5000 dicts, one changed": (
            [{"x": i, "y": [i, i]} for i in range(5000)],
            [{"x": i, "y": [i, -1 if i == 2500 else i]} for i in range(5000)],
        ),
    }
    rows = []
    gc.disable()  # as timeit does: a collection of the whole heap is not the differ's cost
    try:
        for label, (before, after) in cases.items():
            rows.append(_ratio_row(label, before, after, reps))
    finally:
        gc.enable()
    return rows


def _ratio_row(label: str, before: list[Any], after: list[Any], reps: int) -> list[str]:
    from ddt_timetravel.core.diff import diff, flatten

    differ, dumps = [], []
    for _ in range(reps):
        start = time.perf_counter()
        lines = list(flatten(diff(before, after)))
        differ.append(time.perf_counter() - start)
        start = time.perf_counter()
        json.dumps(before), json.dumps(after)
        dumps.append(time.perf_counter() - start)
    value = median(differ) / median(dumps)
    return [label, ms(median(differ)), ms(median(dumps)), ratio(value), str(len(lines))]


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=5, argv=argv)
    setup_django()
    size = options.pick(full=1024 * 1024, smoke=16 * 1024)
    shapes = options.pick(full=SHAPES, smoke=SHAPES[::7])  # smoke: deep list, lone surrogates
    report_endpoints(asyncio.run(measure_shapes(size, shapes)), options, size, len(shapes))
    rows = long_list_ratio(max(5, options.reps * 3))
    for row in rows:
        row.append(verdict(float(row[3]) <= GOAL_RATIO, options))
    print_table(
        "9. Hostile input: a 5000-item list with one change, diff vs json.dumps",
        ["lists", "diff + display lines", "json.dumps of both", "ratio", "lines", "goal <= 20x"],
        rows,
    )
    print_note("Median of the runs; the differ gives one line for the one change.")


if __name__ == "__main__":
    main()
