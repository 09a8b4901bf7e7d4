"""What a test run reports: phase reports kept for failure-only diagnostics, and
no skipped browser test on CI.

Each phase's report is kept on the item (``rep_setup``, ``rep_call``), so a
fixture's teardown can tell whether its test failed and print what helps then.
On CI (``CI=true``) a skipped test marked ``browser`` is turned into a failure.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from . import on_ci


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Iterator[None] | pytest.TestReport:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if (
        report.skipped
        and on_ci()
        and item.get_closest_marker("browser") is not None
        and not hasattr(report, "wasxfail")
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = (
            f"Browser tests must run on CI (CI=true), but this one was skipped: {reason}"
        )
    return report


def has_failed(request: pytest.FixtureRequest) -> bool:
    """Whether the requesting test failed in its setup or its call (for teardown)."""
    node = request.node
    return any(
        getattr(node, f"rep_{when}", None) is not None and getattr(node, f"rep_{when}").failed
        for when in ("setup", "call")
    )


def print_uncaptured(request: pytest.FixtureRequest, text: str) -> None:
    """Print ``text`` to the terminal even while pytest captures output."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(text, file=sys.stderr)
        return
    with capture.global_and_fixture_disabled():
        print(text, file=sys.stderr)
