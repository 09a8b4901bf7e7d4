"""The user story in Chromium: watch events arrive, click to restore, see the page change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser


def test_live_rows_and_restore(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)

    panel = open_time_travel(page)
    rows = panel.locator("[data-tt-event=increment]")
    expect(rows).to_have_count(3)
    expect(panel.locator("[data-djtt-header]")).to_contain_text("3 / 100 events")
    expect(panel.locator("[data-djtt-header]")).to_contain_text("Live")

    # The page stays usable under the docked panel; the new row arrives live.
    click_increment(page, 1)
    expect(rows).to_have_count(4)
    expect(rows.first).to_have_attribute("data-tt-seq", "4")

    row(panel, 1).get_by_role("button", name="Restore before").click()
    expect(page.locator("#count")).to_have_text("0")
    expect(row(panel, 1)).to_have_attribute("aria-current", "true")
    expect(row(panel, 1)).to_have_class(re.compile(r"\bdjdt-highlighted\b"))
    expect(row(panel, 1)).to_have_attribute("data-tt-which", "before")
    expect(panel.locator("[data-djtt-header]")).to_contain_text("Viewing #1 (before)")
    expect(panel.get_by_role("status")).to_contain_text("Viewing #1 (before)")

    row(panel, 3).get_by_role("button", name="Restore after").click()
    expect(page.locator("#count")).to_have_text("3")
    expect(row(panel, 3)).to_have_attribute("aria-current", "true")
    expect(row(panel, 1)).not_to_have_attribute("aria-current", "true")
    expect(panel.locator("[aria-current=true]")).to_have_count(1)

    panel.get_by_role("button", name="Back to live").click()
    expect(page.locator("#count")).to_have_text("4")
    expect(panel.locator("[data-djtt-header]")).to_contain_text("Live")
    expect(panel.locator("[aria-current=true]")).to_have_count(0)


STRIPES = """(rows) => rows.map((row) => row.classList.contains("djtt-stripe"))"""


def test_rows_alternate_stripes_as_they_arrive_without_restyling_the_others(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    panel = open_time_travel(page)
    rows = panel.locator("[data-djtt-rows] > [data-tt-seq]")
    expect(rows).to_have_count(3)
    before = rows.evaluate_all(STRIPES)
    assert before in ([True, False, True], [False, True, False]), before

    click_increment(page, 2)
    expect(rows).to_have_count(5)

    stripes = rows.evaluate_all(STRIPES)
    assert stripes[2:] == before  # the rows already there kept theirs
    assert all(a != b for a, b in zip(stripes, stripes[1:], strict=False)), stripes


def test_rows_survive_closing_reopening_and_switching_panels(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(2)

    panel.locator(".djDebugClose").click()
    expect(panel).to_be_hidden()
    click_increment(page, 1)  # while closed
    page.locator("#djdt-HistoryPanel a").click()
    expect(page.locator("#HistoryPanel")).to_be_visible()
    page.locator("#djdt-TimeTravelPanel a").click()

    expect(panel).to_be_visible()
    expect(panel.locator("[data-tt-event]")).to_have_count(3)
    click_increment(page, 1)  # while open again
    expect(panel.locator("[data-tt-event]")).to_have_count(4)


def test_params_errors_and_summary_are_shown(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Add 5").click()
    expect(page.locator("#count")).to_have_text("5")
    page.get_by_role("button", name="Explode").click()
    page.get_by_role("button", name="Dismiss").click()  # djust's dev error overlay

    panel = open_time_travel(page)
    add_row = panel.locator("[data-tt-event=add]")
    expect(add_row).to_contain_text("amount=")
    expect(add_row).to_contain_text("count: 0 → 5")
    explode_row = panel.locator("[data-tt-event=explode]")
    expect(explode_row).to_contain_text("Explode was clicked: this handler always raises")


def test_panel_docks_below_the_page(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    panel = open_time_travel(page)
    box = panel.bounding_box()
    viewport = page.viewport_size
    assert box["y"] > viewport["height"] * 0.3, box  # the top of the window stays visible
    assert abs(box["y"] + box["height"] - viewport["height"]) < 2, box
    # The page's own buttons above the panel can still be clicked.
    click_increment(page, 1)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(1)
