"""An event in the toolbar's own panels, in Chromium on the demo's books page.

"Open in toolbar" in a row's detail switches the toolbar's SQL panel to that
event's queries (EXPLAIN runs on one), "Back to the page's request" switches
back; the History panel lists the event and its Switch works both ways, and it
names a restore as one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser


def next_page(page):
    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#books-page")).to_have_text("Page 2")


def test_open_in_toolbar_shows_the_events_sql_and_back(page, live_server_url):
    page.goto(f"{live_server_url}/books/")
    wait_for_live_view(page)
    sql_button = page.locator("#djdt-SQLPanel")
    page_sql = sql_button.inner_text()
    next_page(page)

    panel = open_time_travel(page)
    first = row(panel, 1)
    first.locator("summary", has_text="Diff").click()
    first.get_by_role("button", name="Open in toolbar").click()
    expect(first.locator("[data-djtt-toolbar-status]")).to_have_text(
        "The toolbar's panels show this event."
    )
    expect(sql_button).to_contain_text("5 queries")

    sql_button.locator("a").click()
    sql = page.locator("#SQLPanel")
    expect(sql).to_be_visible()
    expect(sql.locator("tbody tr.djDebugSql, tbody tr[id^='sqlMain_']")).to_have_count(5)
    expect(sql).to_contain_text("demo_app_book")
    sql.get_by_role("button", name="Expl").first.click()
    explained = page.locator("#djDebugWindow")
    expect(explained).to_contain_text("SQL explained")
    expect(explained).to_contain_text("demo_app_book")
    explained.locator(".djDebugClose").first.click()

    panel = open_time_travel(page)
    back = row(panel, 1).get_by_role("button", name="Back to the page's request")
    expect(back).to_be_visible()
    back.click()
    expect(sql_button).to_have_text(page_sql)
    expect(back).to_be_hidden()


def test_history_lists_the_event_and_switches_to_it_and_back(page, live_server_url):
    page.goto(f"{live_server_url}/books/")
    wait_for_live_view(page)
    sql_button = page.locator("#djdt-SQLPanel")
    page_sql = sql_button.inner_text()
    next_page(page)

    page.locator("#djdt-HistoryPanel a").click()
    history = page.locator("#HistoryPanel")
    # Newest first; the store is the server's: an earlier test's browser is listed too.
    event = history.locator("tr[data-request-id]", has_text="WS next_page #1").first
    expect(event).to_contain_text("/books/")
    event.get_by_role("button", name="Switch").click()
    expect(sql_button).to_contain_text("5 queries")
    # The Time Travel panel is live, not historical: it still shows the page's view.
    expect(row(open_time_travel(page), 1)).to_be_visible()
    page.locator("#djdt-HistoryPanel a").click()

    own = history.locator("tr[data-request-id]", has_text="GET").filter(has_text="/books/").first
    own.get_by_role("button", name="Switch").click()
    expect(sql_button).to_have_text(page_sql)


def test_history_names_a_restore_and_switches_to_it(page, live_server_url):
    page.goto(f"{live_server_url}/books/")
    wait_for_live_view(page)
    next_page(page)
    panel = open_time_travel(page)
    row(panel, 1).get_by_role("button", name="Restore before").click()
    expect(page.locator("#books-page")).to_have_text("Page 1")
    expect(panel.get_by_role("status")).to_contain_text("Viewing #1 (before)")

    page.locator("#djdt-HistoryPanel a").click()
    history = page.locator("#HistoryPanel")
    restore = history.locator("tr[data-request-id]", has_text="WS restore before next_page #1")
    expect(restore.first).to_contain_text("/books/")
    restore.first.get_by_role("button", name="Switch").click()
    # The restore's own turn: the re-render of page 1 walks the books again.
    page.locator("#djdt-SQLPanel a").click()
    expect(page.locator("#SQLPanel")).to_contain_text("demo_app_book")
