"""The panel's layout in Chromium at four window sizes: rows in view, nothing sideways,
the page under the dock still reachable, messages that stay, and the filter race."""

from __future__ import annotations

import pytest
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

SIZES = [(1280, 800, 8), (1280, 600, 3), (800, 800, 3), (400, 800, 3)]
SIZE_IDS = [f"{width}x{height}" for width, height, _ in SIZES]

# Rows wholly inside the list's visible box, and the widest overflow of any scroller.
ROWS_IN_VIEW = """(panel) => {
    const list = panel.querySelector('[data-djtt-rows]').getBoundingClientRect();
    const bottom = Math.min(list.bottom, window.innerHeight);
    return [...panel.querySelectorAll('[data-djtt-rows] > [data-tt-seq]')].filter((row) => {
        const box = row.getBoundingClientRect();
        return box.height > 0 && box.top >= list.top - 1 && box.bottom <= bottom + 1;
    }).length;
}"""
SIDEWAYS = """(panel) => {
    const inside = panel.querySelectorAll('.djdt-scroll, .djtt, .djtt-rows');
    const scrollers = [document.documentElement, ...inside];
    return scrollers.map((el) => el.scrollWidth - el.clientWidth).filter((extra) => extra > 0);
}"""
ROW_HEIGHTS = """(panel) => [...panel.querySelectorAll('[data-djtt-rows] > [data-tt-seq]')]
    .map((row) => Math.round(row.getBoundingClientRect().height))"""


def counter_with_events(page, url: str, size: tuple[int, int], events: int):
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{url}/counter/")
    wait_for_live_view(page)
    click_increment(page, events)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(events)
    return panel


@pytest.mark.parametrize(("width", "height", "rows_at_least"), SIZES, ids=SIZE_IDS)
def test_rows_in_view_one_line_each_and_nothing_sideways(
    page, live_server_url, width, height, rows_at_least
):
    panel = counter_with_events(page, live_server_url, (width, height), 12)
    assert panel.evaluate(ROWS_IN_VIEW) >= rows_at_least
    assert panel.evaluate(SIDEWAYS) == []
    heights = panel.evaluate(ROW_HEIGHTS)
    assert max(heights) - min(heights) <= 1, heights  # one line per row

    # A restored row and an open diff keep the layout inside the window.
    row(panel, 5).get_by_role("button", name="Restore after").click()
    expect(row(panel, 5)).to_have_attribute("aria-current", "true")
    row(panel, 5).locator("summary", has_text="Diff").click()
    expect(row(panel, 5).locator("tr[data-djtt-path=count]")).to_be_visible()
    assert panel.evaluate(SIDEWAYS) == []


def test_detail_beside_the_list_at_wide_widths(page, live_server_url):
    panel = counter_with_events(page, live_server_url, (1280, 800), 3)
    row(panel, 2).locator(".djtt-seq").click()  # selecting a row opens its detail
    detail = row(panel, 2).locator("tr[data-djtt-path=count]")
    expect(detail).to_be_visible()
    rows_box = panel.locator("[data-djtt-rows]").bounding_box()
    detail_box = detail.bounding_box()
    assert detail_box["x"] >= rows_box["x"] + rows_box["width"] - 1, (rows_box, detail_box)
    row(panel, 3).locator(".djtt-seq").click()  # one detail at a time
    expect(row(panel, 3).locator("tr[data-djtt-path=count]")).to_be_visible()
    expect(detail).to_be_hidden()


@pytest.mark.parametrize(
    ("width", "height"), [(1280, 600), (400, 800)], ids=["1280x600", "400x800"]
)
def test_the_page_under_the_dock_stays_reachable(page, live_server_url, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server_url}/profile/")
    wait_for_live_view(page)
    padding = "() => getComputedStyle(document.documentElement).paddingBottom"
    assert page.evaluate(padding) == "0px"
    panel = open_time_travel(page)
    save = page.locator("main").get_by_role("button").last
    expect(save).to_have_text("Save")
    page.get_by_label("Username").fill("ada")
    save.click()  # fails if the dock covers it: the click would land on the panel
    expect(page.locator("#profile-saved")).to_be_visible()
    assert save.bounding_box()["y"] + save.bounding_box()["height"] <= panel.bounding_box()["y"]
    expect(panel.locator("[data-tt-event=save]")).to_have_count(1)

    panel.locator(".djDebugClose").click()
    expect(panel).to_be_hidden()
    assert page.evaluate(padding) == "0px"  # the room is given back


def test_side_dock_is_remembered_and_pads_the_right(page, live_server_url):
    panel = counter_with_events(page, live_server_url, (1280, 800), 1)
    panel.get_by_role("button", name="Dock right").click()
    expect(panel.get_by_role("button", name="Dock right")).to_have_attribute("aria-pressed", "true")
    box = panel.bounding_box()
    assert box["y"] < 1 and box["height"] > 700, box
    right = page.evaluate(
        "() => parseFloat(getComputedStyle(document.documentElement).paddingRight)"
    )
    assert right >= 1280 - box["x"] - 1
    page.reload()
    wait_for_live_view(page)
    panel = open_time_travel(page)
    assert panel.bounding_box()["y"] < 1  # still on the side


def test_dock_handle_resizes_with_the_keyboard(page, live_server_url):
    panel = counter_with_events(page, live_server_url, (1280, 800), 1)
    handle = panel.get_by_role("separator")
    before = panel.bounding_box()["height"]
    handle.focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    grown = panel.bounding_box()["height"]
    assert grown > before + 40, (before, grown)
    assert int(handle.get_attribute("aria-valuenow")) == round(grown / 800 * 100)
    page.keyboard.press("ArrowDown")
    assert panel.bounding_box()["height"] < grown


def test_messages_stay_until_dismissed(page, live_server_url):
    panel = counter_with_events(page, live_server_url, (1280, 800), 2)
    open_tools(panel)
    panel.get_by_label("Events from #").fill("2")
    panel.get_by_label("to #", exact=True).fill("1")
    panel.get_by_role("link", name="Export JSON").click()
    export_error = message(panel, "export")
    expect(export_error).to_contain_text("the range is reversed")
    panel.get_by_label("Compare after #").fill("1")
    panel.get_by_label("with after #").fill("99")
    panel.get_by_role("button", name="Compare", exact=True).click()
    compare_error = message(panel, "compare")
    expect(compare_error).not_to_be_empty()

    page.wait_for_timeout(5_000)  # several polls later
    expect(export_error).to_contain_text("the range is reversed")
    expect(compare_error).to_be_visible()
    expect(panel.locator("[data-djtt-status]")).to_contain_text("Live")  # the state line is apart

    export_error.get_by_role("button", name="Dismiss").click()
    expect(export_error).to_be_empty()
    expect(compare_error).to_be_visible()


def test_empty_states_say_why(page, live_server_url):
    panel = counter_with_events(page, live_server_url, (1280, 800), 3)
    panel.get_by_label("Event", exact=True).fill("nothing-like-this")
    empty = panel.locator("[data-djtt-empty]")
    expect(empty).to_contain_text("0 of 3 events match.")
    empty.get_by_role("button", name="Clear filters").click()
    expect(panel.locator("[data-tt-seq]")).to_have_count(3)
    expect(empty).to_be_hidden()


def test_a_page_without_live_view_shows_only_the_explanation(page, live_server_url):
    page.goto(f"{live_server_url}/")
    panel = open_time_travel(page)
    expect(panel.get_by_role("status")).to_contain_text("No LiveView on this page")
    expect(panel.locator("[data-djtt-filters]")).to_be_hidden()
    expect(panel.get_by_role("button", name="Back to live")).to_be_hidden()
    expect(panel.locator("[data-djtt-rows]")).to_be_hidden()


def test_an_answer_to_older_filters_is_dropped(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 2)
    page.get_by_role("button", name="Add 5").click()
    expect(page.locator("#count")).to_have_text("7")
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(3)

    # Hold the next unfiltered poll on its way to the server.
    held = []
    holding = {"on": True}

    def hold(route):
        if holding["on"] and "q=" not in route.request.url:
            held.append(route)
        else:
            route.continue_()

    page.route("**/time-travel/timeline/**", hold)
    while not held:
        page.wait_for_timeout(50)
    holding["on"] = False
    # An event the held poll will carry once released, then a filter it does not match.
    click_increment(page, 1)
    panel.get_by_label("Search").fill("amount")
    page.wait_for_function(
        "() => (sessionStorage.getItem('djtt.filters') || '').includes('amount')"
    )
    held[0].continue_()

    expect(panel.locator("[data-tt-seq]")).to_have_count(1)
    expect(panel.locator("[data-tt-event=add]")).to_have_count(1)
    page.wait_for_timeout(2_000)  # later polls keep it right
    expect(panel.locator("[data-tt-seq]")).to_have_count(1)
    expect(panel.locator("[data-tt-event=increment]")).to_have_count(0)
    page.unroute("**/time-travel/timeline/**")
