"""Watchpoints, a key's history and the strip chart, in Chromium on the demo."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

#: Milliseconds to wait for an answer that follows a pause in typing.
SLOW = 15_000


def test_watch_finds_the_first_event_where_count_passed_3_and_restores_it(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 6)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(6)

    watch = panel.get_by_role("searchbox", name="Watch")
    watch.fill("count >")
    # The panel waits for typing to pause, then asks the server: allow a loaded machine.
    expect(panel.locator("[data-djtt-watch-result]")).to_contain_text("at position 8", timeout=SLOW)
    watch.fill("count > 3")
    result = panel.locator("[data-djtt-watch-result]")
    expect(result).to_have_text("Holds in 3 of 6 held events; first at #4.", timeout=SLOW)
    expect(panel.locator(".djtt-watch-hit")).to_have_count(3)
    first = row(panel, 4)
    expect(first).to_have_attribute("data-djtt-watch", "first")
    expect(first).to_have_class(re.compile(r"\bdjtt-selected\b"))
    expect(watch).to_be_focused()  # typing goes on in the box
    watch.press("Enter")  # to the first match
    expect(first).to_be_focused()
    page.keyboard.press("Enter")  # restore the selected row's after-state
    expect(page.locator("#count")).to_have_text("4")
    expect(first).to_have_attribute("aria-current", "true")

    # Alt+Up steps to the next newer match; new events are marked as they come.
    page.keyboard.press("Alt+ArrowUp")
    expect(row(panel, 5)).to_be_focused()
    panel.get_by_role("button", name="Back to live").click()
    expect(page.locator("#count")).to_have_text("6")
    click_increment(page, 1)
    expect(row(panel, 7)).to_have_attribute("data-djtt-watch", "hit", timeout=SLOW)

    # It is saved with the filters: a reload keeps it, and Clear drops it.
    page.reload()
    wait_for_live_view(page)
    panel = open_time_travel(page)
    expect(panel.get_by_role("searchbox", name="Watch")).to_have_value("count > 3")
    panel.get_by_role("button", name="Clear").click()
    expect(panel.get_by_role("searchbox", name="Watch")).to_have_value("")


def test_history_of_count_has_one_point_per_event_and_selects_it(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 4)
    panel = open_time_travel(page)
    newest = row(panel, 4)
    newest.locator("summary", has_text="Diff").click()
    newest.get_by_role("button", name="History of count").click()
    box = panel.locator("[data-djtt-key-box]")
    expect(box).to_contain_text("History of count: 4 changes in 4 events")
    expect(box.locator("circle[data-djtt-select]")).to_have_count(4)
    box.get_by_role("button", name="#2 increment").click()
    expect(row(panel, 2)).to_be_focused()
    expect(row(panel, 2)).to_have_class(re.compile(r"\bdjtt-selected\b"))


def test_strip_chart_marks_the_n_plus_one_event_of_the_library(page, live_server_url):
    page.goto(f"{live_server_url}/library/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Load books (select_related)").click()
    expect(page.locator("#library-loads")).to_have_text("Loaded 1 time(s)")
    page.get_by_role("button", name="Load books (N+1)").click()
    expect(page.locator("#library-loads")).to_have_text("Loaded 2 time(s)")
    panel = open_time_travel(page)
    panel.get_by_role("button", name="Charts").click()
    charts = panel.locator("[data-djtt-charts-box]")
    expect(charts.locator("[data-djtt-bar]")).to_have_count(2)
    expect(charts.locator(".djtt-bar-n-plus-one")).to_have_count(1)
    expect(charts.locator(".djtt-bar-n-plus-one")).to_have_attribute("data-djtt-bar", "2")
    charts.locator("summary", has_text="as a table").click()
    expect(charts.locator("[data-djtt-bar-row='2']")).to_contain_text("likely N+1")
    charts.locator("[data-djtt-bar-row='1']").get_by_role("button").click()
    expect(row(panel, 1)).to_be_focused()
