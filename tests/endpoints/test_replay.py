"""Forward replay through djust's real consumer, and how the panel shows it."""

from __future__ import annotations

import json

import html5lib
import pytest

from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"


async def timeline(live, **params):
    response = await panel_get(live, "timeline", **params)
    assert response.status_code == 200, response.content
    return response


def rows(response):
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [li for li in document.iter("li") if "data-tt-seq" in li.attrib]


async def replay(live, from_index, override_params=None):
    frame = {"type": "forward_replay", "from_index": from_index}
    if override_params is not None:
        frame["override_params"] = override_params
    await live.send(frame)
    return await live.receive_until("time_travel_state", "error")


async def test_replay_with_override_params_branches_and_is_marked(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("add", amount=5)
    await live_socket.event("add", amount=5)

    frames = await replay(live_socket, 0, {"amount": 100})

    assert frames[-1]["type"] == "time_travel_state"
    assert frames[-1]["branch_id"] == "branch-0"
    assert live_socket.view.count == 100
    response = await timeline(live_socket)
    newest = rows(response)[0]
    assert newest.attrib["data-tt-seq"] == "3"
    assert "replay of #1" in "".join(newest.itertext())
    assert "branch <code>branch-0</code>" in response.text
    assert all("replay of" not in "".join(r.itertext()) for r in rows(response)[1:])


async def test_replay_without_override_reuses_recorded_params(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)

    frames = await replay(live_socket, 1)

    assert frames[-1]["type"] == "time_travel_state"
    assert live_socket.view.count == 6  # from count 1, add 5 again
    assert "replay of #2" in "".join(rows(await timeline(live_socket))[0].itertext())


async def test_replay_of_a_raising_handler_records_the_error(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("explode")

    await replay(live_socket, 0)

    newest = rows(await timeline(live_socket))[0]
    assert "Explode was clicked" in "".join(newest.itertext())
    assert "replay of #1" in "".join(newest.itertext())


@pytest.mark.parametrize(
    "frame, message",
    [
        ({"from_index": 9}, "no snapshot at index 9"),
        ({"from_index": "0"}, "from_index must be int"),
        ({"from_index": 0, "override_params": [1]}, "override_params must be dict"),
    ],
)
async def test_djust_refusals_come_back_as_error_frames(live_socket, frame, message):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("add", amount=5)

    await live_socket.send({"type": "forward_replay", **frame})
    frames = await live_socket.receive_until("error", "time_travel_state")
    errors = [f for f in frames if f["type"] == "error"]

    assert errors and message in errors[0]["error"], frames
    assert live_socket.view.count == 5


@pytest.mark.parametrize("handler", ["mount", "no_such_handler"])
async def test_replay_of_a_non_handler_is_refused(live_socket, handler):
    from djust.time_travel import EventSnapshot

    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    # A recorded event whose handler is gone or was never an @event_handler.
    live_socket.view._time_travel_buffer.append(
        EventSnapshot(event_name=handler, params={}, ref=9, ts=0.0, state_before={"count": 7})
    )

    frames = await replay(live_socket, 1)

    assert frames[-1]["type"] == "error"
    assert "replay handler missing or refused" in frames[-1]["error"]
    assert live_socket.view.count == 1


async def test_masked_params_are_flagged_in_the_replay_editor(live_socket):
    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-123456")

    response = await panel_get(live_socket, "replay", seq=1)

    assert response.status_code == 200, response.content
    assert "type a new value in place of each" in response.text
    assert "pw-123456" not in response.text
    assert json.loads(editor_text(response))["username"] == "ada"


def editor_text(response) -> str:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    (form,) = [node for node in document.iter("form") if "data-djtt-replay" in node.attrib]
    (textarea,) = form.iter("textarea")
    return textarea.text or ""


async def test_the_replay_editor_comes_on_demand_with_the_recorded_params(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("add", amount=5)
    await live_socket.event("increment")

    listed = await timeline(live_socket)
    editor = await panel_get(live_socket, "replay", seq=1)
    bare = await panel_get(live_socket, "replay", seq=2)

    assert "data-djtt-replay-open" in listed.text  # each row has its Replay button...
    assert "<textarea" not in listed.text  # ...and no editor until it is pressed
    assert json.loads(editor_text(editor))["amount"] == 5
    assert "type a new value" not in editor.text
    assert json.loads(editor_text(bare)).get("amount") is None


@pytest.mark.parametrize(
    ("seq", "status", "message"),
    [("", 400, "'seq' parameter is required"), ("x", 400, "whole number"), ("9", 404, "#9")],
)
async def test_a_replay_editor_for_a_bad_or_missing_event_is_refused(
    live_socket, seq, status, message
):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    response = await panel_get(live_socket, "replay", seq=seq)

    assert response.status_code == status
    assert message in response.text
    assert "<form" not in response.text
