"""Replay with edited params and keyboard navigation, in Chromium on the demo counter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser


def add_five_twice(page):
    page.goto(page.url)
    wait_for_live_view(page)
    for expected in ("5", "10"):
        page.get_by_role("button", name="Add 5").click()
        expect(page.locator("#count")).to_have_text(expected)


def test_replay_with_edited_params(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    add_five_twice(page)
    panel = open_time_travel(page)
    first = row(panel, 1)

    first.get_by_role("button", name="Replay").click()
    editor = first.get_by_role("form")
    params = editor.get_by_label("Params for")
    expect(params).to_be_focused()

    params.fill("{not json")
    editor.get_by_role("button", name="Run").click()
    expect(editor.get_by_role("alert")).to_contain_text("not valid JSON")
    params.fill("[1, 2]")
    editor.get_by_role("button", name="Run").click()
    expect(editor.get_by_role("alert")).to_contain_text("must be a JSON object")
    expect(page.locator("#count")).to_have_text("10")  # nothing was sent

    params.fill('{"amount": 100}')
    editor.get_by_role("button", name="Run").click()

    expect(page.locator("#count")).to_have_text("100")
    newest = row(panel, 3)
    expect(newest).to_contain_text("replay of #1")
    expect(newest).to_contain_text("count: 0 → 100")
    expect(panel.locator("[data-djtt-header]")).to_contain_text("branch-0")
    expect(editor).to_be_hidden()


def test_replay_from_the_keyboard_brings_its_editor_on_demand(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    add_five_twice(page)
    panel = open_time_travel(page)
    first = row(panel, 1)
    expect(panel.locator("[data-djtt-replay]")).to_have_count(0)  # rows carry no editor

    panel.locator(".djdt-scroll").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(first).to_be_focused()
    for _ in range(3):  # Restore before, Restore after, Replay
        page.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Replay")).to_be_focused()
    page.keyboard.press("Enter")

    params = first.get_by_label("Params for")
    expect(params).to_be_focused()
    expect(params).to_have_value('{\n  "amount": "5"\n}')
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type('{"amount": 7}')
    page.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Run")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator("#count")).to_have_text("7")
    expect(row(panel, 3)).to_contain_text("replay of #1")
    expect(first.get_by_role("form")).to_be_hidden()
    first.get_by_role("button", name="Replay").click()  # opened again: the same editor
    expect(first.get_by_label("Params for")).to_be_focused()
    expect(first.locator("[data-djtt-replay]")).to_have_count(1)


def test_masked_params_must_be_retyped(page, live_server_url):
    page.goto(f"{live_server_url}/profile/")
    wait_for_live_view(page)
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("first-Secret-1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#profile-saved")).to_be_visible()
    panel = open_time_travel(page)
    save = panel.locator("[data-tt-event=save]")

    save.get_by_role("button", name="Replay").click()
    editor = save.get_by_role("form")
    editor.get_by_role("button", name="Run").click()
    expect(editor.get_by_role("alert")).to_contain_text("masked values never reach the browser")
    expect(panel.locator("[data-tt-event=save]")).to_have_count(1)

    text = editor.get_by_label("Params for").input_value()
    editor.get_by_label("Params for").fill(text.replace("•••• masked", "second-Secret-2"))
    editor.get_by_role("button", name="Run").click()
    expect(panel.locator("[data-tt-event=save]")).to_have_count(2)
    assert "first-Secret-1" not in panel.inner_html()


def test_keyboard_moves_and_restores(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    click_increment(page, 3)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(3)
    expect(panel).to_contain_text("Shift+Enter restore before")

    panel.locator(".djdt-scroll").focus()
    page.keyboard.press("ArrowDown")
    expect(row(panel, 3)).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(row(panel, 1)).to_be_focused()
    page.keyboard.press("Shift+Enter")
    expect(page.locator("#count")).to_have_text("0")
    expect(row(panel, 1)).to_have_attribute("aria-current", "true")

    page.keyboard.press("ArrowUp")
    expect(row(panel, 2)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#count")).to_have_text("2")

    page.keyboard.press("Escape")
    expect(page.locator("#count")).to_have_text("3")
    expect(panel).to_be_visible()  # Escape on a row returns to live, not closes
    expect(panel.locator("[data-djtt-header]")).to_contain_text("Live")

    page.keyboard.press("Tab")  # buttons stay reachable
    expect(row(panel, 2).get_by_role("button", name="Restore before")).to_be_focused()
