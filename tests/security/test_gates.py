"""Where the toolbar would not show, no panel URL answers; nothing changes state over HTTP
without CSRF protection.

Every URL the panel registers (``TimeTravelPanel.get_urls()``, read at run time) is
probed with every HTTP method and with generic and generated queries, so endpoints
added later are held to the same gates.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

import pytest
from debug_toolbar.middleware import show_toolbar_func_or_path
from django.test import AsyncClient, Client, override_settings
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddt_timetravel.panels import TimeTravelPanel
from tests.support.security import (
    allowed_methods,
    build_query,
    client_for_session,
    generic_query,
    off_loop,
    panel_url_names,
    panel_urls,
    query_pairs,
)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
STATE_CHANGING = ["POST", "PUT", "PATCH", "DELETE"]
SOME_QUERIES = [
    {},
    generic_query(str(uuid.uuid4())),
    {**generic_query(str(uuid.uuid4())), "against": "1", "format": "pytest", "q": "x"},
    {"session": "not-a-uuid", "seq": "-1"},
]


def hide_toolbar(request):
    return False


GATES = {
    "debug off": {"settings": {"DEBUG": False}, "client": {}},
    "not an internal ip": {"settings": {}, "client": {"REMOTE_ADDR": "203.0.113.9"}},
    "callback says no": {
        "settings": {
            "DEBUG_TOOLBAR_CONFIG": {
                "IS_RUNNING_TESTS": False,
                "SHOW_TOOLBAR_CALLBACK": f"{__name__}.hide_toolbar",
            }
        },
        "client": {},
    },
}


@contextlib.contextmanager
def closed(gate: str) -> Iterator[dict[str, str]]:
    """Close ``gate``; yield the sync client's defaults (e.g. the remote address).

    The toolbar caches the resolved ``SHOW_TOOLBAR_CALLBACK`` for the life of the
    process and ``override_settings`` does not clear that cache: without clearing it
    the callback under test would never be called.
    """
    config = GATES[gate]
    show_toolbar_func_or_path.cache_clear()
    try:
        with override_settings(**config["settings"]):
            yield config["client"]
    finally:
        show_toolbar_func_or_path.cache_clear()


def request(client: Client, method: str, path: str, query: dict[str, str] | str):
    url = f"{path}?{query if isinstance(query, str) else build_query(query.items())}"
    return client.generic(method, url, b"{}", content_type="application/json")


def test_every_panel_url_lives_in_the_toolbar_namespace():
    for pattern in TimeTravelPanel.get_urls():
        path = reverse(f"djdt:{pattern.name}")
        assert path.startswith("/__debug__/"), path
        assert resolve(path).func is pattern.callback, pattern.name


@pytest.mark.parametrize("gate", GATES)
def test_closed_gate_hides_every_panel_url_for_every_method_and_query(gate):
    with closed(gate) as defaults:
        client = Client(**defaults)
        for path in panel_urls().values():
            for method in METHODS:
                for query in SOME_QUERIES:
                    response = request(client, method, path, query)
                    assert response.status_code == 404, (gate, method, path, query)


@pytest.mark.parametrize("gate", GATES)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_closed_gate_hides_every_panel_url_for_generated_queries(gate, data):
    name = data.draw(st.sampled_from(panel_url_names()))
    pairs = data.draw(query_pairs([str(uuid.uuid4())]))
    with closed(gate) as defaults:
        response = request(Client(**defaults), "GET", reverse(f"djdt:{name}"), build_query(pairs))
    assert response.status_code == 404


@pytest.mark.django_db
def test_open_gate_reaches_every_panel_view_not_the_gates_404():
    """The control: with DEBUG on and an internal IP the same probes reach the views."""
    client = Client()
    for path in panel_urls().values():
        for method in allowed_methods(client, path):
            response = request(client, method, path, generic_query(str(uuid.uuid4())))
            assert response.status_code in (400, 404), (method, path)
            assert response["Content-Type"].startswith(("text/plain", "application/json"))


@pytest.mark.django_db
def test_only_get_and_csrf_protected_post_are_accepted():
    """PUT, PATCH, DELETE (and HEAD, OPTIONS) get 405 everywhere; read endpoints refuse
    POST too. An endpoint that takes a POST body must enforce CSRF, so no panel view
    needs (or has) a CSRF exemption."""
    client = Client()
    accepting_post = []
    for name, path in panel_urls().items():
        accepted = allowed_methods(client, path)
        assert set(accepted) <= {"GET", "POST"}, (name, accepted)
        for method in METHODS:
            if method in accepted:
                continue
            response = request(client, method, path, generic_query(str(uuid.uuid4())))
            assert response.status_code == 405, (name, method, response.status_code)
        if "POST" in accepted:
            accepting_post.append(name)
            forged = Client(enforce_csrf_checks=True)
            response = request(forged, "POST", path, generic_query(str(uuid.uuid4())))
            assert response.status_code == 403, (name, "a POST without a CSRF token")
    # The read-only import of an exported file takes a body; the check against current
    # code runs handlers (contained), so it must not be a GET another site can trigger.
    assert set(accepting_post) <= {"ddt_timetravel_import", "ddt_timetravel_check"}, accepting_post


def test_no_panel_view_is_csrf_exempt():
    for pattern in TimeTravelPanel.get_urls():
        callback = pattern.callback
        seen = set()
        while callback is not None and id(callback) not in seen:
            seen.add(id(callback))
            assert not getattr(callback, "csrf_exempt", False), pattern.name
            callback = getattr(callback, "__wrapped__", None)


@pytest.mark.django_db(transaction=True)
async def test_closed_gate_hides_even_the_owners_live_view(live_socket):
    """The owner of a live view: 200 with the gate open, 404 with it closed, nothing changed."""
    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    await live_socket.event("increment")
    query = generic_query(live_socket.session_id)
    key = live_socket.django_session_key

    def probe() -> dict[tuple[str, str], tuple[int, bytes]]:
        answers = {}
        for name, path in panel_urls().items():
            if "GET" not in allowed_methods(client_for_session(key), path):
                continue
            answers["open", name] = client_for_session(key).get(path, query)
            for gate in GATES:
                with closed(gate) as defaults:
                    answers[gate, name] = client_for_session(key, **defaults).get(path, query)
        return {k: (r.status_code, r.content) for k, r in answers.items()}

    answers = await off_loop(probe)
    for (gate, name), (status, content) in answers.items():
        assert status == (200 if gate == "open" else 404), (gate, name)
        if gate != "open":
            assert b"increment" not in content, (gate, name)
    # The ASGI path too (the page's own server), with DEBUG off.
    client = AsyncClient()
    client.cookies["sessionid"] = key
    with closed("debug off"):
        for path in panel_urls().values():
            assert (await client.get(path, query)).status_code == 404, path
    assert live_socket.view.count == 1
    assert len(live_socket.view._time_travel_buffer) == 1
