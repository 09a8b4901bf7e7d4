"""A person's view: the demo counter in Chromium, with the toolbar and the Time Travel panel."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import show_toolbar, wait_for_live_view

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("toolbar_cookie", [None, "hide"], ids=["toolbar-default", "collapsed"])
def test_counter_and_time_travel_panel(page, live_server_url, toolbar_cookie) -> None:
    if toolbar_cookie:
        # The toolbar remembers "Hide" in the djdt cookie; it must still be reachable.
        page.context.add_cookies(
            [{"name": "djdt", "value": toolbar_cookie, "url": live_server_url}]
        )
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)

    count = page.locator("#count")
    expect(count).to_have_text("0")
    increment = page.get_by_role("button", name="Increment", exact=True)
    for expected in ("1", "2", "3"):
        increment.click()
        expect(count).to_have_text(expected)

    show_toolbar(page)
    page.locator("#djdt-TimeTravelPanel a").click()

    panel = page.locator("#TimeTravelPanel")
    expect(panel).to_be_visible()
    expect(panel.locator("[role=status]").first).to_be_visible()
    expect(page.locator("#djdt-TimeTravelPanel a")).to_have_attribute(
        "aria-expanded", re.compile("true")
    )
