"""A page with an embedded ``{% live_render %}`` LiveView, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

SHOP = "demo_app.embedded.ShopView"
CART = "demo_app.embedded.CartView"


def test_each_liveview_of_the_page_has_its_own_timeline(page, live_server_url):
    page.goto(f"{live_server_url}/shop/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Only in stock").click()
    expect(page.locator("#stock-filter")).to_have_text("in stock only")
    page.get_by_role("button", name="Add tea").click()
    expect(page.locator("#cart-count")).to_have_text("1 item(s): tea")
    page.get_by_role("button", name="Add cake").click()
    expect(page.locator("#cart-count")).to_have_text("2 item(s): tea, cake")

    panel = open_time_travel(page)
    views = panel.get_by_role("group", name="LiveViews on this page")
    expect(views.get_by_role("button")).to_have_text([f"{SHOP} 1 event", f"{CART} 2 events"])
    expect(panel.locator("[data-tt-event=toggle_stock]")).to_have_count(1)

    views.get_by_role("button", name=CART).click()
    expect(views.get_by_role("button", name=CART)).to_have_attribute("aria-pressed", "true")
    expect(panel.locator("[data-tt-event=add_item]")).to_have_count(2)
    expect(panel.locator("[data-tt-event=toggle_stock]")).to_have_count(0)
    expect(panel.locator("[data-djtt-child-note]")).to_contain_text(
        f"acts only on the view mounted on the page's socket ({SHOP})"
    )
    expect(panel.get_by_role("button", name="Replay")).to_have_count(0)

    row(panel, 1).get_by_role("button", name="Restore after").click()  # the cart alone
    expect(page.locator("#cart-count")).to_have_text("1 item(s): tea")
    expect(page.locator("#stock-filter")).to_have_text("in stock only")
    expect(row(panel, 1)).to_have_attribute("aria-current", "true")
    expect(panel.locator("[data-djtt-header] [data-djtt-viewing]")).to_have_text(
        "Viewing #1 (after)"
    )

    cart = page.get_by_role("region", name="Cart")
    cart.get_by_role("button", name="Clear").click()  # the child's timeline grows live
    expect(panel.locator("[data-tt-event=clear]")).to_have_count(1)
    expect(page.locator("#cart-count")).to_have_text("0 item(s)")

    views.get_by_role("button", name=SHOP).click()
    expect(panel.locator("[data-tt-event=toggle_stock]")).to_have_count(1)
    expect(panel.locator("[data-tt-event=add_item]")).to_have_count(0)
    expect(panel.get_by_role("button", name="Restore before")).to_have_count(1)
