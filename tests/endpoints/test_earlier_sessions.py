"""Earlier sessions: a view's last timeline kept when its socket goes away, per browser."""

from __future__ import annotations

import json

import html5lib
import pytest
from django.test import override_settings

from ddt_timetravel.recording import earlier
from tests.support.panel_client import client_for, panel_get

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
PROFILE = "demo_app.views.ProfileView"
TAB = "tab-1"
PASSWORD = "correct-horse-battery-staple-7"


@pytest.fixture(autouse=True)
def empty_store():
    earlier.STORE.clear()
    yield
    earlier.STORE.clear()


def kept_ids(response) -> list[str]:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [
        b.attrib["data-djtt-earlier"]
        for b in document.iter("button")
        if "data-djtt-earlier" in b.attrib
    ]


async def earlier_get(live, **params):
    from django.urls import reverse

    return await client_for(live).get(reverse("djdt:ddt_timetravel_earlier"), params)


async def counted(live, clicks: int, tab: str = TAB) -> None:
    await live.mount(COUNTER, url="/counter/")
    for _ in range(clicks):
        await live.event("increment")
    assert (await panel_get(live, "timeline", tab=tab)).status_code == 200


async def test_a_reload_keeps_the_tabs_last_timeline_read_only(live_socket, open_live_socket):
    await counted(live_socket, 3)
    await live_socket.communicator.disconnect(code=earlier.GOING_AWAY)
    again = await open_live_socket(session_key=live_socket.django_session_key)
    await again.mount(COUNTER, url="/counter/")

    listing = await earlier_get(again, tab=TAB)
    assert listing.status_code == 200
    assert "before reload" in listing.content.decode()
    (kept_id,) = kept_ids(listing)
    opened = await earlier_get(again, tab=TAB, id=kept_id)
    text = opened.content.decode()
    assert opened.status_code == 200 and "Earlier session, read-only" in text
    assert text.count('data-tt-event="increment"') == 3
    filtered = await earlier_get(again, id=kept_id, q="no-such-text")
    assert filtered.content.decode().count("data-tt-event=") == 0

    exported = json.loads((await earlier_get(again, id=kept_id, format="json")).content)
    assert exported["view"] == COUNTER and len(exported["events"]) == 3
    as_test = (await earlier_get(again, id=kept_id, format="pytest")).content.decode()
    assert "def test_counter_view" in as_test


async def test_another_tab_and_another_browser_see_none_of_it(live_socket, open_live_socket):
    await counted(live_socket, 1)
    await live_socket.close()
    (kept_id,) = kept_ids(await earlier_get(live_socket, tab=TAB))
    assert kept_ids(await earlier_get(live_socket, tab="tab-2")) == []

    stranger = await open_live_socket()
    await stranger.mount(COUNTER, url="/counter/")
    assert kept_ids(await earlier_get(stranger, tab=TAB)) == []
    response = await earlier_get(stranger, id=kept_id)
    assert response.status_code == 404
    assert b"increment" not in response.content
    for kind in ("json", "pytest"):
        assert (await earlier_get(stranger, id=kept_id, format=kind)).status_code == 404


async def test_kept_sessions_are_masked(live_socket):
    await live_socket.mount(PROFILE, url="/profile/")
    await live_socket.event("save", username="ada", email="a@example.com", password=PASSWORD)
    await panel_get(live_socket, "timeline", tab=TAB)
    await live_socket.close()
    (kept,) = earlier.STORE.of_all()
    assert PASSWORD.encode() not in kept.document
    assert b"ada" in kept.document


async def test_sessions_and_bytes_are_bounded_per_browser(open_live_socket):
    first = await open_live_socket()
    with override_settings(DDT_TIMETRAVEL={"EARLIER_SESSIONS": 2}):
        for clicks in (1, 2, 3):
            live = await open_live_socket(session_key=first.django_session_key)
            await counted(live, clicks)
            await live.close()
        kept = earlier.sessions_for_owner(first.django_session_key)
        assert [k.events for k in kept] == [3, 2]  # newest first, the oldest dropped
    one_session = len(kept[0].document)
    with override_settings(DDT_TIMETRAVEL={"EARLIER_SESSIONS_MAX_BYTES": one_session + 10}):
        live = await open_live_socket(session_key=first.django_session_key)
        await counted(live, 3)
        await live.close()
        assert len(earlier.sessions_for_owner(first.django_session_key)) == 1


@pytest.mark.parametrize(
    "settings",
    [
        {"DEBUG": False},
        {
            "DEBUG_TOOLBAR_CONFIG": {
                "IS_RUNNING_TESTS": False,
                "DISABLE_PANELS": {"ddt_timetravel.panels.TimeTravelPanel"},
            }
        },
        {"DDT_TIMETRAVEL": {"EARLIER_SESSIONS": 0}},
    ],
)
async def test_nothing_is_kept_where_the_panel_does_not_show(live_socket, settings):
    await counted(live_socket, 2)
    with override_settings(**settings):
        await live_socket.close()
    assert earlier.STORE.of_all() == []


async def test_a_view_that_records_nothing_is_not_kept(live_socket):
    await live_socket.mount("tests.support.live_views.NoTimeTravelView", url="/plain/")
    await live_socket.close()
    assert earlier.STORE.of_all() == []


async def test_a_bad_id_or_format_gets_a_clear_answer(live_socket):
    await counted(live_socket, 1)
    gone = await earlier_get(live_socket, id="0" * 32)
    assert gone.status_code == 404 and b"no longer kept" in gone.content
    await live_socket.close()
    (kept_id,) = kept_ids(await earlier_get(live_socket, tab=TAB))
    bad = await earlier_get(live_socket, id=kept_id, format="xml")
    assert bad.status_code == 400
    malformed = await earlier_get(live_socket, id="../../etc")
    assert malformed.status_code == 400 and len(malformed.content) < 80


async def test_a_live_redirect_keeps_the_view_it_leaves(live_socket):
    await counted(live_socket, 2)
    await live_socket.send(
        {"type": "live_redirect_mount", "view": "demo_app.views.TodosView", "url": "/todos/"}
    )
    await live_socket.receive_until("mount")
    listing = (await earlier_get(live_socket, tab=TAB)).content.decode()
    assert "before redirect from /counter/" in listing
    assert "demo_app.views.CounterView" in listing


CSRF = "b" * 32
TOKEN_VIEW = "tests.support.live_views.TokenLengthView"
SECRET_TOKEN = "tok-0123456789abcdef0123456789"


async def check_earlier(live, kept_id: str, csrf: bool = True, **params):
    """One chunk of "Check against current code" on an earlier session, as check.js asks."""
    from django.urls import reverse

    client = client_for(live, enforce_csrf_checks=True)
    headers = {}
    if csrf:
        client.cookies["csrftoken"] = CSRF
        headers["X-CSRFToken"] = CSRF
    query = "&".join(f"{k}={v}" for k, v in {"earlier": kept_id, **params}.items())
    return await client.post(f"{reverse('djdt:ddt_timetravel_check')}?{query}", headers=headers)


async def test_an_earlier_session_is_checked_from_its_recorded_unmasked_states(
    live_socket, open_live_socket
):
    await live_socket.mount(TOKEN_VIEW, url="/token/")
    await live_socket.event("set_token", value=SECRET_TOKEN)
    await live_socket.event("measure")
    await panel_get(live_socket, "timeline", tab=TAB)
    await live_socket.close()
    (kept,) = earlier.STORE.of_all()
    assert SECRET_TOKEN.encode() not in kept.document  # what is shown stays masked

    answer = await check_earlier(live_socket, kept.id, begin=1)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # #2 ran from the real token (a masked one would measure the marker's length).
    assert body["checked"] == 2 and body["diverged"] == []
    assert SECRET_TOKEN not in body["html"]

    stranger = await open_live_socket()
    assert (await check_earlier(stranger, kept.id)).status_code == 404
    assert (await check_earlier(live_socket, kept.id, csrf=False)).status_code == 403
    reversed_range = await check_earlier(live_socket, kept.id, **{"from": 2, "to": 1})
    assert reversed_range.status_code == 400
    assert (await check_earlier(live_socket, "not-an-id")).status_code == 400
    assert (await check_earlier(live_socket, "0" * 32)).status_code == 404


async def test_the_unmasked_states_count_against_the_byte_budget(live_socket):
    await counted(live_socket, 3)
    await live_socket.close()
    (kept,) = earlier.STORE.of_all()
    assert kept.recorded and kept.size == len(kept.document) + len(kept.recorded)
    assert earlier.STORE.bytes_held() == kept.size
    assert [e.seq for e in kept.recorded_entries()] == [1, 2, 3]


async def test_a_session_with_lone_surrogates_is_kept_shown_replaced_and_recorded_exactly(
    live_socket,
):
    lone = "a\ud800b"
    await live_socket.mount("tests.support.live_views.HostileView", url="/hostile/")
    await live_socket.event("store", key="k", value=lone)
    await panel_get(live_socket, "timeline", tab=TAB)
    await live_socket.close()
    (kept,) = earlier.STORE.of_all()
    (recorded,) = kept.recorded_entries()
    assert recorded.snapshot.state_after["data"] == {"k": lone}  # what a check runs from

    opened = await earlier_get(live_socket, tab=TAB, id=kept.id)
    assert opened.status_code == 200 and "a\ufffdb" in opened.content.decode()
    exported = json.loads((await earlier_get(live_socket, id=kept.id, format="json")).content)
    assert exported["events"][0]["params"]["value"] == "a\ufffdb"
