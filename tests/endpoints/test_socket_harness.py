"""The socket harness against djust's real consumer: events are recorded, jumps restore."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"


async def test_mount_registers_the_view_for_this_browser(live_socket):
    mount = await live_socket.mount(COUNTER, "/counter/")

    assert mount["type"] == "mount"
    view = live_socket.view
    assert type(view).__name__ == "CounterView"
    assert view.count == 0
    assert view._django_session_key == live_socket.django_session_key
    assert view._time_travel_buffer is not None


async def test_events_are_pushed_and_a_jump_restores_the_state(live_socket):
    await live_socket.mount(COUNTER, "/counter/")

    pushed = []
    for _ in range(3):
        frames = await live_socket.event("increment")
        assert frames[-1]["type"] == "patch", frames
        pushed += [f for f in frames if f["type"] == "time_travel_event"]

    assert [f["history_len"] for f in pushed] == [1, 2, 3]
    assert [f["entry"]["event_name"] for f in pushed] == ["increment"] * 3
    assert [f["entry"]["state_before"]["count"] for f in pushed] == [0, 1, 2]
    assert pushed[-1]["entry"]["state_after"]["count"] == 3
    assert live_socket.view.count == 3

    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "before"})
    frames = await live_socket.receive_until("time_travel_state")
    types = [f["type"] for f in frames]

    assert "patch" in types, types
    state = frames[-1]
    assert state["cursor"] == 0
    assert state["which"] == "before"
    assert state["history_len"] == 3
    assert live_socket.view.count == 0


async def test_a_bad_jump_is_refused_with_an_error_frame(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    await live_socket.send({"type": "time_travel_jump", "index": 99, "which": "before"})
    frames = await live_socket.receive_until("error")

    assert "no snapshot at index 99" in frames[-1]["error"]
    assert live_socket.view.count == 1


async def test_two_browsers_get_two_views(open_live_socket):
    first = await open_live_socket()
    second = await open_live_socket()
    await first.mount(COUNTER, "/counter/")
    await second.mount(COUNTER, "/counter/")

    await first.event("increment")

    assert first.session_id != second.session_id
    assert first.django_session_key != second.django_session_key
    assert first.view is not second.view
    assert (first.view.count, second.view.count) == (1, 0)
    assert second.view._django_session_key == second.django_session_key


async def test_a_handler_that_raises_is_recorded_with_its_error(live_socket):
    await live_socket.mount(COUNTER, "/counter/")

    frames = await live_socket.event("explode")

    types = [f["type"] for f in frames]
    assert types[0] == "error", types
    assert "Explode was clicked" in frames[0]["error"]
    pushed = [f for f in frames if f["type"] == "time_travel_event"]
    assert len(pushed) == 1, types
    assert pushed[0]["entry"]["event_name"] == "explode"
    assert "Explode was clicked" in pushed[0]["entry"]["error"]
