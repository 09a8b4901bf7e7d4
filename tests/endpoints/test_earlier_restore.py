"""An earlier session's state restored into the current page, over the real socket."""

from __future__ import annotations

import pytest

from ddt_timetravel import _djust
from ddt_timetravel.recording import earlier
from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN_VIEW = "tests.support.live_views.TokenLengthView"
SECRET = "tok-0123456789abcdef0123456789"
TAB = "tab-1"


@pytest.fixture(autouse=True)
def empty_store():
    earlier.STORE.clear()
    yield
    earlier.STORE.clear()


async def kept_token_session(live) -> earlier.Kept:
    """A TokenLengthView session with two events (a masked token, then its length), kept."""
    await live.mount(TOKEN_VIEW, url="/token/")
    await live.event("set_token", value=SECRET)
    await live.event("measure")
    await panel_get(live, "timeline", tab=TAB)
    await live.communicator.disconnect(code=earlier.GOING_AWAY)
    (kept,) = earlier.STORE.of_all()
    return kept


def restore_frame(kept_id: str, seq: int, which: str = "after") -> dict:
    return {
        "type": "time_travel_jump",
        "index": 0,
        "which": which,
        _djust.EARLIER_KEY: {"id": kept_id, "seq": seq, "which": which},
    }


async def refusal(live, frame: dict) -> str:
    await live.send(frame)
    (*_, error) = await live.receive_until("error")
    assert error["event"] == "time_travel_jump"
    return error["error"]


async def test_a_kept_state_goes_into_the_new_instance_with_its_real_values(
    live_socket, open_live_socket
):
    kept = await kept_token_session(live_socket)
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount(TOKEN_VIEW, url="/token/")
    await again.event("measure")  # the new instance's own history: one event

    await again.send(restore_frame(kept.id, 2))
    frames = await again.receive_until("time_travel_state")

    assert "patch" in [f["type"] for f in frames] or "html_update" in [f["type"] for f in frames]
    ack = frames[-1]
    assert ack[_djust.EARLIER_KEY]["seq"] == 2 and ack[_djust.EARLIER_KEY]["id"] == kept.id
    assert again.view.api_token == SECRET  # the recorded value, never the mask's marker
    assert again.view.token_length == len(SECRET)
    assert len(again.view._time_travel_buffer) == 1  # the page's own history is untouched
    timeline = (await panel_get(again, "timeline")).content.decode()
    assert "Viewing #2 (after) of the earlier session before reload" in timeline
    assert SECRET not in timeline

    await again.event("measure")  # new events continue from the restored state
    assert again.view.token_length == len(SECRET)
    timeline = (await panel_get(again, "timeline")).content.decode()
    assert "of the earlier session" not in timeline


async def test_a_view_of_another_class_refuses_with_the_reason(live_socket, open_live_socket):
    kept = await kept_token_session(live_socket)
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount("demo_app.views.CounterView", url="/counter/")
    await again.event("increment")

    message = await refusal(again, restore_frame(kept.id, 2))

    assert "a state goes back only into a view of its own class" in message
    assert "tests.support.live_views.TokenLengthView" in message
    assert again.view.count == 1
    opened = await panel_get(again, "earlier", id=kept.id)
    assert "Nothing here can be restored into this page" in opened.content.decode()
    assert "Restore this state into the current page</button>" not in opened.content.decode()


async def test_another_browser_cannot_restore_it(live_socket, open_live_socket):
    kept = await kept_token_session(live_socket)
    stranger = await open_live_socket()
    await stranger.mount(TOKEN_VIEW, url="/token/")

    message = await refusal(stranger, restore_frame(kept.id, 2))

    assert "no longer kept for this browser" in message
    assert stranger.view.api_token == ""


@pytest.mark.parametrize(
    "earlier_part",
    [
        "not an object",
        {"id": "not-an-id", "seq": 1},
        {"id": "0" * 32, "seq": 0},
        {"id": "0" * 32, "seq": True},
        {"id": "0" * 32, "seq": 1, "which": "sideways"},
    ],
)
async def test_a_malformed_frame_is_refused_and_changes_nothing(live_socket, earlier_part):
    await live_socket.mount(TOKEN_VIEW, url="/token/")
    await live_socket.event("set_token", value="mine")
    frame = {"type": "time_travel_jump", "index": 0, _djust.EARLIER_KEY: earlier_part}

    message = await refusal(live_socket, frame)

    assert message.endswith("nothing was restored.") and len(message) < 200
    assert live_socket.view.api_token == "mine"


async def test_an_event_the_session_does_not_hold_is_refused(live_socket, open_live_socket):
    kept = await kept_token_session(live_socket)
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount(TOKEN_VIEW, url="/token/")

    assert "holds no event #9" in await refusal(again, restore_frame(kept.id, 9))
    assert "no longer kept" in await refusal(again, restore_frame("f" * 32, 1))


async def test_the_panel_offers_it_with_a_warning_on_the_same_class(live_socket, open_live_socket):
    kept = await kept_token_session(live_socket)
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount(TOKEN_VIEW, url="/token/")

    opened = (await panel_get(again, "earlier", id=kept.id)).content.decode()

    assert opened.count("Restore this state into the current page</button>") == 0
    assert opened.count("data-djtt-earlier-restore=") == 2
    assert "replaces the page's current state" in opened
    assert SECRET not in opened
