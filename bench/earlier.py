"""Benchmark 11: the memory earlier sessions hold, their bound under 1000 reloads, and
what a restore from one costs against a restore from the live buffer.

One browser reloads its counter page 1000 times: each cycle mounts a view over
djust's real consumer, fires a few events, lets the panel read the timeline (so
the tab is known) and closes the socket the way a reload does (code 1001). The
server keeps each closed view's masked timeline. Reported: the sessions and
bytes kept (they must stay within ``EARLIER_SESSIONS`` and
``EARLIER_SESSIONS_MAX_BYTES``), the bytes a kept session would take on the wire
(its JSON export) against the memory it holds in the store (``tracemalloc``),
and the resident memory before and after.
"""

from __future__ import annotations

import asyncio
import gc
import resource
import time
import tracemalloc

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

EVENTS_PER_CYCLE = 4


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _cycles(count: int) -> str:
    from asgiref.sync import sync_to_async

    from bench.client import Panel, new_session_key, open_socket
    from ddt_timetravel.recording import earlier

    session_key = await sync_to_async(new_session_key)()
    for _ in range(count):
        socket = await open_socket(session_key)
        await socket.mount("demo_app.views.CounterView", "/counter/")
        for _ in range(EVENTS_PER_CYCLE):
            await socket.event("increment")
        await Panel(socket).get("timeline", tab="bench-tab")
        await socket.communicator.disconnect(code=earlier.GOING_AWAY)
    return session_key


def main(argv: list[str] | None = None) -> None:
    options: Options = parse_options(__doc__.splitlines()[0], default_reps=1, argv=argv)
    setup_django()
    from ddt_timetravel.conf import get_setting
    from ddt_timetravel.recording import earlier

    cycles = options.pick(1000, 12)
    rss_before = _rss_mib()
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    session_key = asyncio.run(_cycles(cycles))
    gc.collect()
    kept = earlier.sessions_for_owner(session_key)
    on_wire = sum(len(k.document) for k in kept)
    recorded = sum(len(k.recorded) for k in kept)
    snapshot = tracemalloc.take_snapshot()
    held = sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if stat.traceback[0].filename.endswith("ddt_timetravel/recording/earlier.py")
    )
    tracemalloc.stop()
    max_sessions = get_setting("EARLIER_SESSIONS")
    max_bytes = get_setting("EARLIER_SESSIONS_MAX_BYTES")
    within = len(kept) <= max_sessions and on_wire + recorded <= max_bytes
    print_table(
        "11. Earlier sessions under reloads",
        [
            "reload cycles",
            "sessions kept",
            "bytes kept (their JSON)",
            "+ as recorded (unmasked)",
            "held in the store",
            "bound",
            "",
        ],
        [
            (
                cycles,
                f"{len(kept)} (≤ {max_sessions})",
                kib(on_wire),
                kib(recorded),
                kib(held),
                f"{kib(max_bytes)} per browser",
                verdict(within, options) if not options.smoke else ("held" if within else "BROKEN"),
            )
        ],
    )
    print_note(
        f"Resident memory {rss_before:.0f} → {_rss_mib():.0f} MiB (peak) over {cycles} cycles of "
        f"{EVENTS_PER_CYCLE} events; a kept session is its masked JSON export and the same "
        "events as recorded (for a restore or a check, never shown), so what it holds is "
        "those bytes plus a small record."
    )
    if not within:
        raise SystemExit("the bound on earlier sessions did not hold")
    report_restores(options)


RESTORE_EVENTS = 100


async def _restore_timings(reps: int) -> dict[str, list[float]]:
    """Seconds per restore: an earlier session's state vs the live buffer's, alternating."""
    from asgiref.sync import sync_to_async

    from bench.client import Panel, new_session_key, open_socket
    from bench.restore import identity
    from ddt_timetravel._djust import EARLIER_KEY
    from ddt_timetravel.recording import earlier

    session_key = await sync_to_async(new_session_key)()
    gone = await open_socket(session_key)
    await gone.mount("demo_app.views.CounterView", "/counter/")
    for _ in range(RESTORE_EVENTS):
        await gone.event("increment")
    await Panel(gone).get("timeline", tab="bench-tab")
    await gone.communicator.disconnect(code=earlier.GOING_AWAY)
    (kept, *_) = earlier.sessions_for_owner(session_key)

    page = await open_socket(session_key)
    await page.mount("demo_app.views.CounterView", "/counter/")
    for _ in range(RESTORE_EVENTS):
        await page.event("increment")
    rows = {seq: identity(page, seq) for seq in (1, RESTORE_EVENTS)}
    timings: dict[str, list[float]] = {"live": [], "earlier": []}
    for step in range(reps):
        seq, which = (1, "before") if step % 2 else (RESTORE_EVENTS, "after")
        start = time.perf_counter()
        await page.jump(seq - 1, which, ddt_event=rows[seq])
        timings["live"].append(time.perf_counter() - start)
        seq, which = (RESTORE_EVENTS, "after") if step % 2 else (1, "before")
        frame = {"type": "time_travel_jump", "index": 0, "which": which}
        frame[EARLIER_KEY] = {"id": kept.id, "seq": seq, "which": which}
        start = time.perf_counter()
        await page.send(frame)
        frames = await page.until("time_travel_state", "error")
        timings["earlier"].append(time.perf_counter() - start)
        if frames[-1]["type"] == "error":
            raise SystemExit(f"the restore from an earlier session failed: {frames[-1]!r}")
    await page.close()
    return timings


def report_restores(options: Options) -> None:
    """Table 11b: a restore from an earlier session against one from the live buffer."""
    timings = asyncio.run(_restore_timings(options.pick(40, 4)))
    live, kept = median(timings["live"]), median(timings["earlier"])
    print_table(
        "11b. Restore from an earlier session: frame sent → time_travel_state received",
        [
            "events kept",
            "live buffer (the row's identity)",
            "earlier session (its states read back)",
            "ratio to live",
        ],
        [(RESTORE_EVENTS, ms(live), ms(kept), ratio(kept / live))],
    )
    print_note(
        f"Counter; median of {len(timings['live'])} restores per path, alternating paths "
        "and target states (0 / newest) on one socket. A restore from an earlier session "
        "reads the kept states back (in a worker thread) before djust's restore and re-render."
    )


if __name__ == "__main__":
    main()
