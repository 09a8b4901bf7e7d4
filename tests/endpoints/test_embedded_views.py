"""Embedded ``{% live_render %}`` LiveViews: listed with the page's view, each with its own
timeline, read-only with the reason, over the real socket."""

from __future__ import annotations

import html5lib
import pytest

from ddt_timetravel import _djust
from tests.endpoints.test_restore_identity import header, identity
from tests.support.panel_client import panel_get

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


async def test_a_childs_timeline_is_its_own_and_says_why_it_cannot_be_replayed(live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    await live_socket.event("toggle_stock")
    await cart_event(live_socket, "add_item", item="tea")

    child = await panel_get(live_socket, "timeline", child="cart")
    text = child.content.decode()

    assert child.status_code == 200
    assert text.count('data-tt-event="add_item"') == 1 and "toggle_stock" not in text
    (note,) = [n for n in parsed(child).iter("span") if "data-djtt-child-note" in n.attrib]
    assert "".join(note.itertext()) == (
        "Embedded view: Restore before and after work on it; Replay does not, as djust's "
        f"replay frame acts only on the view mounted on the page's socket ({SHOP})."
    )
    assert "Restore before" in text and "data-djtt-replay-open" not in text
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


def child_rows(response) -> dict[int, dict[str, str]]:
    return {int(li.attrib["data-tt-seq"]): dict(li.attrib) for li in parsed(response).iter("li")}


def child_jump(row: dict[str, str], which: str = "after", view_id: str = "cart") -> dict:
    return {
        "type": "time_travel_jump",
        "index": 0,
        "which": which,
        _djust.IDENTITY_KEY: identity(row),
        _djust.CHILD_KEY: view_id,
    }


async def test_a_child_is_restored_to_its_own_state_and_the_parent_is_left_alone(live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    await live_socket.event("toggle_stock")
    await cart_event(live_socket, "add_item", item="tea")
    await cart_event(live_socket, "add_item", item="cake")
    cart = live_socket.view._get_all_child_views()["cart"]
    first = child_rows(await panel_get(live_socket, "timeline", child="cart"))[1]

    await live_socket.send(child_jump(first))
    frames = await live_socket.receive_until("time_travel_state")

    update = next(f for f in frames if f["type"] == "embedded_update")
    assert update["view_id"] == "cart" and "1 item(s): tea" in update["html"]
    assert frames[-1][_djust.IDENTITY_KEY] == {
        "seq": 1,
        "which": "after",
        "component_id": None,
        "serial": 1,
        "live": False,
        "child": "cart",
    }
    assert cart.items == ["tea"]
    assert live_socket.view.only_in_stock is True  # the page's view keeps its state
    assert len(live_socket.view._time_travel_buffer) == 1 and len(cart._time_travel_buffer) == 2
    assert header(await panel_get(live_socket, "timeline", child="cart")) == "Viewing #1 (after)"
    assert header(await panel_get(live_socket, "timeline")) == "Live"


async def test_a_child_restore_that_names_another_event_or_child_is_refused(live_socket):
    await live_socket.mount(SHOP, url="/shop/")
    await cart_event(live_socket, "add_item", item="tea")
    row = child_rows(await panel_get(live_socket, "timeline", child="cart"))[1]
    cart = live_socket.view._get_all_child_views()["cart"]

    for frame, says in [
        (child_jump({**row, "data-tt-event": "clear"}), "not the event the row shows"),
        (child_jump(row, view_id="nobody"), "no such embedded view"),
        (child_jump(row, which="sideways"), "which must be 'before' or 'after'"),
        ({**child_jump(row), _djust.IDENTITY_KEY: "x"}, "must be an object with seq"),
    ]:
        await live_socket.send(frame)
        (*_, error) = await live_socket.receive_until("error")
        assert says in error["error"] and error["error"].endswith("nothing was restored.")
    assert cart.items == ["tea"]


async def test_a_childs_events_are_checked_against_its_own_class(live_socket):
    from django.urls import reverse

    from tests.support.panel_client import client_for

    await live_socket.mount(SHOP, url="/shop/")
    await live_socket.event("toggle_stock")
    await cart_event(live_socket, "add_item", item="tea")
    client = client_for(live_socket, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "c" * 32
    url = f"{reverse('djdt:ddt_timetravel_check')}?session={live_socket.session_id}&child=cart"

    answer = (await client.post(url, headers={"X-CSRFToken": "c" * 32})).json()

    assert answer["checked"] == 1 and answer["diverged"] == []
    assert 'data-tt-check-outcome="same"' in answer["html"] and "add_item" in answer["html"]


async def test_a_page_view_that_records_nothing_still_points_at_its_children(live_socket):
    await live_socket.mount("tests.support.live_views.QuietShopView", url="/quiet/")
    await cart_event(live_socket, "add_item", item="tea")

    page = await panel_get(live_socket, "timeline")

    assert "time travel off" in page.content.decode()
    assert "Its embedded views are listed above" in page.content.decode()
    assert picks(page) == [
        ("", "tests.support.live_views.QuietShopView records nothing"),
        ("cart", f"{CART} 1 event"),
    ]
    child = await panel_get(live_socket, "timeline", child="cart")
    assert child.content.decode().count('data-tt-event="add_item"') == 1


async def test_a_child_is_restored_under_a_page_view_that_records_nothing(live_socket):
    await live_socket.mount("tests.support.live_views.QuietShopView", url="/quiet/")
    await cart_event(live_socket, "add_item", item="tea")
    await cart_event(live_socket, "add_item", item="cake")
    first = child_rows(await panel_get(live_socket, "timeline", child="cart"))[1]

    await live_socket.send(child_jump(first, which="before"))
    frames = await live_socket.receive_until("time_travel_state")

    assert frames[-1][_djust.IDENTITY_KEY]["child"] == "cart"
    assert live_socket.view._get_all_child_views()["cart"].items == []
