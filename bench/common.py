"""What every benchmark script shares: options, Django setup, timing and tables.

Timings use ``time.perf_counter`` and report the median of several runs, so one
slow run on a busy machine does not move the result. Tables are printed as
Markdown so they can be pasted into ``bench/RESULTS.md`` as they are.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "demo"
WITH_PANEL = "bench.settings_with_panel"
WITHOUT_PANEL = "bench.settings_without_panel"
DB_ENV = "DEMO_DB_PATH"


@dataclass(frozen=True)
class Options:
    """Command-line options common to every script."""

    smoke: bool
    reps: int

    def pick(self, full: Any, smoke: Any) -> Any:
        """``smoke`` in smoke mode, else ``full``: sizes stay readable at the call site."""
        return smoke if self.smoke else full


def parse_options(
    description: str, default_reps: int, argv: Sequence[str] | None = None
) -> Options:
    """``--smoke`` (tiny sizes, one repetition) and ``--reps N``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (median reported)")
    args = parser.parse_args(argv)
    reps = 1 if args.smoke else (args.reps or default_reps)
    return Options(smoke=args.smoke, reps=max(1, reps))


def add_import_paths() -> None:
    """The repository (for ``bench``) and ``demo/`` (for ``demo_project``) on sys.path."""
    for path in (str(REPO_ROOT), str(DEMO_DIR)):
        if path not in sys.path:
            sys.path.insert(0, path)


def bench_database() -> Path:
    """The SQLite file this run uses: ``$DEMO_DB_PATH`` if set, else a new temporary one.

    Set before Django reads the settings, so a parent can migrate once and share
    the file with its child processes.
    """
    existing = os.environ.get(DB_ENV)
    if existing:
        return Path(existing)
    path = Path(tempfile.mkdtemp(prefix="ddt-tt-bench-")) / "bench.sqlite3"
    os.environ[DB_ENV] = str(path)
    return path


def setup_django(settings_module: str = WITH_PANEL) -> None:
    """Configure Django with ``settings_module`` and a migrated database."""
    add_import_paths()
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    path = bench_database()
    # The ASGI application the benchmarks drive; importing it sets Django up.
    import demo_project.asgi  # noqa: F401

    if not path.exists() or path.stat().st_size == 0:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    # Benchmarks send malformed queries on purpose (to time a request alone).
    logging.getLogger("django.request").setLevel(logging.ERROR)


def prepare_database() -> None:
    """Migrate the run's SQLite file once, in a child process; later processes reuse it."""
    path = bench_database()
    if path.exists():
        return
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": WITH_PANEL}
    code = "from bench.common import setup_django; setup_django()"
    subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=300
    )


def median(values: Iterable[float]) -> float:
    """Median of ``values`` (the statistic every table reports)."""
    return statistics.median(list(values))


def ms(seconds: float) -> str:
    """Milliseconds with sensible precision."""
    value = seconds * 1000
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def kib(count: float) -> str:
    """Bytes as KiB (or B when tiny)."""
    return f"{count:.0f} B" if count < 1024 else f"{count / 1024:.1f} KiB"


def ratio(value: float) -> str:
    """A ratio with two decimals."""
    return f"{value:.2f}"


def verdict(met: bool, options: Options) -> str:
    """The goal column: met or missed (smoke sizes say nothing about goals)."""
    if options.smoke:
        return "(smoke)"
    return "met" if met else "MISSED"


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A Markdown table with a heading, flushed at once (scripts run as subprocesses)."""
    lines = [f"### {title}", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join(" --- " for _ in headers) + "|")
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    print("\n".join(lines) + "\n", flush=True)


def print_note(text: str) -> None:
    """A line under a table (how it was measured, what a number means)."""
    print(text + "\n", flush=True)
