"""Export and import from the panel in Chromium."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, open_tools, wait_for_live_view

pytestmark = pytest.mark.browser


def test_export_as_test_and_json_then_import(page, live_server_url, tmp_path):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    for expected in ("1", "2"):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(page.locator("#count")).to_have_text(expected)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event]")).to_have_count(2)

    open_tools(panel)
    with page.expect_download() as as_test:
        panel.get_by_role("link", name="Export as test").click()
    test_file = tmp_path / as_test.value.suggested_filename
    as_test.value.save_as(test_file)
    assert test_file.name.startswith("test_") and test_file.suffix == ".py"
    assert "def test_counter_view_increment():" in test_file.read_text()

    panel.get_by_label("Events from #").fill("2")
    with page.expect_download() as as_json:
        panel.get_by_role("link", name="Export JSON").click()
    json_file = tmp_path / "timeline.json"
    as_json.value.save_as(json_file)
    document = json.loads(json_file.read_text())
    assert [event["seq"] for event in document["events"]] == [2]

    panel.get_by_label("Import", exact=True).set_input_files(str(json_file))
    imported = panel.locator("[data-djtt-imported]")
    expect(imported).to_contain_text("Imported, read-only")
    expect(imported.locator("[data-tt-event=increment]")).to_have_count(1)
    expect(imported.get_by_role("button", name="Restore before")).to_have_count(0)
    imported.get_by_role("button", name="Close import").click()
    expect(imported).to_have_count(0)
