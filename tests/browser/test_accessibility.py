"""Accessibility of the panel in Chromium: axe-core in every state and both themes,
with the toolbar's shadow DOM and without it, while the server is down and after
the page reconnects; the keyboard (one Tab stop for the list, arrows inside),
names, focus and announcements.

axe-core comes from the PyPI package ``axe-playwright-python``; it is run on the
panel's own nodes (inside the toolbar's shadow root) and fails the test on any
serious or critical violation.
"""

from __future__ import annotations

import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.support.browser_steps import (
    click_increment,
    message,
    open_time_travel,
    open_tools,
    row,
    wait_for_live_view,
)

pytestmark = pytest.mark.browser

PANEL_NODES = {
    "include": [{"fromShadowDom": ["#djDebugRoot", "#TimeTravelPanel [data-djtt-root]"]}]
}
LIGHT_DOM_FALLBACK = {"include": [["#TimeTravelPanel [data-djtt-root]"]]}
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[dict]:
    """axe-core's serious and critical violations in the panel's own nodes."""
    in_shadow = page.evaluate("() => Boolean(document.getElementById('djDebugRoot')?.shadowRoot)")
    results = Axe().run(page, context=PANEL_NODES if in_shadow else LIGHT_DOM_FALLBACK)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = [node["target"] for node in violation["nodes"]]
            found.append({"id": violation["id"], "impact": violation["impact"], "nodes": targets})
    return found


def audit(page, state: str, report: dict) -> None:
    page.mouse.move(0, 0)
    page.wait_for_timeout(150)  # transitions settle
    problems = serious_violations(page)
    if problems:
        report[state] = problems


# The toolbar's default (its shadow DOM) and its other layout (light DOM, UPDATE_ON_FETCH).
LAYOUTS = {"shadow DOM": "live_server_url", "light DOM": "light_dom_server_url"}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_in_any_state(page, request, layout, scheme, tmp_path):
    live_server_url = request.getfixturevalue(LAYOUTS[layout])
    page.emulate_media(color_scheme=scheme)
    report: dict[str, list] = {}

    page.goto(f"{live_server_url}/")
    panel = open_time_travel(page)
    expect(panel.get_by_role("status")).to_contain_text("No LiveView")
    audit(page, "no LiveView", report)

    page.goto(f"{live_server_url}/library/")
    wait_for_live_view(page)
    panel = open_time_travel(page)
    expect(panel.locator("[data-djtt-empty]")).to_contain_text("No events yet")
    audit(page, "no events yet", report)
    page.get_by_role("button", name="Load books (N+1)").click()
    expect(panel.locator("[data-tt-seq]")).to_have_count(1)
    audit(page, "a row with an N+1 flag", report)

    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    page.get_by_role("button", name="Add 5").click()
    page.get_by_role("button", name="Explode").click()
    page.get_by_role("button", name="Dismiss").click()  # djust's dev error overlay
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(5)
    audit(page, "live rows", report)

    row(panel, 2).get_by_role("button", name="Restore after").click()
    expect(row(panel, 2)).to_have_attribute("aria-current", "true")
    audit(page, "viewing a restored row", report)

    row(panel, 4).locator(".djtt-seq").click()
    expect(row(panel, 4).locator("tr[data-djtt-path=count]")).to_be_visible()
    row(panel, 4).locator("summary", has_text="Full state after").click()
    expect(row(panel, 4).locator(".djtt-tree").first).to_be_visible()
    audit(page, "detail open", report)

    row(panel, 3).hover()
    audit(page, "row actions shown", report)
    row(panel, 3).get_by_role("button", name="Replay").click()
    expect(row(panel, 3).get_by_role("form")).to_be_visible()
    audit(page, "replay editor", report)
    row(panel, 3).get_by_role("button", name="Cancel").click()

    open_tools(panel)
    panel.get_by_label("Compare after #").fill("1")
    panel.get_by_label("with after #").fill("3")
    panel.get_by_role("button", name="Compare", exact=True).click()
    expect(panel.locator("[data-djtt-compare-result] tr")).not_to_have_count(0)
    panel.get_by_label("Events from #").fill("3")
    panel.get_by_label("to #", exact=True).fill("1")
    panel.get_by_role("link", name="Export JSON").click()
    expect(message(panel, "export")).to_contain_text("reversed")
    audit(page, "tools, a compare result and an error", report)

    panel.get_by_label("Events from #").fill("")
    panel.get_by_label("to #", exact=True).fill("")
    with page.expect_download() as download:
        panel.get_by_role("link", name="Export JSON").click()
    exported = tmp_path / "timeline.json"
    download.value.save_as(exported)
    panel.get_by_label("Import", exact=True).set_input_files(str(exported))
    expect(panel.locator("[data-djtt-imported] [data-tt-seq]")).to_have_count(5)
    audit(page, "an imported timeline", report)
    panel.get_by_role("button", name="Close import").click()

    panel.get_by_label("Event", exact=True).fill("no-such-event")
    expect(panel.locator("[data-djtt-empty]")).to_contain_text("0 of 5 events match")
    audit(page, "filters that match nothing", report)

    panel.get_by_role("button", name="Clear", exact=True).click()
    watch = panel.get_by_role("searchbox", name="Watch")
    watch.fill("count >")
    expect(panel.locator("[data-djtt-watch-result]")).to_contain_text("position", timeout=15_000)
    audit(page, "a watch that does not parse", report)
    watch.fill("count > 2")
    expect(panel.locator(".djtt-watch-hit")).to_have_count(3, timeout=15_000)
    audit(page, "rows marked by a watch", report)
    row(panel, 4).locator(".djtt-seq").click()
    row(panel, 4).get_by_role("button", name="History of count").click()
    expect(panel.locator("[data-djtt-key-box] circle")).not_to_have_count(0)
    panel.get_by_role("button", name="Charts").click()
    expect(panel.locator("[data-djtt-charts-box] [data-djtt-bar]")).to_have_count(5)
    panel.locator("[data-djtt-charts-box] summary").first.click()
    audit(page, "key history and charts", report)

    panel.get_by_role("button", name="Dock right").click()
    expect(panel.get_by_role("button", name="Dock right")).to_have_attribute("aria-pressed", "true")
    audit(page, "docked to the side", report)

    assert report == {}, json.dumps(report, indent=1)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_while_the_server_is_down_and_after_reconnecting(
    page, demo_server, scheme
):
    page.emulate_media(color_scheme=scheme)
    report: dict[str, list] = {}
    page.goto(f"{demo_server.base_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    panel = open_time_travel(page)
    expect(row(panel, 2)).to_be_visible()
    old_session = page.evaluate("() => window.djust.liveViewInstance.sessionId")

    demo_server.stop()
    expect(message(panel)).to_contain_text("The server did not answer", timeout=10_000)
    expect(panel.get_by_role("status")).to_contain_text("The LiveView socket closed")
    audit(page, "the server is down, the socket reconnecting", report)
    row(panel, 2).get_by_role("button", name="Restore before").click()
    expect(message(panel)).to_contain_text("djust's client is reconnecting")
    audit(page, "a restore refused while the server is down", report)

    demo_server.start()
    page.wait_for_function(
        "(old) => window.djust.liveViewInstance.viewMounted"
        " && window.djust.liveViewInstance.sessionId !== old",
        arg=old_session,
        timeout=30_000,
    )
    expect(panel.locator("[data-djtt-empty]")).to_contain_text(
        "The page reconnected: a new view instance with an empty history", timeout=10_000
    )
    audit(page, "reconnected: a new view with an empty history", report)

    assert report == {}, json.dumps(report, indent=1)


def test_the_list_is_one_tab_stop_with_named_row_buttons(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(3)

    clear = panel.get_by_role("button", name="Clear", exact=True)
    clear.focus()
    page.keyboard.press("Tab")
    expect(row(panel, 3)).to_be_focused()  # the newest row is the list's one stop
    page.keyboard.press("ArrowDown")
    expect(row(panel, 2)).to_be_focused()
    page.keyboard.press("End")
    expect(row(panel, 1)).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(clear).to_be_focused()
    page.keyboard.press("Tab")
    expect(row(panel, 1)).to_be_focused()  # the list remembers the active row

    names = ["Restore before #1 increment", "Restore after #1 increment", "Replay #1 increment"]
    for name in names:
        page.keyboard.press("Tab")
        expect(row(panel, 1).get_by_role("button", name=name, exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    expect(row(panel, 1).locator("summary").first).to_be_focused()
    page.keyboard.press("Tab")
    focused_row = page.evaluate(
        "() => { let el = document.activeElement; while (el && el.shadowRoot) el ="
        " el.shadowRoot.activeElement; return el && el.closest('[data-tt-seq]') ?"
        " el.closest('[data-tt-seq]').dataset.ttSeq : null; }"
    )
    assert focused_row is None  # past the list: no other row was a Tab stop


def test_focus_returns_to_the_toolbar_link_on_close(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    panel = open_time_travel(page)
    panel.locator(".djDebugClose").click()
    expect(panel).to_be_hidden()
    expect(page.locator("#djdt-TimeTravelPanel a")).to_be_focused()


def test_new_events_are_announced_politely(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 1)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(1)
    region = panel.locator("[data-djtt-announce]")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_be_empty()  # the rows already there are not news
    click_increment(page, 3)
    # One announcement a second at most, however many rows came: the last one names #4.
    expect(region).to_have_text(re.compile(r"^(New event|\d new events, the newest) #4$"))
