"""Run every benchmark and print its tables: ``python -m bench [--smoke] [--only NAME ...]``.

Each script runs in its own process (its own Django settings and memory), one
after the other, sharing one migrated SQLite file. The machine is described
first, because the numbers only mean something next to it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench.common import prepare_database
from bench.machine import describe

#: (module, what it measures): issue #7's seven, then the multi-worker one.
SCRIPTS = (
    ("zero_cost", "1-2. event throughput with vs without the package"),
    ("refresh", "3. refresh cost as history grows"),
    ("big_state", "4. big state: timeline and diff vs json.dumps"),
    ("restore", "5. restore latency: panel path vs bare frame"),
    ("browser", "6. browser: this panel vs djust's debug panel"),
    ("memory", "7. memory: the panel's caches vs the djust buffer"),
    ("watch", "8. watchpoints and key history over 1000 events"),
    ("hostile", "9. hostile input: worst time per endpoint, long-list diffs"),
    ("toolbar_capture", "10. events/s with the toolbar capture on vs off"),
    ("earlier", "11. earlier sessions: memory and bound under 1000 reloads"),
    ("cross_worker", "refresh across ASGI workers (redis channel layer)"),
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--reps", type=int, help="repetitions for every script")
    parser.add_argument(
        "--only", nargs="+", choices=[name for name, _ in SCRIPTS], help="run only these"
    )
    parser.add_argument("--list", action="store_true", help="print the scripts' names and stop")
    return parser.parse_args(argv)


def _run(name: str, extra: list[str]) -> tuple[bool, float]:
    """Run one script, its output straight to ours; (succeeded, seconds)."""
    start = time.perf_counter()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    completed = subprocess.run([sys.executable, "-m", f"bench.{name}", *extra], env=env)
    return completed.returncode == 0, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.list:
        print("\n".join(name for name, _ in SCRIPTS))
        return 0
    extra = ["--smoke"] if args.smoke else []
    if args.reps:
        extra += ["--reps", str(args.reps)]
    print(describe(), flush=True)
    prepare_database()
    failed = []
    total = time.perf_counter()
    for name, title in SCRIPTS:
        if args.only and name not in args.only:
            continue
        print(f"## {title} (bench/{name}.py)\n", flush=True)
        ok, seconds = _run(name, extra)
        print(f"_{name}: {seconds:.0f} s{'' if ok else ', FAILED'}_\n", flush=True)
        if not ok:
            failed.append(name)
    print(f"_All benchmarks: {time.perf_counter() - total:.0f} s._", flush=True)
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
