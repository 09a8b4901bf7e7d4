"""Inspecting state in Chromium: expand a diff, search, filter, compare, restore a component."""

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


def test_expand_a_row_to_see_its_diff_and_full_state(page, live_server_url):
    page.goto(f"{live_server_url}/todos/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Toggle Try time travel").click()
    expect(page.locator("#todo-2 .todo-text")).to_have_class("todo-text done")

    panel = open_time_travel(page)
    first = row(panel, 1)
    first.locator("summary", has_text="Diff").click()
    line = first.locator("tr[data-djtt-path='items[id=2].done']")
    expect(line).to_contain_text("false")
    expect(line).to_contain_text("true")
    expect(first.locator(".djtt-unchanged summary")).to_have_text("2 unchanged")

    first.locator("summary", has_text="Full state after").click()
    items = first.locator("details[data-djtt-node][data-djtt-state-path='[\"items\"]']").first
    items.locator("summary").first.click()
    expect(items.locator(".djtt-tree").first).to_contain_text("[1]")


def test_search_filter_and_persistence(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Increment", exact=True).click()
    page.get_by_role("button", name="Add 5").click()
    expect(page.locator("#count")).to_have_text("6")

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(2)
    panel.get_by_label("Search").fill("amount")
    expect(panel.locator("[data-tt-event]")).to_have_count(1)
    expect(panel.locator("[data-tt-event=add] mark")).to_have_text("amount")

    # A new matching event arrives live, a non-matching one does not show.
    page.get_by_role("button", name="Increment", exact=True).click()
    page.get_by_role("button", name="Add 5").click()
    expect(page.locator("#count")).to_have_text("12")
    expect(panel.locator("[data-tt-event]")).to_have_count(2)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(0)

    # Closing and reopening keeps the filter.
    panel.locator(".djDebugClose").click()
    page.locator("#djdt-TimeTravelPanel a").click()
    expect(panel.get_by_label("Search")).to_have_value("amount")
    expect(panel.locator("[data-tt-event]")).to_have_count(2)

    panel.get_by_role("button", name="Clear", exact=True).click()
    expect(panel.locator("[data-tt-event]")).to_have_count(4)
    panel.get_by_label("Event", exact=True).fill("incr")
    expect(panel.locator("[data-tt-event]")).to_have_count(2)
    expect(panel.locator("[data-tt-event=add]")).to_have_count(0)
    panel.get_by_role("button", name="Clear", exact=True).click()
    panel.get_by_label("Errors only").check()
    expect(panel.locator("[data-tt-event]")).to_have_count(0)
    panel.get_by_role("button", name="Clear", exact=True).click()


def test_compare_two_events(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)

    panel = open_time_travel(page)
    open_tools(panel)
    panel.get_by_label("Compare after #").fill("1")
    panel.get_by_label("with after #").fill("3")
    panel.get_by_role("button", name="Compare", exact=True).click()
    result = panel.locator("[data-djtt-compare-result]")
    expect(result).to_contain_text("State after #1 → state after #3")
    expect(result.locator("tr[data-djtt-path=count]")).to_contain_text("1")
    expect(result.locator("tr[data-djtt-path=count] td").last).to_have_text("3")


def test_restore_one_component(page, live_server_url):
    page.goto(f"{live_server_url}/components/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Increment").click()
    expect(page.locator("#counter-count")).to_have_text("1")
    page.get_by_role("button", name="Toggle Lamp").click()
    expect(page.locator("#lamp-state")).to_have_text("on")

    panel = open_time_travel(page)
    first = row(panel, 1)
    first.locator("summary", has_text="Diff").click()
    counter = first.locator("[data-djtt-component=counter]")
    expect(counter.locator("tr[data-djtt-path=count]")).to_contain_text("0")
    counter.get_by_role("button", name="Restore component before").click()

    expect(page.locator("#counter-count")).to_have_text("0")
    expect(page.locator("#lamp-state")).to_have_text("on")


def test_profile_secrets_are_masked_on_screen(page, live_server_url):
    page.goto(f"{live_server_url}/profile/")
    wait_for_live_view(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("s3cret-Pa55word")
    page.get_by_label("API token").fill("tok-abcdef-123456")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#profile-saved")).to_be_visible()

    panel = open_time_travel(page)
    save = panel.locator("[data-tt-event=save]")
    save.locator("summary", has_text="Diff").click()
    save.locator("summary", has_text="Full state after").click()
    expect(save.locator("tr[data-djtt-path=password]")).to_contain_text("•••• masked")
    expect(save.locator(".djtt-tree").first).to_contain_text("api_token")
    html = panel.inner_html()
    assert "s3cret-Pa55word" not in html and "tok-abcdef-123456" not in html
