"""``bench/cross_worker.py --smoke`` runs and prints its table (it also checks that the
remote answers equal the local ones, so a broken forward fails here too)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from demo_harness.cluster import REDIS_MISSING, redis_server_path
from tests.support import REPO_ROOT, on_ci


def test_cross_worker_benchmark_smoke():
    if redis_server_path() is None:
        if on_ci():
            pytest.fail(REDIS_MISSING + " (CI=true: this test may not be skipped)")
        pytest.skip(REDIS_MISSING)

    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "cross_worker.py"), "--smoke"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-4000:]}"
    table = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    assert table[0].startswith("| request | local, worker A | remote, worker B | ratio (B / A)")
    assert [row.split(" | ")[0] for row in table[2:]] == [
        "| timeline refresh, 1 new row",
        "| timeline refresh, nothing new",
        "| whole timeline, 3 rows",
        "| locate (JSON)",
    ]
    assert "answers were checked identical" in done.stdout
