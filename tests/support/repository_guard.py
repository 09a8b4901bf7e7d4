"""Tests never write into the checkout: a run that leaves a new file there fails.

The files git reports as new (untracked, or ignored) are compared before and
after the session; Python's and the tools' own caches are left out.
"""

from __future__ import annotations

import subprocess

import pytest

from . import REPO_ROOT

#: Written by Python and the tools themselves, not by a test.
_CACHES = ("/__pycache__/", "/.pytest_cache/", "/.ruff_cache/", "/.mypy_cache/", "/.venv/")
_KEY = pytest.StashKey[frozenset[str]]()
_WRITTEN = pytest.StashKey[list[str]]()


def new_files() -> frozenset[str] | None:
    """Paths git sees as untracked or ignored in the checkout; None outside a git checkout."""
    listed = subprocess.run(
        ["git", "status", "--porcelain", "--ignored=matching", "--untracked-files=all", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
    )
    if listed.returncode != 0:
        return None
    entries = (entry[3:] for entry in listed.stdout.split("\0") if entry[:2] in ("??", "!!"))
    return frozenset(path for path in entries if not any(c in f"/{path}" for c in _CACHES))


def pytest_sessionstart(session: pytest.Session) -> None:
    before = new_files()
    if before is not None:
        session.stash[_KEY] = before


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.stash.get(_KEY, None)
    after = new_files() if before is not None else None
    if before is None or after is None:
        return
    written = sorted(after - before)
    if written:
        session.config.stash[_WRITTEN] = written
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    written = terminalreporter.config.stash.get(_WRITTEN, None)
    if written:
        terminalreporter.section("tests wrote into the checkout", red=True)
        for path in written[:20]:
            terminalreporter.write_line(path)
