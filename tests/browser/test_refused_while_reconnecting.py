"""A click refused while djust's client reconnects to a stopped server, in Chromium:
the kept message never contradicts the status line, which counts the attempts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import (
    click_increment,
    message,
    open_time_travel,
    row,
    wait_for_live_view,
)

pytestmark = pytest.mark.browser

ATTEMPT = re.compile(r"attempt (\d+) of")


def test_a_refused_restore_keeps_saying_the_truth_as_attempts_go_on(page, demo_server):
    page.goto(f"{demo_server.base_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    panel = open_time_travel(page)
    expect(row(panel, 2)).to_be_visible()

    demo_server.stop()
    status = panel.get_by_role("status")
    expect(status).to_contain_text("djust's client is reconnecting (attempt", timeout=10_000)
    row(panel, 2).get_by_role("button", name="Restore before").click()
    said = message(panel).locator(".djtt-msg-text")
    expect(said).to_contain_text("djust's client is reconnecting")
    expect(said).to_contain_text("nothing was sent")
    clicked_at = int(ATTEMPT.search(status.inner_text()).group(1))
    # djust's client tries again; the status line follows, the kept message still holds.
    expect(status).not_to_contain_text(f"attempt {clicked_at} of", timeout=15_000)
    expect(status).to_contain_text("djust's client is reconnecting (attempt")
    assert ATTEMPT.search(said.inner_text()) is None, said.inner_text()
