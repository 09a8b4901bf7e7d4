"""The load benchmark runs (tiny sizes) and finds no error.

``bench/load.py --smoke``: the demo under daphne in a subprocess, 2 sockets firing 20
events each, then the same with a client polling the timeline meanwhile, then polls
alone on a view holding 100 events. The full run
(``python bench/load.py``: 20 sockets × 500 events, 5 pollers) prints the numbers.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.support import REPO_ROOT


def test_load_smoke_runs_clean():
    completed = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "load.py"), "--smoke"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    rows = re.findall(r"^\| ([ABC]): .*\| (\d+) \|$", completed.stdout, flags=re.MULTILINE)
    assert rows == [("A", "0"), ("B", "0"), ("C", "0")], output
    polls = re.search(
        r"\| B: events \+ polls \| 2 × 20 \| \d+ \| [^|]+\| [^|]+\| 1 \| (\d+) \+", completed.stdout
    )
    assert polls and int(polls.group(1)) > 0, output
