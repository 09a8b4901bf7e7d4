"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def wait_for_live_view(page: Any) -> None:
    """Wait until djust's socket has mounted the page's LiveView."""
    page.wait_for_function(
        "() => Boolean(window.djust && window.djust.liveViewInstance"
        " && window.djust.liveViewInstance.viewMounted)"
    )


def show_toolbar(page: Any) -> None:
    """Make the toolbar visible, whether it opened itself or shows only its handle."""
    toolbar = page.locator("#djDebugToolbar")
    handle = page.locator("#djShowToolBarButton")
    expect(toolbar.or_(handle).filter(visible=True).first).to_be_visible()
    if not toolbar.is_visible():
        handle.click()
    expect(toolbar).to_be_visible()


def open_time_travel(page: Any) -> Any:
    """Open the Time Travel panel and return its content locator."""
    show_toolbar(page)
    page.locator("#djdt-TimeTravelPanel a").click()
    panel = page.locator("#TimeTravelPanel")
    expect(panel).to_be_visible()
    # The panel's stylesheet arrives with its content; once it applies, the panel docks.
    expect(panel.locator(".djtt-bar")).to_have_css("position", "sticky")
    return panel


def open_tools(panel: Any) -> None:
    """Unfold the panel's compare, export and import controls."""
    toggle = panel.get_by_role("button", name="Compare, export, import")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(panel.locator("[data-djtt-tools]")).to_be_visible()


def message(panel: Any, slot: str = "main") -> Any:
    """The message slot (errors and results) next to the controls of ``slot``."""
    return panel.locator(f"[data-djtt-msg={slot}]")


def row(panel: Any, seq: int) -> Any:
    """The timeline row of event ``seq``."""
    return panel.locator(f"[data-tt-seq='{seq}']")


def click_increment(page: Any, times: int) -> None:
    """Click the demo counter's "Increment" ``times`` times, waiting for each render."""
    count = page.locator("#count")
    start = int(count.inner_text())
    for step in range(1, times + 1):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(count).to_have_text(str(start + step))
