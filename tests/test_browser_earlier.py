"""Earlier sessions in Chromium: a reload keeps the tab's last timeline, read-only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_steps import click_increment, open_time_travel, wait_for_live_view

pytestmark = pytest.mark.browser


def test_a_reload_keeps_the_last_timeline_under_earlier_sessions(page, live_server_url, browser):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(3)

    page.reload()
    wait_for_live_view(page)
    panel = open_time_travel(page)
    expect(panel.locator("[data-djtt-empty]")).to_contain_text("Earlier sessions of this tab")
    toggle = panel.get_by_role("button", name="Earlier sessions (1)")
    toggle.click()
    panel.get_by_role("button", name="before reload").click()
    result = panel.locator("[data-djtt-import-result]")
    expect(result).to_contain_text("Earlier session, read-only")
    expect(result.locator("[data-tt-event=increment]")).to_have_count(3)
    expect(result.get_by_role("button", name="Restore before")).to_have_count(0)
    panel.get_by_label("Event", exact=True).fill("nothing-like-this")
    expect(result.locator("[data-tt-event=increment]").filter(visible=True)).to_have_count(0)
    panel.get_by_role("button", name="Clear", exact=True).click()
    with page.expect_download() as download:
        result.get_by_role("link", name="Export JSON").click()
    assert download.value.suggested_filename == "counter_view-earlier.json"
    result.get_by_role("button", name="Back to the live session").click()
    expect(result).to_be_empty()

    # Another browser (a new context: other cookies, other sessionStorage) sees none of it.
    other = browser.new_context()
    try:
        stranger = other.new_page()
        stranger.goto(f"{live_server_url}/counter/")
        wait_for_live_view(stranger)
        stranger_panel = open_time_travel(stranger)
        expect(stranger_panel.locator("[data-djtt-empty]")).to_have_text(
            "No events yet: interact with the page and they appear here."
        )
        expect(stranger_panel.locator("[data-djtt-earlier-toggle]")).to_be_hidden()
    finally:
        other.close()
