"""Benchmark 10: events per second with the toolbar capture of each event on vs off.

Both workers have the package and its panel; one has ``TOOLBAR_CAPTURE`` off
(``bench.settings_capture_off``). Their sockets carry the loopback client
address, as a browser's would, so ``SHOW_TOOLBAR_CALLBACK`` lets the capture
run. Batches alternate between the workers like benchmarks 1-2
(:mod:`bench.zero_cost`, whose machinery this reuses): the demo counter (goal
≥ 0.8) and the counter with 10 SQL queries per event (reported), where the
toolbar's SQL panel takes a stack trace of every query.
"""

from __future__ import annotations

import asyncio
import os
import sys

from bench.common import (
    WITH_PANEL,
    Options,
    parse_options,
    prepare_database,
    print_note,
    print_table,
    setup_django,
)
from bench.zero_cost import Measured, Worker, _alternate, _serve, report_rows

CAPTURE_OFF = "bench.settings_capture_off"
#: The browser's address in the socket's scope: an INTERNAL_IPS one.
CLIENT = "127.0.0.1"

VIEWS = {
    "on": Measured("demo_app.views.CounterView", "/counter/", "10. demo counter", 0.8),
    "on_sql": Measured(
        "bench.views.RenderQueryCounterView",
        "/counter-render-sql/",
        "10b. counter + 10 SQL queries per event (5 in the re-render)",
        None,
    ),
}


def worker(argv: list[str]) -> None:
    """Entry point of a worker process (``--worker WARMUP``)."""
    setup_django(os.environ["DJANGO_SETTINGS_MODULE"])
    asyncio.run(_serve(int(argv[0]), VIEWS, client=CLIENT))


def run(options: Options) -> None:
    rounds = options.pick(full=max(2, options.reps), smoke=1)
    batch = options.pick(full=20, smoke=3)
    warmup = options.pick(full=20, smoke=2)
    prepare_database()
    module = "bench.toolbar_capture"
    workers = {
        "with": Worker(WITH_PANEL, warmup, module),
        "without": Worker(CAPTURE_OFF, warmup, module),
    }
    try:
        samples = _alternate(workers, rounds, batch, VIEWS)
    finally:
        for one in workers.values():
            one.stop()
    rows = report_rows(samples, options, VIEWS)
    print_table(
        "10. Toolbar capture: events/s with each event captured for the toolbar vs not",
        [
            "view",
            "capture on (ev/s)",
            "capture off (ev/s)",
            "ratio",
            "median of paired ratios",
            "95% interval of that median",
            "goal",
            "",
        ],
        rows,
    )
    print_note(
        f"Two worker processes, both with the panel, one with TOOLBAR_CAPTURE off, fire "
        f"batches of {batch} sequential events per view in turns, {rounds} rounds (ABBA "
        "order), timed from sending the frame to receiving the re-render. The capture's "
        "work after the patch (the panels' stats, their masking, the store) runs in the "
        "same event loop as the next event, so it is counted."
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return
    run(parse_options(__doc__.splitlines()[0], default_reps=20, argv=argv))


if __name__ == "__main__":
    main()
