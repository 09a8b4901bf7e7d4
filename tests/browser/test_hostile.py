"""Failures said in words, and an opened file filtered in the page, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import (
    click_increment,
    message,
    open_time_travel,
    open_tools,
    wait_for_live_view,
)

pytestmark = pytest.mark.browser

DEBUG_PAGE = "<!DOCTYPE html><html><head><title>RecursionError at /__debug__/</title></head>"
DEBUG_PAGE += "<body><h1>RecursionError</h1><pre>Traceback (most recent call last) ...</pre>"


def test_an_error_page_is_said_in_one_sentence(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    page.route(
        "**/time-travel/timeline/**",
        lambda route: route.fulfill(status=500, body=DEBUG_PAGE, content_type="text/html"),
    )
    panel = open_time_travel(page)
    click_increment(page, 1)
    expect(message(panel, "main")).to_contain_text(
        "The panel request failed (the server answered 500: the server's log says why)."
    )
    assert "Traceback" not in panel.inner_text()


def test_an_imported_file_is_filtered_in_the_page_and_sent_once(page, live_server_url, tmp_path):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 1)
    page.get_by_role("button", name="Add 5").click()
    expect(page.locator("#count")).to_have_text("6")
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(2)
    open_tools(panel)
    with page.expect_download() as as_json:
        panel.get_by_role("link", name="Export JSON").click()
    json_file = tmp_path / "timeline.json"
    as_json.value.save_as(json_file)

    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and "/time-travel/import/" in request.url
            else None
        ),
    )
    panel.get_by_label("Import", exact=True).set_input_files(str(json_file))
    imported = panel.locator("[data-djtt-imported]")
    rows = imported.locator("li[data-tt-seq]")
    expect(rows).to_have_count(2)

    panel.get_by_role("searchbox", name="Event", exact=True).fill("add")
    expect(imported.locator("li[data-tt-event=increment]")).to_be_hidden()
    expect(imported.locator("li[data-tt-event=add]")).to_be_visible()
    expect(imported.locator("[data-djtt-import-count]")).to_have_text(
        "Showing 1 of 2 matching the filters."
    )
    panel.get_by_role("searchbox", name="Event", exact=True).fill("")
    panel.get_by_role("searchbox", name="Changed key").fill("count")
    expect(rows.filter(visible=True)).to_have_count(2)
    panel.get_by_role("searchbox", name="Changed key").fill("nothing.here")
    expect(rows.filter(visible=True)).to_have_count(0)
    assert len(posts) == 1, posts
