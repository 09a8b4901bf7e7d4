"""Benchmark 5: restore latency through the panel's path versus a bare djust frame.

The panel restores as panel.js does: a ``locate`` call turns the row's stable
number into the current buffer position, then the page's socket sends djust's
``time_travel_jump`` frame; the time runs until ``time_travel_state`` arrives.
The bare path sends the same frame with a known position. Both restore the
same states in turns, so the only difference is the ``locate`` call.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.common import (
    Options,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
    setup_django,
)

COUNTER = ("demo_app.views.CounterView", "/counter/")


async def panel_restore(socket: Any, panel: Any, seq: int, which: str) -> tuple[float, float]:
    """(total, locate) seconds of one restore the way panel.js does it."""
    start = time.perf_counter()
    index = await panel.locate(seq)
    located = time.perf_counter()
    await socket.jump(index, which)
    return time.perf_counter() - start, located - start


async def bare_restore(socket: Any, index: int, which: str) -> float:
    """Seconds of the same frame sent directly, as a test client would."""
    start = time.perf_counter()
    await socket.jump(index, which)
    return time.perf_counter() - start


async def request_alone(panel: Any) -> float:
    """Seconds of a locate call refused before it looks anything up (the HTTP stack alone)."""
    start = time.perf_counter()
    await panel.get("locate", expect=400, seq="x")
    return time.perf_counter() - start


def core_locate(socket: Any, seq: int) -> float:
    """Seconds of the lookup locate does, without HTTP: find the event's position."""
    from ddt_timetravel import history

    view = socket.view
    start = time.perf_counter()
    history.read(view, history.time_travel_buffer(view), first_seq=seq, last_seq=seq)
    return time.perf_counter() - start


async def measure(events: int, reps: int) -> dict[str, list[float]]:
    from bench.client import Panel, open_socket
    from bench.refresh import last_seq

    socket = await open_socket()
    await socket.mount(*COUNTER)
    for _ in range(events):
        await socket.event("increment")
    panel = Panel(socket)
    newest = last_seq((await panel.get("timeline")).content)
    head = newest - events + 1
    # Alternate the oldest before-state and the newest after-state, so every
    # jump changes what the page shows (count 0, then count ``events``).
    targets = [(head, 0, "before"), (newest, events - 1, "after")]
    results: dict[str, list[float]] = {
        "panel": [],
        "locate": [],
        "bare": [],
        "request": [],
        "core": [],
    }
    step = 0
    for _ in range(reps):
        seq, _index, which = targets[step % 2]
        total, locate = await panel_restore(socket, panel, seq, which)
        results["panel"].append(total)
        results["locate"].append(locate)
        step += 1
        _seq, index, which = targets[step % 2]
        results["bare"].append(await bare_restore(socket, index, which))
        step += 1
        results["request"].append(await request_alone(panel))
        results["core"].append(core_locate(socket, seq))
    await socket.close()
    return results


def report(results: dict[str, list[float]], options: Options, events: int) -> None:
    panel, bare, locate, request, core = (
        median(results[name]) for name in ("panel", "bare", "locate", "request", "core")
    )
    print_table(
        "5. Restore latency: time_travel_jump sent → time_travel_state received",
        ["path", "median", "ratio to bare frame"],
        [
            ["bare frame (test client)", ms(bare), ratio(1.0)],
            ["panel: locate call + frame (as panel.js)", ms(panel), ratio(panel / bare)],
            ["of which the locate call", ms(locate), ratio(locate / bare)],
            ["  of which Django's ASGI request stack", ms(request), ratio(request / bare)],
            ["  of which the panel's lookup (history.read)", ms(core), ratio(core / bare)],
        ],
    )
    print_note(
        f"Counter holding {events} events; median of {options.reps} restores per path, "
        "alternating paths and target states (0 / newest) so each jump re-renders the page. "
        "The locate call is the panel's only addition to djust's restore. The request stack is "
        "timed as a locate call refused with 400 before any lookup (Django's test client over "
        "ASGI, sync middleware and view run through sync_to_async as under daphne)."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=40, argv=argv)
    setup_django()
    events = options.pick(full=50, smoke=3)
    report(asyncio.run(measure(events, options.reps)), options, events)


if __name__ == "__main__":
    main()
