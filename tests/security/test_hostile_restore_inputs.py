"""Hostile input to the newer endpoints and frames: embedded children, earlier sessions.

The ``child`` parameter on every endpoint that takes it, an earlier session's
``id``, ``tab`` and ``format``, and the ``ddt_earlier`` and ``ddt_child`` jump
frames over djust's real socket: each malformed value gets a short refusal
that says what was wrong, another browser's earlier session is not there, and
neither the page's view, its child nor any history changes. A state nested too deep
for djust's restore is refused with the limit before djust tries.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse

from ddt_timetravel import _djust
from ddt_timetravel.core import limits
from ddt_timetravel.recording import earlier
from tests.endpoints.test_embedded_views import cart_event
from tests.security.test_hostile_input import DEEP_VIEW, nested
from tests.support.panel_client import panel_get
from tests.support.security import client_for_session

pytestmark = pytest.mark.django_db(transaction=True)

SHOP = "demo_app.embedded.ShopView"
TAB = "tab-1"
#: Every endpoint that reads ``child`` (the import and the check are POSTs).
CHILD_ENDPOINTS = (
    "timeline",
    "locate",
    "diff",
    "state",
    "replay",
    "export",
    "key",
    "watch",
    "charts",
    "earlier",
    "import",
    "check",
)
#: The other parameters, well formed, so that ``child`` is what each endpoint refuses.
WELL_FORMED = {"seq": "1", "keypath": "items", "expr": "len(items) > 1"}
BAD_CHILD_IDS = ("x" * 100_000, "cart\x00", "../cart", "a" * 65, "cart cart", "{}")
BAD_KEPT_IDS = ("x" * 100_000, "\x00" * 32, "9" * 5000, "-1", "1.5", "ABCDEF" + "0" * 26)


@pytest.fixture(autouse=True)
def empty_store():
    earlier.STORE.clear()
    yield
    earlier.STORE.clear()


async def shop_with_cart(live: Any) -> None:
    """A ShopView with one event of its own and two of its embedded cart."""
    await live.mount(SHOP, url="/shop/")
    await live.event("toggle_stock")
    await cart_event(live, "add_item", item="tea")
    await cart_event(live, "add_item", item="cake")


def histories(live: Any) -> tuple[Any, ...]:
    """What must not change: both views' states and both buffers' lengths."""
    cart = _djust.child_views(live.view)["cart"]
    return (
        _djust.captured_state(live.view),
        _djust.captured_state(cart),
        len(live.view._time_travel_buffer),
        len(cart._time_travel_buffer),
    )


async def kept_elsewhere(open_live_socket: Any) -> earlier.Kept:
    """Another browser's ShopView session, kept when its socket closed."""
    other = await open_live_socket()
    await shop_with_cart(other)
    await panel_get(other, "timeline", tab=TAB)
    await other.communicator.disconnect(code=earlier.GOING_AWAY)
    (kept,) = earlier.STORE.of_all()
    return kept


def ask(key: str, name: str, query: dict[str, str]) -> Any:
    """GET (or, for the import and the check, POST) one endpoint as the browser ``key``."""
    client = client_for_session(key)
    url = reverse(f"djdt:ddt_timetravel_{name}")
    if name in ("import", "check"):
        return client.post(f"{url}?{urlencode(query)}", b"{}", content_type="application/json")
    return client.get(url, query)


async def test_a_malformed_child_is_a_short_400_on_every_endpoint(live_socket):
    await shop_with_cart(live_socket)
    before = histories(live_socket)

    def answers() -> list[tuple[str, str, int, str]]:
        found = []
        for name in CHILD_ENDPOINTS:
            for child in BAD_CHILD_IDS:
                query = {**WELL_FORMED, "session": live_socket.session_id, "child": child}
                response = ask(live_socket.django_session_key, name, query)
                found.append((name, child[:8], response.status_code, response.content.decode()))
        return found

    for name, child, status, body in await sync_to_async(answers)():
        assert status == 400, f"{name} child={child!r}: {status} {body[:100]}"
        assert "'child'" in body and len(body) < 200, f"{name} child={child!r}: {body[:100]}"
    assert histories(live_socket) == before


async def test_an_earlier_sessions_id_tab_and_format_are_checked(live_socket, open_live_socket):
    kept = await kept_elsewhere(open_live_socket)
    await shop_with_cart(live_socket)
    key, session = live_socket.django_session_key, live_socket.session_id

    def answers() -> dict[str, Any]:
        return {
            "another browser's": ask(key, "earlier", {"session": session, "id": kept.id}),
            "another browser's, JSON": ask(key, "earlier", {"id": kept.id, "format": "json"}),
            "another browser's, checked": ask(key, "check", {"earlier": kept.id, "begin": "1"}),
            "its listing": ask(key, "earlier", {"tab": TAB}),
            "a hostile tab": ask(key, "earlier", {"tab": "\x00" + "t" * 100_000}),
            **{
                f"id {raw[:8]!r}": ask(key, "earlier", {"session": session, "id": raw})
                for raw in BAD_KEPT_IDS
            },
        }

    got = await sync_to_async(answers)()
    for what in ("another browser's", "another browser's, JSON", "another browser's, checked"):
        assert got[what].status_code == 404, what
        assert "no longer kept" in got[what].content.decode(), what
        assert kept.view_path not in got[what].content.decode(), what
    for what in ("its listing", "a hostile tab"):
        assert got[what].status_code == 200 and kept.id not in got[what].content.decode()
    for raw in BAD_KEPT_IDS:
        refusal = got[f"id {raw[:8]!r}"]
        assert refusal.status_code == 400 and b"32 hexadecimal digits" in refusal.content
        assert len(refusal.content) < 200
    own = await open_live_socket(session_key=key)  # the owner itself: a bad format is a 400
    await own.mount(SHOP, url="/shop/")
    await own.event("toggle_stock")  # a session without events is not kept
    await panel_get(own, "timeline", tab=TAB)
    await own.communicator.disconnect(code=earlier.GOING_AWAY)
    (mine,) = [k for k in earlier.STORE.of_all() if k.id != kept.id]
    for kind in ("PYTEST", "json\x00", "x" * 100_000):
        response = await panel_get(live_socket, "earlier", id=mine.id, format=kind)
        assert response.status_code == 400 and b"'format'" in response.content


def jump(**keys: Any) -> dict[str, Any]:
    return {"type": "time_travel_jump", "index": 0, "which": "after", **keys}


EARLIER_SHAPE = "ddt_earlier must be an object with an earlier session's id"
HOSTILE_FRAMES = [
    *[
        (jump(ddt_earlier=value), EARLIER_SHAPE)
        for value in (
            None,
            "x",
            [1],
            nested(60),
            {"id": "0" * 32},
            {"id": "0" * 32, "seq": 2**64},
            {"id": "0" * 32, "seq": 1.0},
            {"id": "0" * 32, "seq": True},
            {"id": "0" * 32, "seq": -1},
            {"id": "0" * 32, "seq": 1, "which": ["after"]},
            {"id": "0" * 32, "seq": 1, "which": "\ud800"},
            {"id": "A" * 32, "seq": 1},
            {"id": "0" * 32 + "\x00", "seq": 1},
            {"id": {"id": "0" * 32}, "seq": 1},
        )
    ],
    *[
        (jump(ddt_child=value), "The page has no such embedded view any more")
        for value in (None, 1, [], {}, ["cart"], "cart\x00", "\ud800", nested(60))
    ],
    *[
        (jump(ddt_child="cart", ddt_event=value), "The row's identity (ddt_event) must be")
        for value in (
            None,
            [],
            {"newest": "yes"},
            {"seq": 1},
            {"seq": 1, "ts": float("inf"), "event": "add_item", "ref": None},
            {"seq": 2**64, "ts": 1, "event": "add_item", "ref": None},
            {"seq": 1, "ts": 1, "event": ["add_item"], "ref": None},
            {"seq": 1, "ts": 1, "event": "add_item", "ref": "1"},
            nested(60),
        )
    ],
    *[
        (jump(ddt_child="cart", which=value, ddt_event={"newest": True}), "which must be")
        for value in (None, 1, [], "sideways", "\x00")
    ],
]


@pytest.mark.parametrize(("frame", "refusal"), HOSTILE_FRAMES)
async def test_a_hostile_restore_frame_is_refused_and_changes_nothing(live_socket, frame, refusal):
    await shop_with_cart(live_socket)
    before = histories(live_socket)

    await live_socket.send(frame)
    (*_, error) = await live_socket.receive_until("error")

    assert error["event"] == "time_travel_jump"
    assert error["error"].startswith(refusal) and len(error["error"]) < 200
    assert histories(live_socket) == before
    await live_socket.event("toggle_stock")  # the socket goes on
    assert len(live_socket.view._time_travel_buffer) == before[2] + 1


async def test_another_browsers_earlier_state_is_not_restored(live_socket, open_live_socket):
    kept = await kept_elsewhere(open_live_socket)
    await shop_with_cart(live_socket)
    before = histories(live_socket)

    await live_socket.send(jump(ddt_earlier={"id": kept.id, "seq": 1, "which": "after"}))
    (*_, error) = await live_socket.receive_until("error")

    assert error["error"].startswith("That earlier session is no longer kept for this browser")
    assert histories(live_socket) == before


async def test_a_state_too_deep_to_restore_is_refused_with_the_limit(
    live_socket, open_live_socket, caplog
):
    caplog.set_level(logging.ERROR)
    await live_socket.mount(DEEP_VIEW, "/deep/")
    await live_socket.event("put", value=nested(600))
    await live_socket.event("put", value=1)
    await panel_get(live_socket, "timeline", tab=TAB)
    caplog.clear()  # djust's push of the deep event itself logs; restoring must not
    own = jump()  # djust's own frame: index 0 of this view's buffer, the deep one

    refused = [await refusal_of(live_socket, own)]
    assert live_socket.view.kind == "int"  # nothing was restored
    await live_socket.communicator.disconnect(code=earlier.GOING_AWAY)
    (kept,) = earlier.STORE.of_all()
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount(DEEP_VIEW, "/deep/")
    await again.event("put", value=1)
    refused.append(await refusal_of(again, jump(ddt_earlier={"id": kept.id, "seq": 1})))

    assert refused == [f"Event #1 is nested more than {limits.MAX_DEPTH} levels deep"] * 2
    assert again.view.kind == "int"
    assert [r.getMessage() for r in caplog.records if r.name.startswith("djust")] == []


async def refusal_of(live: Any, frame: dict[str, Any]) -> str:
    """The first sentence of the error frame ``frame`` is answered with."""
    await live.send(frame)
    (*_, error) = await live.receive_until("error")
    return error["error"].split(":")[0]


async def test_an_embedded_views_state_too_deep_to_restore_is_refused(live_socket):
    await live_socket.mount("tests.support.live_views.DeepParentView", url="/deep-parent/")
    for value in (nested(600), 1):
        live_socket._ref += 1
        params = {"value": value, "view_id": "deep"}
        await live_socket.send(
            {"type": "event", "event": "put", "params": params, "ref": live_socket._ref}
        )
        await live_socket.receive_until("embedded_update", "error")
    child = _djust.child_views(live_socket.view)["deep"]
    snapshot = child._time_travel_buffer.jump(0)
    row = {"seq": 1, "ts": snapshot.ts, "event": snapshot.event_name, "ref": snapshot.ref}

    refusal = await refusal_of(live_socket, jump(ddt_child="deep", ddt_event=row))

    assert refusal == f"Event #1 is nested more than {limits.MAX_DEPTH} levels deep"
    assert child.kind == "int"  # nothing was restored
