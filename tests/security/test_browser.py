"""Hostile text typed into a page, or sent as raw djust frames, shows as inert text in the
Time Travel panel of a real Chromium, and the panel's layout holds.

Every payload sets ``window.__pwned`` (and calls ``alert``) if it ever runs; the test
listens for dialogs, reads the flag, counts script-capable elements in the panel, checks
the payloads are shown as text, and measures the rows against the panel and the page
against the viewport.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, wait_for_live_view
from tests.support.security import XSS_PAYLOADS

pytestmark = pytest.mark.browser

RTL = "\u202eevil.exe\u202c"
LONG = "W" * 5000
HOSTILE_KEY = "<img src=x onerror=window.__pwned=1;alert(1)>"
TYPED = [*XSS_PAYLOADS, RTL, LONG]


def add_todo(page, text: str, count: int) -> None:
    page.locator("#todo-text").fill(text)
    page.locator("#todo-form").get_by_role("button", name="Add").click()
    expect(page.locator("#todo-count")).to_have_text(f"{count} item(s)")


def send_raw_frame(page, text: str, count: int) -> None:
    """What a script in the page could send: any text, any param key."""
    page.evaluate(
        """([text, key]) => window.djust.liveViewInstance.sendMessage({
            type: 'event', event: 'add_todo', params: {text: text, [key]: 'x'}})""",
        [text, HOSTILE_KEY],
    )
    expect(page.locator("#todo-count")).to_have_text(f"{count} item(s)")


def shown_forms(text: str) -> list[str]:
    """How a value may read in the panel: as is, or inside JSON (quotes escaped)."""
    return [text, json.dumps(text, ensure_ascii=False)[1:-1]]


def test_hostile_todos_are_inert_text_and_the_layout_holds(page, live_server_url):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_server_url}/todos/")
    wait_for_live_view(page)

    count = 2
    for text in TYPED:
        count += 1
        add_todo(page, text, count)
    for text in XSS_PAYLOADS[:3]:
        count += 1
        send_raw_frame(page, text, count)
    # The demo page itself would scroll sideways with a 5000-character word; the panel
    # is what is under test, so that item leaves the page (its history stays).
    page.get_by_role("button", name="Remove " + LONG).click()
    count -= 1
    expect(page.locator("#todo-count")).to_have_text(f"{count} item(s)")
    events = len(TYPED) + 3 + 1

    panel = open_time_travel(page)
    rows = panel.locator("[data-tt-seq]")
    expect(rows).to_have_count(events)
    for index in range(events):
        row = rows.nth(index)
        row.locator("summary", has_text="Diff").click()
        expect(row.locator("[data-djtt-diff-content]")).to_be_visible()
    # The full state trees and a replay form (a <textarea> holding the params) too.
    # One row's detail is open at a time: select the newest again.
    newest = panel.locator("[data-tt-event=add_todo]").first  # the last raw frame
    newest.locator("summary", has_text="Diff").click()
    newest.locator("summary", has_text="Full state after").click()
    expect(newest.locator(".djtt-tree").first).to_be_visible()
    newest.get_by_role("button", name="Replay").click()
    expect(newest.locator("textarea")).to_be_visible()

    # Nothing ran.
    page.wait_for_timeout(300)  # an onerror of a broken <img> fires asynchronously
    assert dialogs == []
    assert page.evaluate("() => window.__pwned") is None
    content = panel.locator(".djDebugPanelContent")
    assert content.locator("script, img, svg, iframe, object, embed").count() == 0
    # The only script in the panel is its own module, which its title bar carries.
    sources = panel.locator("script").evaluate_all("(all) => all.map((s) => s.src)")
    assert [src.rsplit("/static/", 1)[-1] for src in sources] == ["ddt_timetravel/panel.js"]
    assert panel.locator("[onerror], [onload], [onclick]").count() == 0

    # Everything is there, as text (in the rows, and in the details opened above).
    text = panel.text_content()
    for payload in [*XSS_PAYLOADS, RTL]:
        assert any(form in text for form in shown_forms(payload)), payload
    assert HOSTILE_KEY in text  # the raw frame's param key, shown as a key
    replay_params = json.loads(newest.locator("textarea").input_value())
    assert replay_params["text"] == XSS_PAYLOADS[2] and replay_params[HOSTILE_KEY] == "x"

    # The layout holds: every row inside the panel, the page no wider than the window.
    box = panel.bounding_box()
    for index in range(events):
        row_box = rows.nth(index).bounding_box()
        assert row_box["x"] >= box["x"] - 1, index
        assert row_box["x"] + row_box["width"] <= box["x"] + box["width"] + 1, index
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], overflow
