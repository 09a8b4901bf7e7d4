"""Benchmark 5: restore latency through the panel's path versus a bare djust frame.

The panel restores as panel.js does: the page's socket sends djust's
``time_travel_jump`` frame with the row's identity (``ddt_event``), which the
package's socket guard checks and resolves to the event's current position in
the consumer's turn; the time runs until ``time_travel_state`` arrives. The
bare path sends the same frame with a known position and no identity. For
reference, the path the panel took before the guard: a ``locate`` request for
the position, then the bare frame. All restore the same states in turns.
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


def identity(socket: Any, seq: int) -> dict[str, Any]:
    """The ``ddt_event`` panel.js sends for the row of event ``seq``."""
    from ddt_timetravel import history

    view = socket.view
    _, entries = history.read(view, history.time_travel_buffer(view), seq, seq)
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


async def located_restore(socket: Any, panel: Any, seq: int, which: str) -> float:
    """Seconds of the former path: a ``locate`` request, then the bare frame."""
    start = time.perf_counter()
    index = await panel.locate(seq)
    await socket.jump(index, which)
    return time.perf_counter() - start


def guard_lookup(socket: Any, seq: int) -> float:
    """Seconds of the lookup the guard makes in the consumer's turn: one event by number."""
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
    identities = {seq: identity(socket, seq) for seq, _, _ in targets}
    results: dict[str, list[float]] = {"panel": [], "bare": [], "located": [], "guard": []}
    step = 0
    for _ in range(reps):
        seq, index, which = targets[step % 2]
        results["panel"].append(await panel_restore(socket, index, which, identities[seq]))
        step += 1
        seq, index, which = targets[step % 2]
        results["bare"].append(await bare_restore(socket, index, which))
        step += 1
        seq, index, which = targets[step % 2]
        results["located"].append(await located_restore(socket, panel, seq, which))
        step += 1
        results["guard"].append(guard_lookup(socket, seq))
    await socket.close()
    return results


def report(results: dict[str, list[float]], options: Options, events: int) -> None:
    panel, bare, located, guard = (
        median(results[name]) for name in ("panel", "bare", "located", "guard")
    )
    print_table(
        "5. Restore latency: time_travel_jump sent → time_travel_state received",
        ["path", "median", "ratio to bare frame"],
        [
            ["bare frame (test client)", ms(bare), ratio(1.0)],
            ["panel: frame with the row's identity (as panel.js)", ms(panel), ratio(panel / bare)],
            ["  of which the guard's lookup (history.read)", ms(guard), ratio(guard / bare)],
            ["former panel path: locate call + frame", ms(located), ratio(located / bare)],
        ],
    )
    print_note(
        f"Counter holding {events} events; median of {options.reps} restores per path, "
        "alternating paths and target states (0 / newest) so each jump re-renders the page. "
        "The socket guard checks the row's identity and finds the event's position in the "
        "consumer's turn, before djust applies the frame; the former path asked for the "
        "position over HTTP first (Django's test client over ASGI, as under daphne)."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=40, argv=argv)
    setup_django()
    events = options.pick(full=50, smoke=3)
    report(asyncio.run(measure(events, options.reps)), options, events)


if __name__ == "__main__":
    main()
