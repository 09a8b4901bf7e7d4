"""Earlier sessions in Chromium: a reload keeps the tab's last timeline, read-only."""

from __future__ import annotations

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


def test_a_live_redirect_and_back_keeps_each_view_it_leaves(page, live_server_url):
    page.goto(f"{live_server_url}/todos/")
    wait_for_live_view(page)
    page.get_by_label("New todo").fill("buy milk")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator("#todo-list")).to_contain_text("buy milk")

    page.get_by_role("link", name="Counter", exact=True).click()  # dj-navigate: live_redirect
    expect(page).to_have_url(f"{live_server_url}/counter/")
    expect(page.locator("#count")).to_have_text("0")
    click_increment(page, 2)
    page.go_back()  # djust mounts the todos view again over the same socket
    expect(page).to_have_url(f"{live_server_url}/todos/")
    expect(page.get_by_role("heading", name="Todos")).to_be_visible()

    panel = open_time_travel(page)
    panel.get_by_role("button", name="Earlier sessions (2)").click()
    expect(panel.locator("[data-djtt-earlier]")).to_have_count(2)
    panel.get_by_role("button", name="before redirect from /todos/").click()
    result = panel.locator("[data-djtt-import-result]")
    expect(result.locator("[data-tt-event=add_todo]")).to_have_count(1)
    result.get_by_role("button", name="Back to the live session").click()
    panel.get_by_role("button", name="Earlier sessions (2)").click()
    panel.get_by_role("button", name="before redirect from /counter/").click()
    expect(result.locator("[data-tt-event=increment]")).to_have_count(2)

    result.get_by_role("button", name="Check against current code").click()
    expect(result.locator("[data-tt-check-outcome=same]")).to_have_count(2)
    expect(result.locator("[data-djtt-check-progress]")).to_have_text(
        "All 2 checked events still produce the recorded state."
    )


def test_a_state_of_an_earlier_session_goes_back_into_the_reloaded_page(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    page.reload()
    wait_for_live_view(page)
    expect(page.locator("#count")).to_have_text("0")

    panel = open_time_travel(page)
    panel.get_by_role("button", name="Earlier sessions (1)").click()
    panel.get_by_role("button", name="before reload").click()
    result = panel.locator("[data-djtt-import-result]")
    expect(result.locator("[data-djtt-earlier-warning]")).to_contain_text(
        "replaces the page's current state"
    )
    row(result, 2).get_by_role("button", name="Restore this state into the current page").click()

    expect(page.locator("#count")).to_have_text("2")
    expect(message(panel)).to_contain_text("the state after #2 of the earlier session")
    expect(panel.locator("[data-djtt-header] [data-djtt-viewing]")).to_contain_text(
        "Viewing #2 (after) of the earlier session before reload"
    )
    result.get_by_role("button", name="Back to the live session").click()
    click_increment(page, 1)  # new events continue from the restored state: 2 → 3
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(1)
    expect(panel.locator("[data-djtt-header] [data-djtt-viewing]")).to_have_text("Live")
