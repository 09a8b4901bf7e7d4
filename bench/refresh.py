"""Benchmark 3: a new event costs the same to show with 10 or 1000 events held.

For each size the demo's counter is mounted with ``time_travel_max_events`` raised
to that size and filled with real events through djust's consumer. The open panel
has fetched every row once; then, repeatedly, one more event arrives and the panel
refreshes: one ``timeline`` call with ``after`` = the newest number it knows,
which returns one new row. Sizes are measured in turns so they share the noise.
"""

from __future__ import annotations

import asyncio
import re
import time
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

COUNTER = ("demo_app.views.CounterView", "/counter/")
GOAL = 1.5
_LAST_SEQ = re.compile(rb'data-djtt-last-seq="(\d+)"')


def last_seq(content: bytes) -> int:
    """The newest event number a timeline fragment says it holds."""
    found = _LAST_SEQ.search(content)
    if found is None:
        raise RuntimeError(f"no data-djtt-last-seq in the fragment: {content[:300]!r}")
    return int(found.group(1))


@dataclass
class Held:
    """One mounted counter holding ``size`` events, as an open panel sees it."""

    size: int
    socket: Any
    panel: Any
    last: int = 0
    full_fetch: tuple[float, int] = (0.0, 0)
    refresh_times: list[float] = field(default_factory=list)
    core_times: list[float] = field(default_factory=list)
    refresh_bytes: list[int] = field(default_factory=list)


async def mount_holding(size: int) -> Held:
    """A counter whose buffer holds ``size`` real events; the panel has read them all."""
    from djust.config import config

    from bench.client import Panel, open_socket

    previous = config.get("time_travel_max_events")
    config.set("time_travel_max_events", size)
    try:
        socket = await open_socket()
        await socket.mount(*COUNTER)
    finally:
        config.set("time_travel_max_events", previous)
    for _ in range(size):
        await socket.event("increment")
    held = Held(size, socket, Panel(socket))
    start = time.perf_counter()
    response = await held.panel.get("timeline")
    held.full_fetch = (time.perf_counter() - start, len(response.content))
    held.last = last_seq(response.content)
    return held


def core_work(held: Held, first_seq: int) -> float:
    """Seconds for the size-dependent core of a refresh: number the buffer, build the row."""
    from ddt_timetravel import _djust
    from ddt_timetravel.core import numbering
    from ddt_timetravel.core.masking import Masker
    from ddt_timetravel.display.rows import build_rows

    view = held.socket.view
    buffer = _djust.time_travel_buffer(view)
    start = time.perf_counter()
    _, entries = numbering.read(view, buffer, first_seq=first_seq)
    previous = numbering.previous_timestamp(buffer, entries[0]) if entries else None
    build_rows(entries, previous, Masker.for_view(view))
    return time.perf_counter() - start


async def refresh_once(held: Held) -> None:
    """One new event, then the panel's refresh of it (timed)."""
    await held.socket.event("increment")
    start = time.perf_counter()
    response = await held.panel.get("timeline", after=held.last)
    held.refresh_times.append(time.perf_counter() - start)
    held.refresh_bytes.append(len(response.content))
    new_last = last_seq(response.content)
    if new_last != held.last + 1:
        raise RuntimeError(f"expected one new row after #{held.last}, got up to #{new_last}")
    # The same read again, without HTTP: the rows are numbered now, so this is
    # the work a refresh does apart from the request itself.
    held.core_times.append(core_work(held, first_seq=held.last + 1))
    held.last = new_last


async def measure(sizes: tuple[int, ...], reps: int) -> list[Held]:
    held = [await mount_holding(size) for size in sizes]
    for _ in range(reps):
        for one in held:
            await refresh_once(one)
    for one in held:
        await one.socket.close()
    return held


def report(held: list[Held], options: Options, reps: int) -> None:
    small, large = held[0], held[-1]
    rows = []
    for one in held:
        rows.append(
            [
                one.size,
                ms(median(one.refresh_times)),
                ms(median(one.core_times)),
                kib(median(one.refresh_bytes)),
                ms(one.full_fetch[0]),
                kib(one.full_fetch[1]),
            ]
        )
    print_table(
        "3. Refresh cost as history grows (one new row, counter view)",
        [
            "events held",
            "refresh: timeline call",
            "refresh: core work",
            "refresh: bytes",
            "first full fetch",
            "full fetch bytes",
        ],
        rows,
    )
    endpoint = median(large.refresh_times) / median(small.refresh_times)
    core = median(large.core_times) / median(small.core_times)
    size_ratio = median(large.refresh_bytes) / median(small.refresh_bytes)
    print_table(
        f"3. Refresh cost({large.size}) / cost({small.size})",
        ["measure", "ratio", "goal", ""],
        [
            [
                "timeline call (time)",
                ratio(endpoint),
                f"≤ {GOAL}",
                verdict(endpoint <= GOAL, options),
            ],
            ["core work (time)", ratio(core), f"≤ {GOAL}", verdict(core <= GOAL, options)],
            [
                "response bytes",
                ratio(size_ratio),
                f"≤ {GOAL}",
                verdict(size_ratio <= GOAL, options),
            ],
        ],
    )
    print_note(
        f"Median of {reps} refreshes per size, sizes in turns. The timeline call goes through "
        "Django's test client (middleware, session, ownership check, template); core work is "
        "numbering.read + build_rows for the new row, re-run without HTTP."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=30, argv=argv)
    setup_django()
    sizes = options.pick(full=(10, 100, 1000), smoke=(3, 6, 12))
    held = asyncio.run(measure(sizes, options.reps))
    report(held, options, options.reps)


if __name__ == "__main__":
    main()
