"""Per-event cost is visible on the timeline, in Chromium on the demo library."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser


def test_query_counts_and_n_plus_one_are_shown(page, live_server_url):
    page.goto(f"{live_server_url}/library/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Load books (N+1)").click()
    expect(page.locator("#library-loads")).to_have_text("Loaded 1 time(s)")
    page.get_by_role("button", name="Load books (select_related)").click()
    expect(page.locator("#library-loads")).to_have_text("Loaded 2 time(s)")

    panel = open_time_travel(page)
    slow, fast = row(panel, 1), row(panel, 2)
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("11 queries")
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("10× the same query")
    expect(slow.locator("[data-djtt-cost]")).to_contain_text(" ms")
    expect(fast.locator("[data-djtt-cost]")).to_contain_text("1 query")
    expect(fast.locator(".djtt-n-plus-one")).to_have_count(0)

    slow.locator("summary", has_text="Diff").click()
    slow.locator("summary", has_text="SQL queries").click()
    expect(slow.locator(".djtt-sql")).to_have_count(11)
    expect(slow.locator("[data-djtt-query-list]")).to_contain_text("in load_slow")


def test_render_n_plus_one_and_restore_cost_on_the_books_page(page, live_server_url):
    page.goto(f"{live_server_url}/books/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#books-page")).to_have_text("Page 2")
    page.get_by_role("button", name="Fix it (select_related)").click()
    expect(page.locator("#books-page")).to_contain_text("select_related")

    panel = open_time_travel(page)
    slow, fixed = row(panel, 1), row(panel, 2)
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("5 queries")
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("(5 in render)")
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("4× the same query")
    expect(slow.locator("[data-djtt-cost]")).to_contain_text("render ")
    expect(fixed.locator("[data-djtt-cost]")).to_contain_text("1 query")
    expect(fixed.locator(".djtt-n-plus-one")).to_have_count(0)

    slow.get_by_role("button", name="Restore before").click()
    expect(page.locator("#books-page")).to_have_text("Page 1")
    status = panel.get_by_role("status")
    expect(status).to_contain_text("Viewing #1 (before)")
    expect(status).to_contain_text("The restore re-rendered in")
    expect(status).to_contain_text("with 5 queries")
