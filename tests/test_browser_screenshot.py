"""The README's screenshot, taken on the demo so the picture stays current.

Every run overwrites ``docs/panel.png``: the counter after a few clicks, with the
Time Travel panel open and one row restored.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "panel.png"
WIDTH, HEIGHT = 1280, 800
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; ValueError when it is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_readme_screenshot(page, live_server_url):
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    count = page.locator("#count")
    for step in range(1, 4):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(count).to_have_text(str(step))
    page.get_by_role("button", name="Add 5").click()
    expect(count).to_have_text("8")

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(4)
    row(panel, 2).get_by_role("button", name="Restore after").click()
    expect(count).to_have_text("2")
    expect(row(panel, 2)).to_have_attribute("aria-current", "true")
    page.mouse.move(0, 0)  # no hover highlight in the picture

    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    assert SCREENSHOT.is_file()
    assert png_size(SCREENSHOT.read_bytes()) == (WIDTH, HEIGHT)
