"""Each way the page's socket never comes gets its own message, in a real browser.

The panel tells them apart from djust's client state: a server without WebSocket
(Django's WSGI ``runserver``), a mount djust refused (a view module outside
``LIVEVIEW_ALLOWED_MODULES``), a socket that closed and reconnects, and a panel
switched off in the toolbar, whose script then does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import (
    click_increment,
    open_time_travel,
    row,
    show_toolbar,
    wait_for_live_view,
)
from tests.support.demo_servers import run_demo

pytestmark = pytest.mark.browser

PANEL_REQUESTS = "/__debug__/time-travel/"


@pytest.fixture(scope="module")
def wsgi_server_url(request, tmp_path_factory) -> Iterator[str]:
    """The demo under Django's own runserver (daphne left out of INSTALLED_APPS)."""
    yield from run_demo(request, tmp_path_factory, "tests.support.server_settings_wsgi")


@pytest.fixture(scope="module")
def refusing_server_url(request, tmp_path_factory) -> Iterator[str]:
    """The demo with its views' module missing from LIVEVIEW_ALLOWED_MODULES."""
    yield from run_demo(request, tmp_path_factory, "tests.support.server_settings_refused")


def status(panel):
    return panel.locator("[data-djtt-status]")


def test_a_server_without_websocket_says_so(page, wsgi_server_url):
    page.goto(f"{wsgi_server_url}/counter/")
    # djust's client keeps retrying the socket upgrade that WSGI cannot answer.
    page.wait_for_function("() => window.djust.liveViewInstance.reconnectAttempts > 0")
    panel = open_time_travel(page)
    expect(status(panel)).to_contain_text(
        "This server does not speak WebSocket: run it under ASGI (daphne first in "
        "INSTALLED_APPS, or uvicorn with a websockets library)."
    )
    expect(status(panel)).to_contain_text("keeps trying (attempt ")
    expect(status(panel)).not_to_contain_text("reload")


def test_a_refused_mount_says_why_with_djusts_words(page, refusing_server_url):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if PANEL_REQUESTS in r.url else None)
    page.goto(f"{refusing_server_url}/counter/")
    # The socket opens and djust answers the mount with an error frame, before the
    # panel is opened: the panel finds it in djust's client state.
    page.wait_for_function(
        "() => window.djust.liveViewInstance.stats.messages.some((m) => m.type === 'error')"
    )
    # djust's own dev overlay shows the error too; dismiss it as a person would.
    page.get_by_role("button", name="Dismiss").click()
    panel = open_time_travel(page)
    expect(status(panel)).to_contain_text(
        "djust refused to mount demo_app.views.CounterView: its module is not in "
        "LIVEVIEW_ALLOWED_MODULES (djust says: “View demo_app.views.CounterView is not allowed”)."
    )
    assert requests == [], "the panel asked the server about a view that never mounted"


def test_a_closed_socket_says_djust_reconnects_then_follows_the_new_session(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 1)
    panel = open_time_travel(page)
    expect(row(panel, 1)).to_be_visible()
    # Close the socket and click a restore before djust's client reconnects (it
    # waits at least half a second): the click cannot be sent and says why.
    said = page.evaluate(
        """() => new Promise((resolve) => {
            const lv = window.djust.liveViewInstance;
            const panel = document.getElementById("djDebugRoot").shadowRoot || document;
            lv.ws.addEventListener("close", () => setTimeout(() => {
                panel.querySelector("[data-tt-seq='1'] [data-djtt-restore=before]").click();
                resolve(panel.querySelector("[data-djtt-msg=main]").textContent);
            }, 0));
            lv.ws.close();
        })"""
    )
    assert said.startswith("The LiveView socket closed; djust's client is reconnecting"), said
    assert "nothing was sent" in said
    assert "reload" not in said
    # djust reconnects by itself; the panel follows the new view's empty history.
    wait_for_live_view(page)
    expect(status(panel)).to_have_text("Live: new events appear as they happen.")
    expect(row(panel, 1)).to_have_count(0)
    click_increment(page, 1)
    expect(row(panel, 1)).to_be_visible()


def test_unticked_panel_script_does_nothing_and_stays_off(page, live_server_url):
    asked: list[str] = []
    watched = (PANEL_REQUESTS, "/ddt_timetravel/panel.js")
    page.on("request", lambda r: asked.append(r.url) if any(w in r.url for w in watched) else None)
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    with page.expect_request(lambda r: PANEL_REQUESTS in r.url):  # the control: it asks
        panel = open_time_travel(page)
    expect(status(panel)).to_contain_text("Live")

    page.locator("#djdt-TimeTravelPanel input[type=checkbox]").click()  # the toolbar's switch
    asked.clear()
    click_increment(page, 2)
    page.wait_for_timeout(2000)  # longer than the panel's polling interval
    assert asked == [], "an unticked panel still asked the server"

    page.reload()
    wait_for_live_view(page)
    show_toolbar(page)
    expect(page.locator("#djdt-TimeTravelPanel input[type=checkbox]")).not_to_be_checked()
    expect(page.locator("#TimeTravelPanel")).to_have_count(0)
    click_increment(page, 1)
    page.wait_for_timeout(2000)
    assert asked == [], "the panel's script loaded or asked while switched off"
