"""Benchmark 5: restore latency through the panel's path versus a bare djust frame.

The panel restores as panel.js does: the page's socket sends djust's
``time_travel_jump`` frame with the row's identity (``ddt_event``), which the
package's socket guard checks and resolves to the event's current position in
the consumer's turn; the time runs until ``time_travel_state`` arrives. The
bare path sends the same frame with a known position and no identity. Both
restore the same states in turns, with 100 and with 1000 events held (the
guard's lookup must not grow with the history).
"""

from __future__ import annotations

import asyncio
import os
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


def identity(socket: Any, seq: int) -> dict[str, Any]:
    """The ``ddt_event`` panel.js sends for the row of event ``seq``."""
    from ddt_timetravel import _djust
    from ddt_timetravel.core import numbering

    view = socket.view
    _, entries = numbering.read(view, _djust.time_travel_buffer(view), seq, seq)
    snapshot = entries[0].snapshot
    return {"seq": seq, "ts": snapshot.ts, "event": snapshot.event_name, "ref": snapshot.ref}


async def panel_restore(socket: Any, index: int, which: str, ddt_event: dict[str, Any]) -> float:
    """Seconds of one restore the way panel.js sends it: the frame with the row's identity."""
    start = time.perf_counter()
    await socket.jump(index, which, ddt_event=ddt_event)
    return time.perf_counter() - start


async def bare_restore(socket: Any, index: int, which: str) -> float:
    """Seconds of the same frame sent directly, as a test client would."""
    start = time.perf_counter()
    await socket.jump(index, which)
    return time.perf_counter() - start


def guard_lookup(socket: Any, seq: int) -> float:
    """Seconds of the lookup the guard makes in the consumer's turn: one event by number."""
    from ddt_timetravel import _djust
    from ddt_timetravel.core import numbering

    view = socket.view
    start = time.perf_counter()
    numbering.read(view, _djust.time_travel_buffer(view), first_seq=seq, last_seq=seq)
    return time.perf_counter() - start


async def measure(events: int, reps: int) -> dict[str, list[float]]:
    from bench.client import open_socket

    socket = await open_socket()
    await socket.mount(*COUNTER)
    for _ in range(events):
        await socket.event("increment")
    head, newest = 1, events
    # Alternate the oldest before-state and the newest after-state, so every
    # jump changes what the page shows (count 0, then count ``events``).
    targets = [(head, 0, "before"), (newest, events - 1, "after")]
    identities = {seq: identity(socket, seq) for seq, _, _ in targets}
    results: dict[str, list[float]] = {"panel": [], "bare": [], "guard": []}
    step = 0
    for _ in range(reps):
        seq, index, which = targets[step % 2]
        results["panel"].append(await panel_restore(socket, index, which, identities[seq]))
        step += 1
        seq, index, which = targets[step % 2]
        results["bare"].append(await bare_restore(socket, index, which))
        step += 1
        results["guard"].append(guard_lookup(socket, seq))
    await socket.close()
    return results


def report(results: dict[int, dict[str, list[float]]], options: Options) -> None:
    rows = []
    for events, timings in results.items():
        panel, bare, guard = (median(timings[name]) for name in ("panel", "bare", "guard"))
        rows.append(
            [
                events,
                ms(bare),
                ms(panel),
                ratio(panel / bare),
                f"{ms(guard)} ({ratio(guard / bare)})",
            ]
        )
    print_table(
        "5. Restore latency: time_travel_jump sent → time_travel_state received",
        [
            "events held",
            "bare frame (test client)",
            "panel: frame with the row's identity (as panel.js)",
            "ratio to bare frame",
            "of which the guard's lookup (numbering.read)",
        ],
        rows,
    )
    print_note(
        f"Counter; median of {options.reps} restores per path and size, alternating paths "
        "and target states (0 / newest) so each jump re-renders the page. The socket guard "
        "checks the row's identity and finds the event's position in the consumer's turn, "
        "before djust applies the frame: no request goes before the frame."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=40, argv=argv)
    sizes = options.pick(full=(100, 1000), smoke=(3,))
    os.environ.setdefault("BENCH_MAX_EVENTS", str(max(sizes)))  # the buffer holds them all
    setup_django()

    async def run_all() -> dict[int, dict[str, list[float]]]:
        return {events: await measure(events, options.reps) for events in sizes}

    report(asyncio.run(run_all()), options)


if __name__ == "__main__":
    main()
