"""The development server stops and comes back while the panel is open, in Chromium.

The session-scoped demo server is shared with other tests, so this module runs its
own (the same way: ``manage.py runserver`` under daphne, its own SQLite file) and
restarts it on the same port. While it is down the panel says so, a restore is refused
with a clear message, and the page raises no error; once it is back and djust's client
has reconnected (a new socket session, a new view), the panel follows the new history.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import message, open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

NOT_ANSWERING = "The server did not answer"
NOT_CONNECTED = "The LiveView socket closed; djust's client is reconnecting"


def test_server_restart_while_the_panel_is_open(page, demo_server):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{demo_server.base_url}/counter/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(page.locator("#count")).to_have_text("1")
    panel = open_time_travel(page)
    expect(row(panel, 1)).to_be_visible()
    status = panel.get_by_role("status")
    problem = message(panel)
    old_session = page.evaluate("() => window.djust.liveViewInstance.sessionId")

    demo_server.stop()

    # The next poll (every 1.5 s) finds nobody there.
    expect(problem).to_contain_text(NOT_ANSWERING, timeout=10_000)
    row(panel, 1).get_by_role("button", name="Restore before").click()
    expect(problem).to_contain_text(NOT_CONNECTED)
    expect(page.locator("#count")).to_have_text("1")  # nothing was restored

    demo_server.start()

    # djust's client reconnects by itself: a new socket session and an empty history.
    page.wait_for_function(
        "(old) => window.djust.liveViewInstance.viewMounted"
        " && window.djust.liveViewInstance.sessionId"
        " && window.djust.liveViewInstance.sessionId !== old",
        arg=old_session,
        timeout=30_000,
    )
    expect(panel.locator("[data-tt-seq]")).to_have_count(0, timeout=10_000)
    expect(panel.locator("[data-djtt-empty]")).to_contain_text(
        "The page reconnected: a new view instance with an empty history"
    )
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(row(panel, 1)).to_be_visible()
    expect(status).to_contain_text("Live")
    assert errors == [], errors


def test_a_server_restart_drops_the_earlier_sessions_and_the_panel_says_so(page, demo_server):
    page.goto(f"{demo_server.base_url}/counter/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(page.locator("#count")).to_have_text("1")
    panel = open_time_travel(page)
    expect(row(panel, 1)).to_be_visible()
    page.reload()
    wait_for_live_view(page)
    panel = open_time_travel(page)
    expect(panel.get_by_role("button", name="Earlier sessions (1)")).to_be_visible()

    demo_server.stop()
    demo_server.start()
    expect(message(panel)).to_contain_text(
        "The earlier sessions of this tab are gone: the server restarted", timeout=30_000
    )
    expect(panel.locator("[data-djtt-earlier-toggle]")).to_be_hidden()
