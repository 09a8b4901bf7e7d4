""" "Check against current code": each event run again from its recorded before-state,
contained, over the panel's CSRF-protected endpoint."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.urls import reverse
from djust.decorators import event_handler

from demo_app.views import CounterView
from tests.support.panel_client import client_for

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
TOKEN = "a" * 32


async def ask(live, csrf: bool = True, **params):
    client = client_for(live, enforce_csrf_checks=True)
    headers = {}
    if csrf:
        client.cookies["csrftoken"] = TOKEN
        headers["X-CSRFToken"] = TOKEN
    query = "&".join(f"{k}={v}" for k, v in {"session": live.session_id, **params}.items())
    return await client.post(f"{reverse('djdt:ddt_timetravel_check')}?{query}", headers=headers)


async def check_all(live, **params):
    """Ask chunk after chunk, as the panel does; every answer's JSON."""
    answers, start = [], params.pop("from", 1)
    while start is not None:
        response = await ask(live, **{"from": start, **params})
        assert response.status_code == 200, response.content
        answers.append(response.json())
        start = answers[-1]["next"]
    return answers


async def test_the_same_code_gives_the_same_states(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)
    await live_socket.event("explode")

    [answer] = await check_all(live_socket)

    assert answer["checked"] == 3 and answer["remaining"] == 0 and answer["diverged"] == []
    assert answer["html"].count('data-tt-check-outcome="same"') == 3
    assert "outbound HTTP" in answer["not_contained"]


async def test_a_changed_handler_is_the_first_divergence_with_its_key_path(
    live_socket, monkeypatch
):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)
    await live_socket.event("add", amount=2)

    @event_handler()
    def add(self, amount: int = 1, **kwargs):
        self.count += int(amount) * 2

    monkeypatch.setattr(CounterView, "add", add)
    [answer] = await check_all(live_socket)

    assert answer["diverged"] == [2, 3]
    assert 'data-tt-check-seq="1" data-tt-check-outcome="same"' in answer["html"]
    assert "count differs from the recording." in answer["html"]
    assert (
        '<tr data-tt-check-path="count"><td><code>count</code></td><td><code>6</code></td>'
        in (answer["html"])
    )
    assert "<code>11</code>" in answer["html"]  # 1 + 5 * 2, from the recorded count 1


async def test_long_ranges_come_in_chunks(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(7):
        await live_socket.event("increment")

    first, second = await check_all(live_socket)

    assert (first["checked"], first["remaining"], first["next"]) == (5, 2, 6)
    assert (second["checked"], second["remaining"], second["next"]) == (2, 0, None)
    only = (await ask(live_socket, **{"from": 3, "to": 4})).json()
    assert only["checked"] == 2 and only["next"] is None


async def test_a_side_effect_quoting_a_secret_of_the_event_is_masked(live_socket):
    await live_socket.mount("tests.support.live_views.SideEffectsView", "/effects/")
    await live_socket.event(
        "notify", to="grace@example.com", subject="Your code tok-93817", reset_token="tok-93817"
    )

    [answer] = await check_all(live_socket)

    assert "would have sent 1 email to grace@example.com" in answer["html"]
    assert "tok-93817" not in answer["html"]


async def test_side_effects_are_contained_and_listed(live_socket):
    from channels.layers import get_channel_layer
    from django.contrib.auth.models import User
    from django.core import mail

    await live_socket.mount("tests.support.live_views.SideEffectsView", "/effects/")
    await live_socket.event("notify", to="grace@example.com")
    users = await sync_to_async(User.objects.count)()
    layer = get_channel_layer()
    listener = await layer.new_channel()
    await layer.group_add("djust_view_tests_support_live_views_NoTimeTravelView", listener)
    outbox = list(getattr(mail, "outbox", []))

    [answer] = await check_all(live_socket)

    assert answer["diverged"] == [], answer["html"]
    assert "would have sent 1 email to grace@example.com (Hello)" in answer["html"]
    assert "would have pushed event &#x27;flash&#x27; to the page" in answer["html"]
    broadcast = "would have broadcast server_push to djust_view_tests_support_live_views_"
    assert broadcast in answer["html"]
    assert await sync_to_async(User.objects.count)() == users
    assert list(getattr(mail, "outbox", [])) == outbox
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(layer.receive(listener), timeout=0.3)


async def test_only_a_post_with_the_csrf_token_runs_it(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    url = reverse("djdt:ddt_timetravel_check") + f"?session={live_socket.session_id}"

    assert (await ask(live_socket, csrf=False)).status_code == 403
    assert (await client_for(live_socket).get(url)).status_code == 405


async def test_another_browser_cannot_check_this_view(live_socket, open_live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    stranger = await open_live_socket()
    stranger.session_id = live_socket.session_id  # knows the id, not the session

    response = await ask(stranger)

    assert response.status_code == 404


async def test_bad_input_gets_a_clear_message(live_socket, monkeypatch):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    empty = await ask(live_socket, **{"from": 9})
    assert empty.status_code == 404 and "No held event" in empty.json()["error"]
    reversed_range = await ask(live_socket, **{"from": 2, "to": 1})
    assert reversed_range.status_code == 400

    monkeypatch.delattr(CounterView, "increment")
    [removed] = await check_all(live_socket)
    assert removed["diverged"] == [1]
    assert "CounterView has no handler &#x27;increment&#x27; any more." in removed["html"]


async def test_a_handler_that_raises_now_is_a_divergence(live_socket, monkeypatch):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    @event_handler()
    def increment(self, **kwargs):
        raise ValueError("broken on purpose")

    monkeypatch.setattr(CounterView, "increment", increment)
    [answer] = await check_all(live_socket)

    assert answer["diverged"] == [1]
    assert "The handler raises now: broken on purpose" in answer["html"]


async def test_a_view_class_that_is_gone_and_a_range_of_masked_changes(live_socket, monkeypatch):
    import tests.support.live_views

    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-secret-99")
    await live_socket.event("save", username="ada", password="another-secret")

    masked = await ask(live_socket, **{"from": 2, "begin": 1})
    assert masked.status_code == 400
    assert "Every change in these events is masked" in masked.json()["error"]
    [answer] = await check_all(live_socket)
    assert "pw-secret-99" not in answer["html"] and "another-secret" not in answer["html"]
    assert 'data-tt-check-seq="2" data-tt-check-outcome="masked"' in answer["html"]

    await live_socket.mount("tests.support.live_views.NotesView", "/notes/")
    await live_socket.event("rename", title="Mine")
    monkeypatch.delattr(tests.support.live_views, "NotesView")
    gone = await ask(live_socket)
    assert gone.status_code == 400
    assert "tests.support.live_views.NotesView cannot be imported any more" in gone.json()["error"]


async def test_a_replay_djust_never_awaited_is_not_run(live_socket):
    await live_socket.mount("demo_app.views.AsyncView", "/async/")
    await live_socket.event("fetch")
    await live_socket.send({"type": "forward_replay", "from_index": 0})
    await live_socket.receive_until("time_travel_state", "error")

    [answer] = await check_all(live_socket)

    assert answer["diverged"] == []
    assert 'data-tt-check-seq="1" data-tt-check-outcome="same"' in answer["html"]
    assert 'data-tt-check-seq="2" data-tt-check-outcome="not-run"' in answer["html"]
