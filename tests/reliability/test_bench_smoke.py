"""The benchmarks run and print their tables (``python -m bench --smoke``).

Tiny sizes, one repetition, one script per test through the runner. Nothing
here is about speed: the numbers are for reading (``make bench``), never asserted.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from demo_harness.chromium import CHROMIUM_MISSING, CHROMIUM_PATH
from tests.support import REPO_ROOT, on_ci

#: What each script's tables are called.
TITLES = {
    "zero_cost": ["### 1-2. Zero cost"],
    "refresh": ["### 3. Refresh cost as history grows", "### 3. Refresh cost("],
    "big_state": ["### 4. Big state"],
    "restore": ["### 5. Restore latency"],
    "browser": ["### 6. Browser (Chromium)"],
    "memory": ["### 7. Memory"],
    "watch": ["### 8. Watchpoints and key history"],
    "earlier": ["### 11. Earlier sessions under reloads"],
    "hostile": ["### 9. Hostile input: worst", "### 9. Hostile input: a 5000-item list"],
    "toolbar_capture": ["### 10. Toolbar capture"],
}


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # pytest-django exports the test settings; each benchmark chooses its own.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("DEMO_DB_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def table_rows(output: str, title: str) -> list[str]:
    """The data rows of the Markdown table under ``title``."""
    lines = output[output.index(title) :].splitlines()
    table = [line for line in lines[1:12] if line.startswith("|")]
    return table[2:]  # header and separator first


def check(completed: subprocess.CompletedProcess[str], name: str) -> None:
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "## Machine" in completed.stdout
    for title in TITLES[name]:
        assert title in completed.stdout, completed.stdout
        assert table_rows(completed.stdout, title), f"{title}: no rows\n{completed.stdout}"


IN_PROCESS = [name for name in TITLES if name != "browser"]


@pytest.fixture(scope="module")
def in_process_run() -> subprocess.CompletedProcess[str]:
    """One run of every script that needs no browser (they share the startup costs)."""
    return run_bench("--only", *IN_PROCESS)


def test_every_script_the_runner_runs_has_a_smoke_test() -> None:
    listed = run_bench("--list")
    assert listed.returncode == 0, listed.stderr
    # cross_worker needs redis: tests/reliability/test_bench_cross_worker.py runs it.
    assert set(listed.stdout.split()) == {*TITLES, "cross_worker"}


@pytest.mark.parametrize("name", IN_PROCESS)
def test_script_prints_its_tables(in_process_run: subprocess.CompletedProcess[str], name: str):
    check(in_process_run, name)


@pytest.mark.browser
def test_browser_script_prints_its_table() -> None:
    if not CHROMIUM_PATH.exists():
        if on_ci():
            pytest.fail(CHROMIUM_MISSING + " (CI=true: browser tests may not be skipped)")
        pytest.skip(CHROMIUM_MISSING)
    check(run_bench("--only", "browser"), "browser")
