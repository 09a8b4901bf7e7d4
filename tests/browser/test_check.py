""" "Check against current code" from the panel in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, open_tools, wait_for_live_view

pytestmark = pytest.mark.browser


def test_check_against_current_code_lists_each_event(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    for expected in ("1", "2"):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(page.locator("#count")).to_have_text(expected)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(2)

    open_tools(panel)
    panel.get_by_role("button", name="Check against current code").click()

    rows = panel.locator("[data-tt-check-seq]")
    expect(rows).to_have_count(2)
    expect(panel.locator("[data-tt-check-outcome=same]")).to_have_count(2)
    expect(panel.locator("[data-djtt-check-progress]")).to_have_text(
        "All 2 checked events still produce the recorded state."
    )
    expect(panel.locator("[data-djtt-check-not-contained]")).to_contain_text("outbound HTTP")
    expect(panel.get_by_role("button", name="Cancel")).to_be_hidden()

    panel.get_by_label("Events from #").fill("3")
    panel.get_by_label("to #").fill("1")
    panel.get_by_role("button", name="Check against current code").click()
    expect(panel.locator("[data-djtt-check-msg]")).to_contain_text("the range is reversed")


def test_a_long_check_shows_progress_and_cancel_stops_it(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    for expected in range(1, 8):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(page.locator("#count")).to_have_text(str(expected))
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(7)
    held = []
    page.route("**/time-travel/check/**", lambda route: held.append(route))  # held until we say

    open_tools(panel)
    panel.get_by_role("button", name="Check against current code").click()
    expect(panel.get_by_role("button", name="Check against current code")).to_be_disabled()
    panel.get_by_role("button", name="Cancel").click()
    page.wait_for_function("() => true")  # let the click reach the page first
    assert len(held) == 1
    held[0].continue_()

    expect(panel.locator("[data-djtt-check-progress]")).to_have_text(
        "Cancelled after 5 of 7 events. All 5 checked events still produce the recorded state."
    )
    expect(panel.locator("[data-tt-check-seq]")).to_have_count(5)
    expect(panel.get_by_role("button", name="Cancel")).to_be_hidden()
