"""Each event's turn in the toolbar's own panels: the real toolbar, over the real socket.

The SQL panel of an event lists exactly that event's queries (handler and
render) and EXPLAIN runs on one of them; History lists the event, and names
replays and restores apart; Templates shows the view's template; a typed secret
is in no stored panel and no rendered one; capture off stores nothing; a browser
the toolbar does not show itself to gets no capture.

Every socket here says whose it is: :data:`TOOLBAR_CLIENT` (the toolbar shows
for it, so its turns are captured) or :data:`OUTSIDE_CLIENT`.
"""

from __future__ import annotations

import asyncio
import html
import json
import re

import pytest
from debug_toolbar.store import get_store
from debug_toolbar.toolbar import DebugToolbar
from django.test import override_settings
from django.urls import reverse

from ddt_timetravel._djust import time_travel_buffer
from ddt_timetravel.recording import turns
from tests.support.live_socket import OUTSIDE_CLIENT, TOOLBAR_CLIENT
from tests.support.panel_client import client_for, panel_get

pytestmark = pytest.mark.django_db(transaction=True)

QUERIES = "tests.support.live_views.HandlerAndRenderQueryView"
BOOKS = "demo_app.books.BooksView"


@pytest.fixture
async def live_socket(open_live_socket):
    """A socket of a browser the toolbar shows for: each of its turns is captured."""
    return await open_live_socket(client=TOOLBAR_CLIENT)


def toolbar_id(live, seq):
    """The toolbar request id the turn of event ``seq`` was stored under."""
    cost = turns.for_snapshot(time_travel_buffer(live.view).jump(seq - 1))
    assert cost is not None, f"event #{seq} has no measured turn"
    return cost.toolbar_id


async def captured(live, seq):
    """Event ``seq``'s request id once its panels are stored (just after its patch)."""
    request_id = toolbar_id(live, seq)
    assert request_id is not None, f"event #{seq} was not captured"
    return await stored(request_id)


async def stored(request_id):
    """``request_id`` once its panels are stored."""
    for _ in range(200):
        if get_store().panel(request_id, "HistoryPanel"):
            return request_id
        await asyncio.sleep(0.01)
    raise AssertionError(f"capture {request_id} was never stored")


def panel_stats(request_id, panel_id):
    return get_store().panel(request_id, panel_id)


async def test_the_sql_panel_of_an_event_lists_exactly_its_handler_and_render_queries(
    live_socket,
):
    await live_socket.mount(QUERIES, "/")
    await live_socket.event("increment")
    await live_socket.event("increment")

    for seq in (1, 2):
        request_id = await captured(live_socket, seq)
        sql = [query["raw_sql"] for query in panel_stats(request_id, "SQLPanel")["queries"]]
        recorded = turns.for_snapshot(time_travel_buffer(live_socket.view).jump(seq - 1))
        # The same queries the row's cost counts, in order: the handler's, then the render's.
        assert sql == [query.sql for query in recorded.queries]
        assert [query.phase for query in recorded.queries] == ["handler", "render"]
        assert "django_session" in sql[0] and "auth_group" in sql[1]
    assert toolbar_id(live_socket, 1) != toolbar_id(live_socket, 2)


async def test_concurrent_events_of_two_browsers_each_get_only_their_own_queries(
    open_live_socket,
):
    first = await open_live_socket(client=TOOLBAR_CLIENT)
    second = await open_live_socket(client=TOOLBAR_CLIENT)
    await first.mount(QUERIES, "/")
    await second.mount(BOOKS, "/books/")
    for _ in range(3):
        await asyncio.gather(first.event("increment"), second.event("next_page"))

    for seq in (1, 2, 3):
        mine = panel_stats(await captured(first, seq), "SQLPanel")["queries"]
        theirs = panel_stats(await captured(second, seq), "SQLPanel")["queries"]
        assert len(mine) == 2 and not any("demo_app" in q["raw_sql"] for q in mine)
        assert theirs and all("demo_app" in q["raw_sql"] for q in theirs)
        # And each agrees with its row's cost.
        for live, stored in ((first, mine), (second, theirs)):
            recorded = turns.for_snapshot(time_travel_buffer(live.view).jump(seq - 1))
            assert [q["raw_sql"] for q in stored] == [q.sql for q in recorded.queries]


async def test_explain_runs_on_a_query_of_an_event(live_socket):
    await live_socket.mount(QUERIES, "/")
    await live_socket.event("increment")
    request_id = await captured(live_socket, 1)
    # The signed form the SQL panel itself renders for its EXPLAIN button.
    sql_panel = DebugToolbar.fetch(request_id, "SQLPanel").get_panel_by_id("SQLPanel")
    content = sql_panel.content
    assert 'formaction="/__debug__/sql_explain/"' in content
    signed = re.search(r'name="signed" value="([^"]+)"', content).group(1)

    response = await client_for(live_socket).post(
        reverse("djdt:sql_explain"), {"signed": html.unescape(signed)}
    )

    assert response.status_code == 200
    content = json.loads(response.content)["content"]
    assert "django_session" in content and "SEARCH" in content.upper()


async def test_history_lists_the_event_and_switching_shows_its_panels(live_socket):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")
    request_id = await captured(live_socket, 1)

    history = panel_stats(request_id, "HistoryPanel")
    assert history["request_method"] == "WS next_page #1"
    assert history["request_url"] == "/books/"
    assert history["status_code"] == 200 and history["time"]
    assert request_id in list(get_store().request_ids())

    response = await client_for(live_socket).get(
        reverse("djdt:history_sidebar"), {"request_id": request_id, "exclude_history": "True"}
    )
    assert response.status_code == 200
    panels = json.loads(response.content)
    assert "5 queries" in panels["SQLPanel"]["button"]
    # A panel about the HTTP request and response has nothing for an event.
    assert panel_stats(request_id, "HeadersPanel") == {}


async def test_the_templates_panel_shows_the_events_template(live_socket):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")
    request_id = await captured(live_socket, 1)

    toolbar = DebugToolbar.fetch(request_id, "TemplatesPanel")
    content = toolbar.get_panel_by_id("TemplatesPanel").content
    assert "demo_app/books.html" in content
    assert "&#x27;page&#x27;: 2" in content or "'page': 2" in content


async def test_a_replay_is_captured_and_named_as_a_replay(live_socket):
    await live_socket.mount(QUERIES, "/")
    await live_socket.event("increment")
    first = await captured(live_socket, 1)
    await live_socket.send({"type": "forward_replay", "from_index": 0})
    await live_socket.receive_until("time_travel_state")

    replay = await captured(live_socket, 2)
    assert replay != first
    label = panel_stats(replay, "HistoryPanel")["request_method"]
    assert label == "WS replay increment #1 → #2"
    assert len(panel_stats(replay, "SQLPanel")["queries"]) == 2


async def test_a_restore_is_captured_and_named_as_a_restore(live_socket):
    await live_socket.mount(QUERIES, "/")
    await live_socket.event("increment")
    await live_socket.event("increment")
    events = [await captured(live_socket, seq) for seq in (1, 2)]
    before = list(get_store().request_ids())
    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "before"})
    await live_socket.receive_until("time_travel_state")

    restore = await stored(turns.last_restore(live_socket.view).toolbar_id)
    assert restore not in events and restore not in before
    history = panel_stats(restore, "HistoryPanel")
    assert history["request_method"] == "WS restore before increment #1"
    assert history["request_url"] == "/"
    # The History panel as the toolbar renders it tells the restore from the events.
    listed = DebugToolbar.fetch(restore).get_panel_by_id("HistoryPanel").content
    assert "WS restore before increment #1" in listed and "WS increment #2" in listed
    # The re-render of the restored state walks the template's queryset: one query.
    assert [q["raw_sql"] for q in panel_stats(restore, "SQLPanel")["queries"]] == [
        q.sql for q in turns.last_restore(live_socket.view).queries
    ]


async def test_a_burst_of_events_never_pushes_the_pages_request_out_of_the_store(live_socket):
    from ddt_timetravel.recording.capture_store import events_share

    store = get_store()
    await live_socket.mount(QUERIES, "/")
    store.save_panel("the-page-request", "HistoryPanel", {"request_url": "/"})
    share = events_share()
    for _ in range(2 * share + 3):
        await live_socket.event("increment")
    newest = await captured(live_socket, 2 * share + 3)

    assert store.exists("the-page-request")
    kept = [seq for seq in range(1, 2 * share + 4) if store.exists(toolbar_id(live_socket, seq))]
    assert kept == list(range(share + 4, 2 * share + 4))  # the newest events, one share
    assert store.exists(newest)


async def test_a_refused_restore_stores_nothing(live_socket):
    await live_socket.mount(QUERIES, "/")
    await live_socket.event("increment")
    await captured(live_socket, 1)
    before = list(get_store().request_ids())
    stale = {"seq": 1, "ts": 0.5, "event": "increment", "ref": None}
    await live_socket.send(
        {"type": "time_travel_jump", "index": 0, "which": "before", "ddt_event": stale}
    )
    await live_socket.receive_until("error")
    await asyncio.sleep(0.05)

    # Only a restore entry counts: the store is shared, and an earlier test's
    # capture may still be landing in it.
    new = [rid for rid in get_store().request_ids() if rid not in before]
    labels = [(panel_stats(rid, "HistoryPanel") or {}).get("request_method", "") for rid in new]
    assert not [label for label in labels if "restore" in label], labels
    assert turns.last_restore(live_socket.view) is None


async def test_the_cache_panel_of_an_event_lists_its_cache_calls(live_socket):
    await live_socket.mount("tests.support.live_views.CacheView", "/")
    await live_socket.event("remember")
    await live_socket.event("remember")

    first, second = await captured(live_socket, 1), await captured(live_socket, 2)
    calls = [
        [call["name"] for call in panel_stats(request_id, "CachePanel")["calls"]]
        for request_id in (first, second)
    ]
    assert calls == [["get", "set"], ["get", "set"]]
    assert panel_stats(second, "CachePanel")["hits"] == 1


async def test_every_event_lists_the_signals_worked_out_on_the_sockets_first(live_socket):
    await live_socket.mount(QUERIES, "/")
    for _ in range(3):
        await live_socket.event("increment")

    signals = [panel_stats(await captured(live_socket, seq), "SignalsPanel") for seq in (1, 2, 3)]
    names = dict(signals[0]["signals"])
    assert "pre_save" in names and names["pre_save"] is not None
    assert signals[1] == signals[0] and signals[2] == signals[0]


async def test_with_capture_off_nothing_is_stored(live_socket):
    before = list(get_store().request_ids())
    with override_settings(DDT_TIMETRAVEL={"TOOLBAR_CAPTURE": False}):
        await live_socket.mount(QUERIES, "/")
        await live_socket.event("increment")

    assert toolbar_id(live_socket, 1) is None
    assert list(get_store().request_ids()) == before
    # The row's own cost is still measured.
    assert len(turns.for_snapshot(time_travel_buffer(live_socket.view).jump(0)).queries) == 2


async def test_a_store_that_fails_leaves_the_event_alone(live_socket, caplog):
    # The toolbar's DatabaseStore without its table: every save raises.
    config = {"IS_RUNNING_TESTS": False, "TOOLBAR_STORE_CLASS": "debug_toolbar.store.DatabaseStore"}
    with override_settings(DEBUG_TOOLBAR_CONFIG=config):
        await live_socket.mount(QUERIES, "/")
        frames = await live_socket.event("increment")

    assert any(frame["type"] == "patch" for frame in frames)
    assert live_socket.view.count == 1
    assert toolbar_id(live_socket, 1) is None
    assert "could not start" in caplog.text


async def test_no_capture_for_a_browser_the_toolbar_does_not_show_itself_to(open_live_socket):
    outsider = await open_live_socket(client=OUTSIDE_CLIENT)
    before = list(get_store().request_ids())
    await outsider.mount(QUERIES, "/")
    await outsider.event("increment")

    assert toolbar_id(outsider, 1) is None
    assert list(get_store().request_ids()) == before


async def test_the_toolbar_is_asked_once_per_socket_whether_it_shows(open_live_socket):
    # A refused socket's later events skip the capture entirely, even when the
    # toolbar's rule would now let its address in: the rule is read on the first event.
    outsider = await open_live_socket(client=OUTSIDE_CLIENT)
    await outsider.mount(QUERIES, "/")
    await outsider.event("increment")
    with override_settings(INTERNAL_IPS=[OUTSIDE_CLIENT]):
        await outsider.event("increment")
        newcomer = await open_live_socket(client=OUTSIDE_CLIENT)
        await newcomer.mount(QUERIES, "/")
        await newcomer.event("increment")

    assert toolbar_id(outsider, 2) is None
    assert await captured(newcomer, 1)


async def test_the_rows_detail_offers_open_in_toolbar_only_to_its_browser(open_live_socket):
    owner = await open_live_socket(client=TOOLBAR_CLIENT)
    other = await open_live_socket(client=TOOLBAR_CLIENT)
    await owner.mount(BOOKS, "/books/")
    await owner.event("next_page")
    request_id = await captured(owner, 1)

    mine = await panel_get(owner, "diff", seq=1)
    assert f'data-djtt-toolbar-id="{request_id}"' in mine.text
    assert "Open in toolbar" in mine.text
    # Another browser naming this socket gets the panel's refusal, not the id.
    theirs = await client_for(other).get(
        reverse("djdt:ddt_timetravel_diff"), {"session": owner.session_id, "seq": 1}
    )
    assert request_id not in theirs.content.decode()


async def test_a_browser_the_toolbar_does_not_show_itself_to_cannot_switch_to_an_event(
    live_socket,
):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")
    request_id = await captured(live_socket, 1)

    # Same cookie, but an address SHOW_TOOLBAR_CALLBACK refuses: the toolbar's endpoints 404.
    with override_settings(INTERNAL_IPS=[OUTSIDE_CLIENT]):
        for name, params in (
            ("djdt:history_sidebar", {"request_id": request_id, "exclude_history": "True"}),
            ("djdt:render_panel", {"request_id": request_id, "panel_id": "SQLPanel"}),
        ):
            response = await client_for(live_socket).get(reverse(name), params)
            assert response.status_code == 404, name
    owner = await client_for(live_socket).get(
        reverse("djdt:render_panel"), {"request_id": request_id, "panel_id": "SQLPanel"}
    )
    assert "demo_app_book" in json.loads(owner.content)["content"]


def test_the_toolbar_internals_the_capture_relies_on(db):
    """Fails loudly when a toolbar upgrade changes what :mod:`.toolbar_capture` uses."""
    from debug_toolbar.panels.sql.tracking import wrap_cursor
    from debug_toolbar.panels.templates import TemplatesPanel
    from django.db import connection

    from ddt_timetravel.recording import toolbar_capture

    wrap_cursor(connection)
    connection._djdt_logger = toolbar_capture.SQL_ROUTER
    try:
        with connection.cursor() as cursor:
            # The toolbar wraps the cursor only when it finds a logger on the connection.
            assert type(cursor).__name__ == "DjDTCursorWrapper"
    finally:
        connection._djdt_logger = None
    assert callable(TemplatesPanel._store_template_info)
    assert "_panels" in vars(
        DebugToolbar(toolbar_capture.RequestFactory().get("/"), toolbar_capture._stand_in)
    )
