"""A secret typed into a captured event is in no toolbar panel: stored or rendered.

The real toolbar and its real panels, over the real socket: a sign-in form's
turn carries the typed password in a SQL param, a cache key and value, a Django
template's context and the view's state. Every panel the toolbar stored for that
turn, and every panel it renders from the store (History included), is searched
for the secret in every spelling a page could show it: as typed, HTML-escaped,
JSON-escaped, and its distinctive first part alone.
"""

from __future__ import annotations

import html
import json

import pytest
from debug_toolbar.store import get_store
from debug_toolbar.toolbar import DebugToolbar

from ddt_timetravel._djust import time_travel_buffer
from ddt_timetravel.core.masking import MARK
from ddt_timetravel.recording import turns
from tests.endpoints.test_toolbar_capture import stored
from tests.support.live_socket import TOOLBAR_CLIENT

pytestmark = pytest.mark.django_db(transaction=True)

VIEW = "tests.support.live_views.SecretTurnView"
#: A quote and an ampersand: SQL quoting and HTML escaping both change how it reads.
SECRET = "c0rrect'horse&battery"
SPELLINGS = (SECRET, html.escape(SECRET), json.dumps(SECRET)[1:-1], "c0rrect")


@pytest.fixture
async def live_socket(open_live_socket):
    """A socket of a browser the toolbar shows for: each of its turns is captured."""
    return await open_live_socket(client=TOOLBAR_CLIENT)


async def typed_secret(live_socket):
    """Mount the form, type the secret into its password field; the turn's request id."""
    await live_socket.mount(VIEW, "/")
    await live_socket.event("validate_field", field="password", value=SECRET)
    snapshot = time_travel_buffer(live_socket.view).jump(0)
    return await stored(turns.for_snapshot(snapshot).toolbar_id)


def assert_no_secret(text, where):
    for spelling in SPELLINGS:
        assert spelling not in text, f"{spelling!r} shown in {where}"


def stored_panels(request_id):
    return dict(get_store().panels(request_id))


def rendered_panels(request_id):
    toolbar = DebugToolbar.fetch(request_id)
    return {
        panel.panel_id: panel.content
        for panel in toolbar.panels
        if panel.panel_id in stored_panels(request_id) and panel.has_content
    }


async def test_no_stored_panel_of_the_event_holds_the_secret(live_socket):
    request_id = await typed_secret(live_socket)

    panels = stored_panels(request_id)
    for panel_id in ("SQLPanel", "CachePanel", "TemplatesPanel", "HistoryPanel"):
        assert panel_id in panels
    for panel_id, stats in panels.items():
        assert_no_secret(json.dumps(stats), f"the stored {panel_id}")


async def test_no_rendered_panel_of_the_event_shows_the_secret(live_socket):
    request_id = await typed_secret(live_socket)

    rendered = rendered_panels(request_id)
    for panel_id, content in rendered.items():
        assert_no_secret(content, f"the rendered {panel_id}")
    # The History panel lists the event (its data included) for every entry.
    assert "WS validate_field #1" in rendered["HistoryPanel"]


async def test_the_panels_still_show_what_the_event_did(live_socket):
    request_id = await typed_secret(live_socket)
    panels = stored_panels(request_id)

    queries = panels["SQLPanel"]["queries"]
    assert len(queries) == 1 and "auth_user" in queries[0]["raw_sql"]
    # The masked param is shown masked; the SQL keeps its placeholder.
    assert queries[0]["params"] == [MARK]
    assert queries[0]["sql"] == queries[0]["raw_sql"]
    # Its stack trace is kept (code, read around by the masking): the handler's line.
    assert any("validate_field" in str(frame) for frame in queries[0]["stacktrace"])
    assert [call["name"] for call in panels["CachePanel"]["calls"]] == ["set"]
    assert panels["CachePanel"]["calls"][0]["args"] == [f"attempt:{MARK}", MARK]
    # The Django template the handler rendered, its context masked.
    (handler_template,) = panels["TemplatesPanel"]["templates"]
    assert "'typed'" in handler_template["context"] and MARK in handler_template["context"]
    assert MARK in panels["HistoryPanel"]["data"]["value"]
    assert panels["HistoryPanel"]["data"]["field"] == "password"


async def test_a_restore_of_the_event_shows_no_secret_either(live_socket):
    await typed_secret(live_socket)
    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "after"})
    await live_socket.receive_until("time_travel_state")

    request_id = await stored(turns.last_restore(live_socket.view).toolbar_id)
    assert "restore after" in stored_panels(request_id)["HistoryPanel"]["request_method"]
    for panel_id, stats in stored_panels(request_id).items():
        assert_no_secret(json.dumps(stats), f"the restore's stored {panel_id}")
    for panel_id, content in rendered_panels(request_id).items():
        assert_no_secret(content, f"the restore's rendered {panel_id}")
