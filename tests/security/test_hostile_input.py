"""Hostile and broken input: a short 400 naming the limit, or a page that shows it; never a 500.

Deep nesting, lone surrogates, huge numbers, big imports and imports on a page
whose socket never connected, each through the real endpoints (and, for recorded
states, through djust's real consumer).
"""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from ddt_timetravel.core import limits
from ddt_timetravel.exchange import json_import
from tests.support.panel_client import client_for, panel_get
from tests.support.security import client_for_session, parse_html

DEEP_VIEW = "tests.support.live_views.DeepView"
HOSTILE_VIEW = "tests.support.live_views.HostileView"
LONE = "a\ud800b"


def nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def document(state: object, view: str = "demo_app.views.CounterView") -> bytes:
    event = {"seq": 1, "event_name": "x", "params": {}, "state_before": {}, "state_after": state}
    return json.dumps({"format": "ddt-timetravel/1", "view": view, "events": [event]}).encode()


def import_url(session: str | None = None) -> str:
    url = reverse("djdt:ddt_timetravel_import")
    return f"{url}?session={session}" if session else url


# -- number parameters ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "param", "value"),
    [
        ("timeline", "after", "9" * 5000),
        ("timeline", "viewing", "9" * 5000 + ":after"),
        ("diff", "seq", "9" * 5000),
        ("diff", "seq", "0" * 5000 + "1"),
        ("state", "offset", "1" * 5000),
        ("locate", "seq", "9" * 100_000),
    ],
)
def test_long_numbers_are_a_short_400(name, param, value):
    query = {"session": str(uuid.uuid4()), "seq": "1", param: value}
    response = client_for_session(None).get(reverse(f"djdt:ddt_timetravel_{name}"), query)
    assert response.status_code == 400
    assert param in response.content.decode() and len(response.content) < 200


# -- the state tree's path --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["[" * 3000 + "]" * 3000, json.dumps([nested(3), "a"]), json.dumps(["k"] * 101)]
)
def test_a_deep_or_long_path_is_a_short_400(path):
    query = {"session": str(uuid.uuid4()), "seq": "1", "which": "after", "path": path}
    response = client_for_session(None).get(reverse("djdt:ddt_timetravel_state"), query)
    assert response.status_code == 400
    assert "'path'" in response.content.decode() and len(response.content) < 200


# -- imports ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [150, 600, 2000, 100_000])
def test_a_deeply_nested_import_is_a_short_400(depth):
    deep = b"[" * depth + b"1" + b"]" * depth  # json.dumps itself cannot write it
    body = document({"deep": "DEEP"}).replace(b'"DEEP"', deep)
    response = client_for_session(None).post(import_url(), body, content_type="application/json")
    assert response.status_code == 400
    assert "levels deep" in response.content.decode() and len(response.content) < 200


@pytest.mark.django_db
def test_an_import_nested_up_to_the_limit_opens():
    body = document({"deep": nested(limits.MAX_DEPTH - 1)})
    response = client_for_session(None).post(import_url(), body, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert "Imported, read-only" in response.content.decode()


@pytest.mark.django_db
def test_an_import_without_a_socket_opens_read_only():
    body = document({"count": 1})
    client = client_for_session(None)
    for url in (import_url(), reverse("djdt:ddt_timetravel_import") + "?session="):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        assert "Imported, read-only" in response.content.decode()


@pytest.mark.django_db
@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_the_packages_import_limit_applies_not_djangos(caplog):
    caplog.set_level(logging.WARNING)
    body = document({"text": "x" * 5000})
    response = client_for_session(None).post(import_url(), body, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    assert not [r for r in caplog.records if r.name.startswith("django.security")]


@pytest.mark.django_db
def test_an_import_over_the_limit_is_a_short_400(monkeypatch, caplog):
    caplog.set_level(logging.WARNING)
    monkeypatch.setattr(json_import, "MAX_IMPORT_BYTES", 1000)
    body = document({"text": "x" * 5000})
    response = client_for_session(None).post(import_url(), body, content_type="application/json")
    assert response.status_code == 400
    assert "larger than 20 MB" in response.content.decode()
    assert not [r for r in caplog.records if r.name.startswith("django.security")]


@pytest.mark.django_db
def test_an_import_with_lone_surrogates_shows_the_replacement_character():
    raw = b'{"format": "ddt-timetravel/1", "view": "v.V", "events": [{"seq": 1, '
    raw += (
        b'"event_name": "x\\ud800", "params": {"q": "\\udfff"}, "state_after": {"k": "\\ud800"}}]}'
    )
    response = client_for_session(None).post(import_url(), raw, content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    text = response.content.decode()
    assert "x\ufffd" in text and "data-djtt-altered" in text
    parse_html(text)


# -- recorded states over djust's real socket ------------------------------------------------


pytest_socket = pytest.mark.django_db(transaction=True)


async def held_snapshot(live):
    buffer = live.view._time_travel_buffer
    return buffer.jump(len(buffer) - 1)


@pytest_socket
async def test_a_lone_surrogate_in_a_param_is_shown_and_exported_replaced(live_socket):
    await live_socket.mount(HOSTILE_VIEW, "/hostile/")
    await live_socket.event("store", key="k", value=LONE)
    recorded = await held_snapshot(live_socket)
    assert recorded.params["value"] == LONE

    timeline = await panel_get(live_socket, "timeline")
    assert timeline.status_code == 200
    assert "a\ufffdb" in timeline.text and "data-djtt-altered" in timeline.text
    parse_html(timeline.text)
    diff = await panel_get(live_socket, "diff", seq=1)
    assert diff.status_code == 200 and "a\ufffdb" in diff.text
    state = await panel_get(live_socket, "state", seq=1, which="after", path='["data"]')
    assert state.status_code == 200 and "a\ufffdb" in state.text
    exported = await panel_get(live_socket, "export", format="json")
    assert exported.status_code == 200
    assert json.loads(exported.content)["events"][0]["params"]["value"] == "a\ufffdb"
    module = await panel_get(live_socket, "export", format="pytest")
    assert module.status_code == 200
    compile(module.content.decode(), "exported.py", "exec")
    found = await panel_get(live_socket, "timeline", q="a\ufffdb")
    assert found.status_code == 200 and 'data-tt-seq="1"' in found.text

    # The recorded value is untouched: restoring puts the very text back.
    assert (await held_snapshot(live_socket)).state_after["data"] == {"k": LONE}
    await live_socket.event("store", key="k", value="plain")
    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "after"})
    await live_socket.receive_until("time_travel_state")
    assert live_socket.view.data == {"k": LONE}


@pytest_socket
async def test_a_state_nested_600_deep_is_shown_cut_at_the_limit(live_socket):
    await live_socket.mount(DEEP_VIEW, "/deep/")
    await live_socket.event("put", value=nested(600))
    recorded = await held_snapshot(live_socket)
    assert recorded.state_after["kind"] == "list"  # djust recorded the whole depth

    timeline = await panel_get(live_socket, "timeline")
    assert timeline.status_code == 200 and "data-djtt-altered" in timeline.text
    for key in ("", "key", "q"):
        filtered = await panel_get(live_socket, "timeline", **({key: "value"} if key else {}))
        assert filtered.status_code == 200
    diff = await panel_get(live_socket, "diff", seq=1)
    assert diff.status_code == 200
    path = json.dumps(["value", *[0] * (limits.MAX_DEPTH - 2)])
    state = await panel_get(live_socket, "state", seq=1, which="after", path=path)
    assert state.status_code == 200 and limits.TOO_DEEP in state.text
    exported = await panel_get(live_socket, "export", format="json")
    assert exported.status_code == 200
    module = await panel_get(live_socket, "export", format="pytest")
    assert module.status_code == 200
    compile(module.content.decode(), "exported.py", "exec")

    # The export opens again: what the panel writes, it reads.
    client = client_for(live_socket)
    url = import_url(live_socket.session_id)
    reopened = await client.post(url, exported.content, content_type="application/json")
    assert reopened.status_code == 200, reopened.content[:300]

    # Checking it against current code runs from the recorded state: refused, not a 500.
    check = f"{reverse('djdt:ddt_timetravel_check')}?session={live_socket.session_id}&begin=1"
    refused = await client.post(check)
    assert refused.status_code == 400
    assert refused.json() == {
        "error": "Event #1 is nested more than 100 levels deep: it cannot be run again here."
    }
    assert live_socket.view.kind == "list"  # nothing was run


def test_a_memoised_snapshot_held_by_another_memo_is_released_without_a_deadlock():
    import gc
    import threading

    from ddt_timetravel.core import memo

    class Snapshot:
        pass

    def drop() -> None:
        original = Snapshot()
        shown = memo.memo(original, "displayable", Snapshot)  # held by the memo only
        memo.memo(shown, "diff", lambda: "diff")
        del shown
        del original  # frees both: the second callback runs inside the first
        gc.collect()

    worker = threading.Thread(target=drop, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "dropping a memo that holds a memoised snapshot deadlocked"
