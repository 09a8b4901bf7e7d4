"""Restore and replay act on the event the row shows, checked where djust applies the frame.

Frames are sent the way the panel sends them (djust's own frame plus the row's
``ddt_event`` identity) through djust's real consumer. Events that evict are
sent right before the jump or replay without waiting for their answers: the
consumer handles frames one at a time, in order, so the events are applied
between the panel's look at the row and djust's apply, deterministically.
"""

from __future__ import annotations

import html5lib
import pytest

from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
COMPONENTS = "demo_app.views.ComponentsView"


async def timeline(live, **params):
    response = await panel_get(live, "timeline", **params)
    assert response.status_code == 200, response.content
    return response


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


async def rows(live) -> dict[int, dict[str, str]]:
    """The panel's rows by event number, with their attributes."""
    document = parse(await timeline(live))
    return {int(li.attrib["data-tt-seq"]): dict(li.attrib) for li in document.iter("li")}


def identity(row: dict[str, str]) -> dict:
    """The ``ddt_event`` panel.js sends for a row."""
    ref = row.get("data-tt-ref")
    return {
        "seq": int(row["data-tt-seq"]),
        "ts": float(row["data-tt-ts"]),
        "event": row["data-tt-event"],
        "ref": None if ref is None else int(ref),
    }


def header(response) -> str:
    document = parse(response)
    return "".join(next(e for e in document.iter() if "data-djtt-viewing" in e.attrib).itertext())


def fragment(response) -> dict[str, str]:
    return dict(next(e for e in parse(response).iter() if "data-djtt-fragment" in e.attrib).attrib)


def event_frame(name: str, ref: int, **params) -> dict:
    return {"type": "event", "event": name, "params": params, "ref": ref}


async def send_behind_events(live, events: list[dict], frame: dict) -> list[dict]:
    """Send ``events`` and then ``frame`` back to back; the frames up to its answer."""
    for event in events:
        await live.send(event)
    await live.send(frame)
    got = await live.receive_until("time_travel_state", "error")
    while got[-1]["type"] == "error" and got[-1].get("event") not in (
        "time_travel_jump",
        "time_travel_component_jump",
        "forward_replay",
    ):  # an event's own error, not the answer
        got += await live.receive_until("time_travel_state", "error")
    return got + await live.drain(quiet=0.1)


def answer(frames: list[dict]) -> dict:
    return next(f for f in frames if f["type"] in ("time_travel_state", "error"))


async def fill(live, amounts):
    for amount in amounts:
        await live.event("add", amount=amount)


async def test_jump_behind_evicting_events_restores_the_rows_event(live_socket, small_buffer):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2, 4, 8, 16])  # counts 1, 3, 7, 15, 31
    row = (await rows(live_socket))[3]
    assert row["data-tt-index"] == "2"

    evicting = [event_frame("add", 10 + n, amount=100) for n in range(2)]
    frame = {"type": "time_travel_jump", "index": 2, "which": "after", "ddt_event": identity(row)}
    frames = await send_behind_events(live_socket, evicting, frame)

    ack = answer(frames)
    assert ack["type"] == "time_travel_state", frames
    assert ack["cursor"] == 0  # #3 moved from position 2 to 0 while the frame waited
    assert ack["ddt_event"] == {
        "seq": 3,
        "which": "after",
        "component_id": None,
        "serial": 1,
        "live": False,
    }
    assert live_socket.view.count == 7
    response = await timeline(live_socket)
    assert header(response) == "Viewing #3 (after)"
    assert fragment(response)["data-djtt-viewing-seq"] == "3"


async def test_jump_to_a_row_evicted_in_between_is_refused(live_socket, small_buffer):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2, 4, 8, 16])
    row = (await rows(live_socket))[2]

    evicting = [event_frame("add", 10 + n, amount=100) for n in range(4)]
    frame = {"type": "time_travel_jump", "index": 1, "which": "before", "ddt_event": identity(row)}
    frames = await send_behind_events(live_socket, evicting, frame)

    refusal = answer(frames)
    assert refusal == {
        "type": "error",
        "error": "Event #2 was evicted while you clicked; nothing was restored.",
        "event": "time_travel_jump",
    }
    assert live_socket.view.count == 431  # the four events ran; nothing was restored
    assert "time_travel_state" not in [f["type"] for f in frames]
    assert header(await timeline(live_socket)) == "Live"


async def test_replay_behind_evicting_events_replays_the_rows_event(live_socket, small_buffer):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)  # #2: from count 1
    await live_socket.event("increment")
    await live_socket.event("increment")
    row = (await rows(live_socket))[2]

    evicting = [event_frame("increment", 10 + n) for n in range(2)]
    frame = {
        "type": "forward_replay",
        "from_index": 1,  # where #2 was; #3 (an increment) is there when the frame is applied
        "override_params": {"amount": 100},
        "ddt_event": identity(row),
    }
    frames = await send_behind_events(live_socket, evicting, frame)

    ack = answer(frames)
    assert ack["type"] == "time_travel_state", frames
    assert ack["ddt_event"] == {"seq": 7, "replay_of": 2, "serial": 1, "live": True}
    assert live_socket.view.count == 101  # #2's state before (1) plus the edited 100
    newest = (await rows(live_socket))[7]
    assert newest["data-tt-event"] == "add"
    response = await timeline(live_socket)
    assert "replay of #2" in response.text
    assert header(response) == "Live"


async def test_replay_of_a_row_evicted_in_between_is_refused(live_socket, small_buffer):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2, 4, 8, 16])
    row = (await rows(live_socket))[1]

    evicting = [event_frame("increment", 10)]
    frame = {"type": "forward_replay", "from_index": 0, "ddt_event": identity(row)}
    frames = await send_behind_events(live_socket, evicting, frame)

    assert answer(frames)["error"] == (
        "Event #1 was evicted while you clicked; nothing was replayed."
    )
    assert live_socket.view.count == 32
    assert max(await rows(live_socket)) == 6  # no replay was recorded


async def test_a_row_of_the_view_before_a_remount_is_stale(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2])
    stale = (await rows(live_socket))[2]
    await live_socket.mount(COUNTER, "/counter/")  # the socket's view is replaced
    await fill(live_socket, [5, 5])

    for frame in (
        {"type": "time_travel_jump", "index": 1, "which": "after", "ddt_event": identity(stale)},
        {"type": "forward_replay", "from_index": 1, "ddt_event": identity(stale)},
    ):
        await live_socket.send(frame)
        refusal = answer(await live_socket.receive_until("error", "time_travel_state"))
        verb = "replayed" if frame["type"] == "forward_replay" else "restored"
        assert refusal["error"] == (
            "Event #2 of this view is not the event the row shows (was the view mounted "
            f"again?): reload the panel; nothing was {verb}."
        )
    assert live_socket.view.count == 10
    assert len(live_socket.view._time_travel_buffer) == 2


@pytest.mark.parametrize(
    "ddt_event, message",
    [
        ({"seq": 99, "ts": 1.0, "event": "add", "ref": 1}, "No event #99 in this view's history"),
        ({"seq": 0, "ts": 1.0, "event": "add", "ref": 1}, "must be an object with seq, ts"),
        ({"seq": 1, "ts": "now", "event": "add", "ref": 1}, "must be an object with seq, ts"),
        ({"seq": 1, "ts": 1.0, "event": "add", "ref": "1"}, "must be an object with seq, ts"),
        ({"seq": True, "ts": 1.0, "event": "add", "ref": 1}, "must be an object with seq, ts"),
        ({"seq": 1, "ts": 1.0, "event": "add", "ref": 1}, "is not the event the row shows"),
        ([1], "must be an object with seq, ts"),
        (None, "must be an object with seq, ts"),
    ],
)
@pytest.mark.parametrize("frame_type", ["time_travel_jump", "forward_replay"])
async def test_forged_identities_change_nothing(live_socket, ddt_event, message, frame_type):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [3, 4])
    index_key = "from_index" if frame_type == "forward_replay" else "index"

    await live_socket.send({"type": frame_type, index_key: 0, "ddt_event": ddt_event})
    refusal = answer(await live_socket.receive_until("error", "time_travel_state"))

    assert message in refusal["error"]
    assert refusal["error"].endswith(
        "nothing was replayed." if index_key == "from_index" else "nothing was restored."
    )
    assert live_socket.view.count == 7
    assert len(live_socket.view._time_travel_buffer) == 2


async def test_a_socket_without_a_view_says_so(live_socket):
    frame = {"type": "time_travel_jump", "index": 0, "which": "after"}
    frame["ddt_event"] = {"seq": 1, "ts": 1.0, "event": "add", "ref": 1}

    await live_socket.send(frame)
    refusal = answer(await live_socket.receive_until("error"))

    assert refusal["error"] == "The page's view is gone: reload the page; nothing was restored."


async def test_a_view_without_time_travel_says_so(live_socket):
    await live_socket.mount("tests.support.live_views.NoTimeTravelView", "/plain/")
    frame = {"type": "forward_replay", "from_index": 0}
    frame["ddt_event"] = {"seq": 1, "ts": 1.0, "event": "increment", "ref": 1}

    await live_socket.send(frame)
    refusal = answer(await live_socket.receive_until("error"))

    assert refusal["error"] == (
        "Time travel is off for tests.support.live_views.NoTimeTravelView; nothing was replayed."
    )


async def test_djust_frames_without_identity_work_and_are_shown_when_the_panel_opens(
    live_socket,
):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2, 4])

    # djust's own panel sends bare frames: they pass, and the page's state is recorded.
    await live_socket.send({"type": "time_travel_jump", "index": 1, "which": "before"})
    ack = answer(await live_socket.receive_until("time_travel_state"))
    assert ack["cursor"] == 1 and ack["ddt_event"]["seq"] == 2
    assert live_socket.view.count == 1

    first_look = await timeline(live_socket)  # the panel opens only now
    assert header(first_look) == "Viewing #2 (before)"
    assert fragment(first_look)["data-djtt-viewing-which"] == "before"

    await live_socket.event("increment")  # continues from the restored state: live again
    assert header(await timeline(live_socket)) == "Live"
    assert live_socket.view.count == 2


async def test_restoring_the_newest_after_state_is_live(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2])
    row = (await rows(live_socket))[2]

    frame = {"type": "time_travel_jump", "index": 1, "which": "after", "ddt_event": identity(row)}
    await live_socket.send(frame)
    ack = answer(await live_socket.receive_until("time_travel_state"))

    assert ack["ddt_event"]["live"] is True
    assert header(await timeline(live_socket)) == "Live"


async def test_component_restore_names_the_component_not_the_row(live_socket):
    await live_socket.mount(COMPONENTS, "/components/")
    await live_socket.send(event_frame("flip", 1, component_id="lamp"))
    await live_socket.receive_until("patch")
    await live_socket.send(event_frame("increment", 2, component_id="counter"))
    await live_socket.receive_until("patch")
    await live_socket.send(event_frame("flip", 3, component_id="lamp"))
    await live_socket.receive_until("patch")
    row = (await rows(live_socket))[1]

    frame = {
        "type": "time_travel_component_jump",
        "index": 0,
        "component_id": "lamp",
        "which": "before",
        "ddt_event": identity(row),
    }
    await live_socket.send(frame)
    ack = answer(await live_socket.receive_until("time_travel_state"))

    assert ack["ddt_event"]["component_id"] == "lamp"
    components = live_socket.view._capture_snapshot_state()["__components__"]
    assert components["lamp"]["on"] is False
    assert components["counter"]["count"] == 1  # the other component kept its live state
    response = await timeline(live_socket)
    assert header(response) == "Component lamp as before #1"
    assert fragment(response)["data-djtt-viewing-component"] == "lamp"


async def test_djust_refusal_after_a_good_identity_records_nothing(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1])
    row = (await rows(live_socket))[1]

    frame = {
        "type": "time_travel_jump",
        "index": 0,
        "which": "sideways",
        "ddt_event": identity(row),
    }
    await live_socket.send(frame)
    refusal = answer(await live_socket.receive_until("error"))

    assert "which must be 'before' or 'after'" in refusal["error"]
    assert header(await timeline(live_socket)) == "Live"


async def test_back_to_live_restores_whichever_event_is_newest_when_applied(
    live_socket, small_buffer
):
    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2])
    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "before"})
    await live_socket.receive_until("time_travel_state")
    assert live_socket.view.count == 0

    later = [event_frame("add", 10 + n, amount=100) for n in range(4)]
    frame = {"type": "time_travel_jump", "index": 1, "which": "after"}
    frame["ddt_event"] = {"newest": True}
    frames = await send_behind_events(live_socket, later, frame)

    ack = answer(frames)
    assert ack["cursor"] == 4 and ack["ddt_event"]["seq"] == 6 and ack["ddt_event"]["live"]
    assert live_socket.view.count == 400
    assert header(await timeline(live_socket)) == "Live"


async def test_back_to_live_without_events_says_the_page_is_live(live_socket):
    await live_socket.mount(COUNTER, "/counter/")

    frame = {"type": "time_travel_jump", "index": 0, "which": "after"}
    frame["ddt_event"] = {"newest": True}
    await live_socket.send(frame)

    assert answer(await live_socket.receive_until("error"))["error"] == (
        "No event is recorded yet: the page is live; nothing was restored."
    )


async def test_a_buffer_that_never_settles_refuses_the_row_and_lets_djust_frames_through(
    live_socket, monkeypatch
):
    from ddt_timetravel.core import numbering

    await live_socket.mount(COUNTER, "/counter/")
    await fill(live_socket, [1, 2])
    row = (await rows(live_socket))[1]
    monkeypatch.setattr(numbering, "_unchanged", lambda *args: False)

    frame = {"type": "time_travel_jump", "index": 0, "which": "after", "ddt_event": identity(row)}
    await live_socket.send(frame)
    refusal = answer(await live_socket.receive_until("error"))
    assert refusal["error"] == (
        "The time-travel buffer kept changing while it was read; try again. Nothing was restored."
    )
    assert live_socket.view.count == 3

    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "after"})
    ack = answer(await live_socket.receive_until("time_travel_state"))
    assert "ddt_event" not in ack
    assert live_socket.view.count == 1
