"""Benchmarks 1 and 2: what the package adds to djust's event path (nothing, by design).

Event throughput through djust's real consumer (channels' ``WebsocketCommunicator``,
in-process) with this package installed and its panel enabled, versus the same
project without the package. Settings cannot change cleanly inside one process,
so each variant is a worker process with its own ``DJANGO_SETTINGS_MODULE``.
Both workers start once and hold their sockets; the parent then has them fire
small batches of events in turns (ABAB..., the first of each pair swapped every
round), so both variants meet the same moments of a busy machine.

Benchmark 1 is a view with time travel OFF, benchmark 2 one with it ON; each
also with 10 SQL queries per event, since the package wraps database queries
(with time travel on, half of them run while the template re-renders, where the
package records them too). Benchmark 2c, reported without a goal, is a view whose
re-render runs 100 queries: the package records each one with its source line.

``BENCH_SAME_SETTINGS=1`` gives both workers the settings with the package: an
A/A run that shows how far the paired ratios stray on this machine by noise alone.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import IO, Any

from bench.common import (
    WITH_PANEL,
    WITHOUT_PANEL,
    Options,
    median,
    parse_options,
    prepare_database,
    print_note,
    print_table,
    ratio,
    setup_django,
    verdict,
)

RESULT = "RESULT "


@dataclass(frozen=True)
class Measured:
    """One view whose event throughput is compared with and without the package."""

    view_path: str
    url: str
    title: str
    goal: float | None


VIEWS = {
    "off": Measured("bench.views.PlainCounterView", "/plain/", "1. time travel OFF: counter", 0.98),
    "off_sql": Measured(
        "bench.views.QueryCounterView",
        "/plain-sql/",
        "1b. time travel OFF: counter + 10 SQL queries per event",
        0.98,
    ),
    "on": Measured(
        "demo_app.views.CounterView", "/counter/", "2. time travel ON: demo counter", 0.97
    ),
    "on_sql": Measured(
        "bench.views.RenderQueryCounterView",
        "/counter-render-sql/",
        "2b. time travel ON: counter + 10 SQL queries per event (5 in the re-render)",
        0.97,
    ),
    "on_render_heavy": Measured(
        "bench.views.RenderHeavyCounterView",
        "/counter-heavy/",
        "2c. time travel ON: 100 SQL queries in the re-render",
        None,
    ),
}


# -- worker: one settings module, every view, batches on request -----------------------


async def _event_times(socket: Any, count: int) -> list[float]:
    """Seconds of each of ``count`` events, from sending the frame to the re-render."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        await socket.event("increment")
        times.append(time.perf_counter() - start)
    return times


def _reply(payload: Any) -> None:
    print(RESULT + json.dumps(payload), flush=True)


async def _serve(
    warmup: int, views: dict[str, Measured] = VIEWS, client: str | None = None
) -> None:
    """Mount every view, then run ``<view> <count>`` batches read from stdin until EOF."""
    from django.conf import settings

    from bench.client import open_socket

    sockets = {}
    for name, measured in views.items():
        sockets[name] = await open_socket(client=client)
        await sockets[name].mount(measured.view_path, measured.url)
        await _event_times(sockets[name], warmup)
    _reply({"installed": "ddt_timetravel" in settings.INSTALLED_APPS})
    loop = asyncio.get_running_loop()
    while line := await loop.run_in_executor(None, sys.stdin.readline):
        name, count = line.split()
        _reply(await _event_times(sockets[name], int(count)))
    for socket in sockets.values():
        await socket.close()


def worker(argv: list[str]) -> None:
    """Entry point of a worker process (``--worker WARMUP``)."""
    setup_django(os.environ["DJANGO_SETTINGS_MODULE"])
    asyncio.run(_serve(int(argv[0])))


class Worker:
    """The parent's handle on one worker process."""

    def __init__(self, settings_module: str, warmup: int, module: str = "bench.zero_cost") -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
        self.settings_module = settings_module
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, "--worker", str(warmup)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.installed = self._read()["installed"]

    def _read(self) -> Any:
        stdout: IO[str] = self.process.stdout  # type: ignore[assignment]
        for line in stdout:
            if line.startswith(RESULT):
                return json.loads(line[len(RESULT) :])
        stderr = self.process.stderr.read() if self.process.stderr else ""
        raise RuntimeError(f"worker {self.settings_module} stopped:\n{stderr[-4000:]}")

    def run(self, name: str, count: int) -> list[float]:
        """Per-event seconds of ``count`` events of view ``name``."""
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(f"{name} {count}\n")
        stdin.flush()
        return self._read()

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# -- parent: alternate the variants ------------------------------------------------------


@dataclass
class Samples:
    """Per-event times of each variant, and each round's with/without ratio."""

    times: dict[str, list[float]]
    pair_ratios: list[float]


def _alternate(
    workers: dict[str, Worker], rounds: int, batch: int, views: dict[str, Measured] = VIEWS
) -> dict[str, Samples]:
    samples = {name: Samples({"with": [], "without": []}, []) for name in views}
    for number in range(rounds):
        order = ["with", "without"] if number % 2 == 0 else ["without", "with"]
        for name in views:
            batch_medians = {}
            for label in order:
                times = workers[label].run(name, batch)
                samples[name].times[label] += times
                batch_medians[label] = median(times)
            # events/s with / events/s without = time without / time with
            samples[name].pair_ratios.append(batch_medians["without"] / batch_medians["with"])
    return samples


def run(options: Options) -> None:
    rounds = options.pick(full=max(2, options.reps), smoke=1)
    batch = options.pick(full=20, smoke=3)
    warmup = options.pick(full=20, smoke=2)
    prepare_database()
    same = os.environ.get("BENCH_SAME_SETTINGS") == "1"
    baseline = WITH_PANEL if same else WITHOUT_PANEL
    workers = {"with": Worker(WITH_PANEL, warmup), "without": Worker(baseline, warmup)}
    try:
        if not same and (not workers["with"].installed or workers["without"].installed):
            raise RuntimeError("the settings modules do not differ by ddt_timetravel")
        if same:
            print("A/A run: both workers have the package (BENCH_SAME_SETTINGS=1)\n")
        samples = _alternate(workers, rounds, batch)
    finally:
        for one in workers.values():
            one.stop()
    _report(samples, options, rounds, batch)


def median_interval(values: list[float], draws: int = 2000) -> tuple[float, float]:
    """95 % bootstrap interval of the median of ``values`` (seeded: the same run, the same
    interval), so a verdict can tell a real shortfall from a busy machine."""
    rng = random.Random(7)
    medians = sorted(median(rng.choices(values, k=len(values))) for _ in range(draws))
    return medians[int(0.025 * draws)], medians[int(0.975 * draws) - 1]


def judge(
    paired: float, interval: tuple[float, float], goal: float | None, options: Options
) -> str:
    """met, MISSED (the whole interval is below the goal), or inconclusive (noise)."""
    if goal is None:
        return "reported"
    if options.smoke or paired >= goal:
        return verdict(paired >= goal, options)
    if interval[1] < goal:
        return "MISSED"
    return "inconclusive: noise"


def report_rows(
    samples: dict[str, Samples], options: Options, views: dict[str, Measured] = VIEWS
) -> list[list[str]]:
    """One table row per view: events/s of each variant, the ratios, the verdict."""
    rows = []
    for name, measured in views.items():
        with_eps = 1 / median(samples[name].times["with"])
        without_eps = 1 / median(samples[name].times["without"])
        paired = median(samples[name].pair_ratios)
        interval = median_interval(samples[name].pair_ratios)
        rows.append(
            [
                measured.title,
                f"{with_eps:.0f}",
                f"{without_eps:.0f}",
                ratio(with_eps / without_eps),
                ratio(paired),
                f"{interval[0]:.2f}-{interval[1]:.2f}",
                "report" if measured.goal is None else f"≥ {measured.goal}",
                judge(paired, interval, measured.goal, options),
            ]
        )
    return rows


def _report(samples: dict[str, Samples], options: Options, rounds: int, batch: int) -> None:
    rows = report_rows(samples, options)
    print_table(
        "1-2. Zero cost: events/s through djust's consumer, with vs without ddt_timetravel",
        [
            "view",
            "with package (ev/s)",
            "without (ev/s)",
            "ratio",
            "median of paired ratios",
            "95% interval of that median",
            "goal",
            "",
        ],
        rows,
    )
    print_note(
        f"Two worker processes (one per settings module) fire batches of {batch} sequential "
        f"events per view in turns, {rounds} rounds (ABBA order); each event is timed from "
        "sending the frame to receiving the re-render, events/s = 1 / median event time. "
        "A paired ratio compares the two batches of one round, which ran back to back; "
        "its median's 95% interval is bootstrapped. MISSED means the whole interval is "
        "below the goal; inconclusive means the goal lies inside it (machine noise)."
    )


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return
    run(parse_options(__doc__.splitlines()[0], default_reps=60, argv=argv))


if __name__ == "__main__":
    main()
