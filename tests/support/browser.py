"""A real browser: Playwright's sync API driving Debian's Chromium.

Missing Chromium skips locally and fails on CI (``CI=true``). A failed test's
screenshot goes to pytest's temporary folder, never into the checkout.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from demo_harness.chromium import CHROMIUM_MISSING, CHROMIUM_PATH, launch

from . import on_ci
from .reports import has_failed, print_uncaptured


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright's sync API (one per test module).

    Module scope on purpose: while Playwright's sync API is running, its event loop
    is the thread's running loop, which breaks async tests and Django's
    async-unsafe checks. Keep browser tests in their own modules and free of
    database access (the server under test has its own database).
    """
    if not CHROMIUM_PATH.exists():
        if on_ci():
            pytest.fail(CHROMIUM_MISSING + " (CI=true: browser tests may not be skipped)")
        pytest.skip(CHROMIUM_MISSING)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a dev dependency
        pytest.fail(f"playwright is not installed ({exc}): pip install -e '.[dev]'")

    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright)
    except Exception:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


@pytest.fixture
def page(
    browser: Any, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """A fresh page in a fresh context (own cookies). Console output and page errors
    are printed, and a screenshot saved under pytest's temporary folder
    (``test-results/`` there), when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    console: list[str] = []
    tab.on("console", lambda msg: console.append(f"console.{msg.type}: {msg.text}"))
    tab.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    try:
        yield tab
    finally:
        if has_failed(request):
            results = tmp_path_factory.getbasetemp() / "test-results"
            results.mkdir(exist_ok=True)
            shot = results / f"{request.node.name}.png"
            try:
                tab.screenshot(path=str(shot), full_page=True)
                console.append(f"screenshot: {shot}")
            except Exception as exc:  # diagnostics only
                console.append(f"screenshot failed: {exc}")
            print_uncaptured(
                request,
                f"\n--- browser console for {request.node.nodeid} ---\n"
                + ("\n".join(console) or "(empty)"),
            )
        context.close()
