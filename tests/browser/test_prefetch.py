"""In Chromium: the closed panel fetches rows as events happen; opening it only shows them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, show_toolbar, wait_for_live_view

pytestmark = pytest.mark.browser

HIDDEN_ROWS = """() => {
  const host = document.getElementById("djDebugRoot");
  const scope = host.shadowRoot || host;
  return scope.querySelectorAll("#TimeTravelPanel [data-tt-seq]").length;
}"""

# Click the toolbar's link and count the rows in the same task: nothing can be
# fetched in between, so any row counted was there before the click.
OPEN_AND_COUNT = """() => {
  const host = document.getElementById("djDebugRoot");
  const scope = host.shadowRoot || host;
  scope.querySelector("#djdt-TimeTravelPanel a").click();
  return scope.querySelectorAll("#TimeTravelPanel [data-tt-seq]").length;
}"""


def test_rows_are_on_screen_the_moment_the_panel_opens(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    # The panel was never opened: its content and rows arrive in the background.
    page.wait_for_function(f"() => ({HIDDEN_ROWS})() === 3")
    show_toolbar(page)
    asked = []
    page.on("request", lambda request: asked.append(request.url))

    assert page.evaluate(OPEN_AND_COUNT) == 3

    panel = page.locator("#TimeTravelPanel")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-tt-seq='3']")).to_be_visible()
    assert not [url for url in asked if "render_panel" in url]  # nothing left to fetch
    # And while it is open, new rows arrive as they happen.
    click_increment(page, 1)
    expect(panel.locator("[data-tt-seq]")).to_have_count(4)
    expect(panel.locator("[data-tt-seq]").first).to_have_attribute("data-tt-seq", "4")


def test_rows_keep_arriving_while_the_panel_is_closed(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    page.wait_for_function(f"() => ({HIDDEN_ROWS})() === 2")
    show_toolbar(page)
    page.locator("#djdt-TimeTravelPanel a").click()
    panel = page.locator("#TimeTravelPanel")
    expect(panel.locator("[data-tt-seq]")).to_have_count(2)
    panel.locator(".djDebugClose").click()
    expect(panel).to_be_hidden()

    click_increment(page, 2)  # while closed
    page.wait_for_function(f"() => ({HIDDEN_ROWS})() === 4")

    assert page.evaluate(OPEN_AND_COUNT) == 4
    expect(panel.locator("[data-tt-seq]").first).to_have_attribute("data-tt-seq", "4")
