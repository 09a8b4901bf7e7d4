"""The one-line status in Chromium: cut short at wide widths, its whole text on hover."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

CLIPPED = "(status) => status.scrollWidth > status.clientWidth"


def test_a_clipped_status_keeps_its_whole_text_in_its_title(page, live_server_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    panel = open_time_travel(page)
    row(panel, 2).get_by_role("button", name="Restore after").click()
    status = panel.locator("[data-djtt-status]")
    expect(status).to_contain_text("Viewing #2 (after). New events continue from this state.")
    assert status.evaluate(CLIPPED), "the status fits: this test no longer shows a cut line"
    assert status.get_attribute("title") == status.text_content()
