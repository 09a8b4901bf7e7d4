"""The panel's stylesheet loads in Chromium under a nonce-only ``style-src`` policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import click_increment, open_time_travel, wait_for_live_view

pytestmark = pytest.mark.browser


def test_panel_is_styled_under_a_nonce_only_policy(page, csp_server_url):
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    response = page.goto(f"{csp_server_url}/counter/")
    assert "style-src 'nonce-" in response.headers["content-security-policy"]
    wait_for_live_view(page)
    click_increment(page, 1)
    panel = open_time_travel(page)  # waits for the panel's stylesheet to apply
    expect(panel.locator("[data-tt-seq]")).to_have_count(1)
    expect(panel).to_have_css("bottom", "0px")  # docked by panel.css
    assert not [text for text in refused if "ddt_timetravel" in text], refused
