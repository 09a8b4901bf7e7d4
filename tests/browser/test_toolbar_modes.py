"""The panel without the toolbar's shadow DOM and with UPDATE_ON_FETCH replacing panels."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser


def test_light_dom_and_update_on_fetch(page, light_dom_server_url):
    page.goto(f"{light_dom_server_url}/counter/")
    wait_for_live_view(page)
    assert page.evaluate("() => !document.getElementById('djDebugRoot')?.shadowRoot")
    count = page.locator("#count")
    for expected in ("1", "2"):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(count).to_have_text(expected)

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(2)

    # A fetch by the page makes the toolbar replace every panel with the fetched
    # request's (here a page without any LiveView), and close them.
    page.evaluate("() => fetch('/').then((response) => response.text())")
    expect(panel).to_be_hidden()
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(count).to_have_text("3")

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(3)
    row(panel, 1).get_by_role("button", name="Restore before").click()
    expect(count).to_have_text("0")
    expect(row(panel, 1)).to_have_attribute("aria-current", "true")
