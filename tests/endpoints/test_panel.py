"""The panel's endpoints against djust's real consumer: rows, refresh, locate, restore."""

from __future__ import annotations

import uuid

import html5lib
import pytest
from django.test import AsyncClient
from django.urls import reverse

from tests.support.panel_client import client_for

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"


async def get_timeline(live, **params):
    query = {"session": live.session_id, **params}
    return await client_for(live).get(reverse("djdt:ddt_timetravel_timeline"), query)


async def get_locate(live, seq):
    query = {"session": live.session_id, "seq": seq}
    return await client_for(live).get(reverse("djdt:ddt_timetravel_locate"), query)


def rows_of(response) -> list[dict[str, str]]:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [dict(row.attrib) for row in document.iter("li") if "data-tt-seq" in row.attrib]


async def test_timeline_lists_recorded_events_newest_first(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")

    response = await get_timeline(live_socket)

    assert response.status_code == 200
    rows = rows_of(response)
    assert [(r["data-tt-seq"], r["data-tt-index"], r["data-tt-event"]) for r in rows] == [
        ("3", "2", "increment"),
        ("2", "1", "increment"),
        ("1", "0", "increment"),
    ]
    text = response.content.decode()
    assert "demo_app.views.CounterView" in text
    assert "3 / 100 events" in text
    assert "count: 2 → 3" in text
    assert 'data-djtt-head-seq="1"' in text and 'data-djtt-last-seq="3"' in text


async def test_refresh_sends_only_new_rows(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")
    await get_timeline(live_socket)

    assert rows_of(await get_timeline(live_socket, after=3)) == []
    await live_socket.event("add", amount=5)
    rows = rows_of(await get_timeline(live_socket, after=3))

    assert [(r["data-tt-seq"], r["data-tt-event"]) for r in rows] == [("4", "add")]


async def test_error_rows_show_the_handler_error(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("explode")

    response = await get_timeline(live_socket)

    assert [r["data-tt-event"] for r in rows_of(response)] == ["explode"]
    assert "Explode was clicked: this handler always raises" in response.content.decode()


async def test_viewing_marks_the_header(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    assert "Viewing #1 (before)" in (await get_timeline(live_socket, viewing="1:before")).text
    assert "Live" in (await get_timeline(live_socket)).text


async def test_locate_then_jump_restores_that_event(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")
    await get_timeline(live_socket)

    located = await get_locate(live_socket, 1)
    assert located.status_code == 200
    await live_socket.send(
        {"type": "time_travel_jump", "index": located.json()["index"], "which": "before"}
    )
    frames = await live_socket.receive_until("time_travel_state")

    assert frames[-1]["cursor"] == 0
    assert live_socket.view.count == 0


async def test_click_restores_the_row_shown_after_eviction(live_socket, small_buffer):
    await live_socket.mount(COUNTER, "/counter/")
    assert live_socket.view._time_travel_buffer.max_events == small_buffer
    for _ in range(5):
        await live_socket.event("increment")
    first_rows = rows_of(await get_timeline(live_socket))
    assert [r["data-tt-seq"] for r in first_rows] == ["5", "4", "3", "2", "1"]
    last = 5
    for _ in range(7):  # the open panel refreshes after each pushed event
        await live_socket.event("increment")
        rows = rows_of(await get_timeline(live_socket, after=last))
        last = int(rows[0]["data-tt-seq"])
    assert last == 12

    located = await get_locate(live_socket, 10)
    assert located.json() == {"seq": 10, "index": 2, "length": 5}
    await live_socket.send({"type": "time_travel_jump", "index": 2, "which": "after"})
    await live_socket.receive_until("time_travel_state")
    assert live_socket.view.count == 10

    evicted = await get_locate(live_socket, 3)
    assert evicted.status_code == 404
    assert "no longer held" in evicted.json()["error"]


async def test_view_without_time_travel_says_how_to_enable_it(live_socket):
    await live_socket.mount("tests.support.live_views.NoTimeTravelView", "/plain/")

    response = await get_timeline(live_socket)

    assert response.status_code == 200
    assert "time_travel_enabled = True" in response.text
    assert rows_of(response) == []
    located = await get_locate(live_socket, 1)
    assert located.status_code == 404


async def test_another_browser_gets_404_and_nothing(open_live_socket):
    owner = await open_live_socket()
    stranger = await open_live_socket()
    await owner.mount(COUNTER, "/counter/")
    await owner.event("increment")

    client = AsyncClient()
    client.cookies["sessionid"] = stranger.django_session_key
    for name, extra in (("timeline", {}), ("locate", {"seq": 1})):
        response = await client.get(
            reverse(f"djdt:ddt_timetravel_{name}"), {"session": owner.session_id, **extra}
        )
        assert response.status_code == 404
        assert "increment" not in response.content.decode()
        assert "No live view of this browser" in response.content.decode()
    assert owner.view.count == 1


async def test_a_closed_socket_is_not_found(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.close()

    response = await get_timeline(live_socket)

    assert response.status_code == 404
    assert "the socket closed" in response.text


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "'session' parameter is required"),
        ({"session": "not-a-uuid"}, "must be a djust socket session id"),
        ({"session": "SESSION", "after": "-1"}, "'after' parameter must be a whole number"),
        ({"session": "SESSION", "after": "abc"}, "'after' parameter must be a whole number"),
        ({"session": "SESSION", "after": "9" * 30}, "'after' parameter must be a whole number"),
        ({"session": "SESSION", "viewing": "x"}, "'viewing' parameter must look like"),
        ({"session": "SESSION", "viewing": "1:sideways"}, "'viewing' parameter must look like"),
    ],
)
async def test_malformed_timeline_queries_get_400_and_change_nothing(live_socket, params, message):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    query = {k: (live_socket.session_id if v == "SESSION" else v) for k, v in params.items()}

    response = await client_for(live_socket).get(reverse("djdt:ddt_timetravel_timeline"), query)

    assert response.status_code == 400
    assert message in response.text
    assert live_socket.view.count == 1
    assert len(live_socket.view._time_travel_buffer) == 1


@pytest.mark.parametrize("seq", ["", "x", "-2", "1.5"])
async def test_malformed_locate_queries_get_400(live_socket, seq):
    await live_socket.mount(COUNTER, "/counter/")
    response = await get_locate(live_socket, seq)
    assert response.status_code == 400
    assert "'seq' parameter" in response.json()["error"]


async def test_made_up_session_is_not_found(live_socket):
    client = client_for(live_socket)
    response = await client.get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": str(uuid.uuid4())}
    )
    assert response.status_code == 404


async def test_endpoints_only_answer_get(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    response = await client_for(live_socket).post(
        reverse("djdt:ddt_timetravel_timeline") + f"?session={live_socket.session_id}"
    )
    assert response.status_code == 405
