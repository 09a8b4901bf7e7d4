"""Debian's Chromium as the browser tests, the benchmarks and the screenshots launch it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    f"Chromium not found at {CHROMIUM_PATH}: install Debian's chromium package "
    "(apt-get install chromium) to run browser tests"
)
#: Headless in a container as root, and quiet: no sandbox, GPU, updates or sync.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright: Any) -> Any:
    """A headless Chromium from Playwright's sync API ``playwright``."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium for the ``with`` block (Playwright's sync API)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM_PATH.exists():
        raise SystemExit(CHROMIUM_MISSING)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            browser.close()
