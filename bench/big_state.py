"""Benchmark 4: big state. Rendering the timeline and one row's diff, against json.dumps.

Two buffers filled with real events through djust's consumer: the demo's BigView
(a 1000-row list, ``shuffle``) and ``bench.views.WideView`` (200 keys, 100 events).
For each: the first full ``timeline`` fetch, and the ``diff`` endpoint of one row
(first call, then the same call again, which reuses the memoised diff), each set
against ``json.dumps`` of the very snapshots it describes: the cost of merely
serialising the history, which is what djust's own panel is sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from bench.common import (
    kib,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
    setup_django,
)
from bench.refresh import last_seq


@dataclass(frozen=True)
class Case:
    """A view, the event that fills its buffer, and how many events to hold."""

    label: str
    view_path: str
    url: str
    event: str
    events: int


@dataclass
class Timings:
    timeline: list[float] = field(default_factory=list)
    timeline_json: list[float] = field(default_factory=list)
    diff_first: list[float] = field(default_factory=list)
    diff_cached: list[float] = field(default_factory=list)
    diff_json: list[float] = field(default_factory=list)
    timeline_bytes: int = 0
    diff_bytes: int = 0
    json_bytes: int = 0


def snapshot_json(snapshot: Any) -> str:
    """The snapshot as djust would put it on the wire (state before and after, params)."""
    return json.dumps(
        {
            "event_name": snapshot.event_name,
            "params": snapshot.params,
            "state_before": snapshot.state_before,
            "state_after": snapshot.state_after,
        }
    )


def timed_json(snapshots: list[Any]) -> tuple[float, int]:
    """Seconds and bytes of json.dumps of ``snapshots``."""
    start = time.perf_counter()
    size = sum(len(snapshot_json(snapshot)) for snapshot in snapshots)
    return time.perf_counter() - start, size


async def timed_get(panel: Any, name: str, **params: Any) -> tuple[float, bytes]:
    start = time.perf_counter()
    response = await panel.get(name, **params)
    return time.perf_counter() - start, response.content


async def fill(case: Case) -> tuple[Any, Any]:
    """A socket whose view holds ``case.events`` real events, and its panel client."""
    from bench.client import Panel, open_socket

    socket = await open_socket()
    await socket.mount(case.view_path, case.url)
    for _ in range(case.events):
        await socket.event(case.event)
    return socket, Panel(socket)


async def measure_case(case: Case, reps: int) -> Timings:
    from ddt_timetravel import _djust

    timings = Timings()
    socket, panel = await fill(case)
    buffer = _djust.time_travel_buffer(socket.view)
    snapshots = [buffer.jump(index) for index in range(len(buffer))]
    for _ in range(reps):
        seconds, content = await timed_get(panel, "timeline")
        timings.timeline.append(seconds)
        timings.timeline_bytes = len(content)
        seconds, timings.json_bytes = timed_json(snapshots)
        timings.timeline_json.append(seconds)
    newest = last_seq(content)
    for rep in range(reps):
        seq = newest - rep  # a row not expanded before: the first call computes the diff
        snapshot = buffer.jump(len(buffer) - 1 - rep)
        seconds, content = await timed_get(panel, "diff", seq=seq)
        timings.diff_first.append(seconds)
        timings.diff_bytes = len(content)
        timings.diff_cached.append((await timed_get(panel, "diff", seq=seq))[0])
        timings.diff_json.append(timed_json([snapshot])[0])
    await socket.close()
    return timings


def report(results: dict[Case, Timings], reps: int) -> None:
    rows = []
    for case, t in results.items():
        rows.append(
            [
                case.label,
                f"{ms(median(t.timeline))} ({kib(t.timeline_bytes)})",
                f"{ms(median(t.timeline_json))} ({kib(t.json_bytes)})",
                ratio(median(t.timeline) / median(t.timeline_json)),
                f"{ms(median(t.diff_first))} ({kib(t.diff_bytes)})",
                ms(median(t.diff_json)),
                ratio(median(t.diff_first) / median(t.diff_json)),
                ms(median(t.diff_cached)),
                ratio(median(t.diff_cached) / median(t.diff_first)),
            ]
        )
    print_table(
        "4. Big state: timeline and diff against json.dumps of the same snapshots",
        [
            "buffer",
            "timeline, first full fetch",
            "json.dumps of all held snapshots",
            "ratio",
            "diff of one row, first call",
            "json.dumps of that snapshot",
            "ratio",
            "same diff again (memoised)",
            "again / first",
        ],
        rows,
    )
    print_note(
        f"Median of {reps} runs. Endpoint times go through Django's test client in-process; "
        "the diff's first call is a row never expanded before, the second repeats it."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=7, argv=argv)
    setup_django()
    big_events = options.pick(full=50, smoke=2)
    wide_events = options.pick(full=100, smoke=3)
    cases = [
        Case(
            f"BigView, 1000-row list, {big_events} shuffles",
            "demo_app.views.BigView",
            "/big/",
            "shuffle",
            big_events,
        ),
        Case(
            f"WideView, 200 keys, {wide_events} events",
            "bench.views.WideView",
            "/wide/",
            "bump",
            wide_events,
        ),
    ]
    reps = min(options.reps, big_events, wide_events)

    async def run_all() -> dict[Case, Timings]:
        return {case: await measure_case(case, reps) for case in cases}

    report(asyncio.run(run_all()), reps)


if __name__ == "__main__":
    main()
