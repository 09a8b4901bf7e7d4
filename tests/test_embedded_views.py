"""Embedded ``{% live_render %}`` LiveViews: listed with the page's view, each with its own
timeline, read-only with the reason, over the real socket."""

from __future__ import annotations

import html5lib
import pytest

from tests.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

SHOP = "demo_app.embedded.ShopView"
CART = "demo_app.embedded.CartView"


async def cart_event(live, name: str, **params) -> None:
    """An event of the embedded cart: djust routes it by ``view_id`` and re-renders the cart."""
    live._ref += 1
    frame = {"type": "event", "event": name, "params": {**params, "view_id": "cart"}}
    await live.send({**frame, "ref": live._ref})
    await live.receive_until("embedded_update")


def parsed(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def picks(response) -> list[tuple[str, str]]:
    return [
        (b.attrib["data-djtt-view-pick"], "".join(b.itertext()))
        for b in parsed(response).iter("button")
        if "data-djtt-view-pick" in b.attrib
    ]


async def test_the_header_lists_the_page_view_and_its_child_with_their_events(live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    await live_socket.event("toggle_stock")
    await cart_event(live_socket, "add_item", item="tea")
    await cart_event(live_socket, "add_item", item="cake")

    page = await panel_get(live_socket, "timeline")

    assert picks(page) == [("", f"{SHOP} 1 event"), ("cart", f"{CART} 2 events")]
    assert page.content.decode().count('data-tt-event="toggle_stock"') == 1


async def test_a_childs_timeline_is_its_own_and_read_only_with_the_reason(live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    await live_socket.event("toggle_stock")
    await cart_event(live_socket, "add_item", item="tea")

    child = await panel_get(live_socket, "timeline", child="cart")
    text = child.content.decode()

    assert child.status_code == 200
    assert text.count('data-tt-event="add_item"') == 1 and "toggle_stock" not in text
    (note,) = [n for n in parsed(child).iter("span") if "data-djtt-read-only" in n.attrib]
    assert "".join(note.itertext()).startswith(
        f"Read-only: djust's restore and replay frames act only on the view mounted on the "
        f"page's socket ({SHOP})"
    )
    assert "Restore before" not in text and "Replay" not in text
    diff = await panel_get(live_socket, "diff", child="cart", seq=1)
    assert diff.status_code == 200 and "tea" in diff.content.decode()
    exported = await panel_get(live_socket, "export", child="cart")
    assert exported.json()["view"] == CART


async def test_a_bad_or_missing_child_gets_a_clear_answer(live_socket, open_live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    bad = await panel_get(live_socket, "timeline", child="../x")
    assert bad.status_code == 400 and b"embedded view's id" in bad.content
    gone = await panel_get(live_socket, "timeline", child="child_999")
    assert gone.status_code == 404 and b"no embedded LiveView 'child_999'" in gone.content

    stranger = await open_live_socket()
    stranger.session_id = live_socket.session_id  # knows the socket id, not the session
    assert (await panel_get(stranger, "timeline", child="cart")).status_code == 404


async def test_a_page_without_children_lists_nothing_extra(live_socket):
    await live_socket.mount("demo_app.views.CounterView", url="/counter/")
    assert picks(await panel_get(live_socket, "timeline")) == []
