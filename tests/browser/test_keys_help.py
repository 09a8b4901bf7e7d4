"""The keys the panel's help lists, in Chromium: each one it names does what it says."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import (
    click_increment,
    open_time_travel,
    open_tools,
    row,
    wait_for_live_view,
)

pytestmark = pytest.mark.browser


def test_the_help_names_space_and_space_opens_the_rows_detail(page, live_server_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    panel = open_time_travel(page)
    open_tools(panel)
    expect(panel.locator(".djtt-help")).to_contain_text("Space open its detail")

    row(panel, 1).focus()
    page.keyboard.press("Space")
    expect(row(panel, 1).locator(".djtt-details")).to_have_attribute("open", "")
    expect(row(panel, 1).locator(".djtt-detail-title")).to_contain_text("#1 increment")
