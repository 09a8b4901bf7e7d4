"""Benchmark 8: a watchpoint and a key history over 1000 held events.

The states are the shape of a real list page: a counter, a filter string and a
list of 50 items of dicts with ids, one item changing per event. Each expression
is evaluated over every held event (the work the ``watch/`` endpoint does after
it has read the buffer), next to ``json.dumps`` of the same states as a yardstick
for "one pass over the data". Goal: under 100 ms for 1000 events.
"""

from __future__ import annotations

import json
import time

from bench.common import (
    Options,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
    setup_django,
    verdict,
)

GOAL_MS = 100
EXPRESSIONS = (
    "count > 500",
    "changed(items[id=7].done) and not done_filter == 'all'",
    "len(items) >= 50 and 'x' in query or items[id=49].qty > 3",
)


def _states(events: int) -> list[tuple[int, dict, dict]]:
    items = [{"id": i, "title": f"item {i}", "done": False, "qty": i % 5} for i in range(50)]
    triples = []
    before = {"count": 0, "query": "", "done_filter": "all", "items": items}
    for seq in range(1, events + 1):
        changed = [dict(item) for item in before["items"]]
        changed[seq % 50]["done"] = not changed[seq % 50]["done"]
        after = {**before, "count": seq, "query": "x" * (seq % 3), "items": changed}
        triples.append((seq, before, after))
        before = after
    return triples


def _timed(function, reps: int) -> float:
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return median(times)


def main(argv: list[str] | None = None) -> None:
    options: Options = parse_options(__doc__.splitlines()[0], default_reps=7, argv=argv)
    setup_django()
    from djust.time_travel import EventSnapshot

    from ddt_timetravel.core.key_history import key_history
    from ddt_timetravel.core.masking import Masker
    from ddt_timetravel.core.watch import parse, scan

    events = options.pick(1000, 50)
    triples = _states(events)
    masker = Masker()
    baseline = _timed(lambda: [json.dumps(after) for _, _, after in triples], options.reps)
    rows = []
    for text in EXPRESSIONS:
        watch = parse(text)
        seconds = _timed(lambda watch=watch: scan(watch, triples, masker), options.reps)
        rows.append(
            (
                f"`{text}`",
                events,
                ms(seconds),
                ratio(seconds / baseline),
                verdict(seconds * 1000 < GOAL_MS, options),
            )
        )
    snapshots = [
        (seq, EventSnapshot("toggle", {}, None, 0.0, before, after, None))
        for seq, before, after in triples
    ]
    seconds = _timed(lambda: key_history("items[id=7].done", snapshots, masker), options.reps)
    rows.append(
        (
            "key history of `items[id=7].done`",
            events,
            ms(seconds),
            ratio(seconds / baseline),
            verdict(seconds * 1000 < GOAL_MS, options),
        )
    )
    print_table(
        "8. Watchpoints and key history",
        ["what", "events", "median", "/ json.dumps of the states", f"goal < {GOAL_MS} ms"],
        rows,
    )
    print_note(f"`json.dumps` of the {events} after-states: {ms(baseline)}.")


if __name__ == "__main__":
    main()
