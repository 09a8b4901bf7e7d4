"""Per-event cost over djust's real consumer: each event's own turn on its own socket.

Handler and render time, every query of the turn (the template's too) with its
source line, the N+1 flag, the patch size; never another socket's numbers.
"""

from __future__ import annotations

import html5lib
import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test.utils import CaptureQueriesContext

from ddt_timetravel._djust import time_travel_buffer
from ddt_timetravel.recording import turns
from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

BOOKS = "demo_app.books.BooksView"
LIBRARY = "demo_app.views.LibraryView"


def row_of(response, seq):
    """The data attributes of row ``seq``'s cost, and the row's text."""
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    for li in document.iter("li"):
        if li.attrib.get("data-tt-seq") == str(seq):
            found = {
                name: value
                for span in li.iter("span")
                for name, value in span.attrib.items()
                if name.startswith("data-djtt-") and name != "data-djtt-cost"
            }
            return found, "".join(li.itertext())
    raise AssertionError(f"no row {seq} in {response.content.decode()[:2000]}")


class Captured:
    """A CaptureQueriesContext on the thread djust runs sync handlers and renders on."""

    def __init__(self) -> None:
        self.context: CaptureQueriesContext | None = None

    async def __aenter__(self) -> Captured:
        def enter() -> None:
            self.context = CaptureQueriesContext(connections["default"])
            self.context.__enter__()

        await sync_to_async(enter)()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await sync_to_async(self.context.__exit__)(None, None, None)

    @property
    def sql(self) -> list[str]:
        return [query["sql"] for query in self.context.captured_queries]


async def recorded_sql(live, seq):
    """The SQL of event ``seq``'s turn with its params filled in, as Django logs it."""
    snapshot = time_travel_buffer(live.view).jump(seq - 1)
    cost = turns.for_snapshot(snapshot)
    assert cost is not None, f"event #{seq} has no measured turn"

    def interpolate() -> list[str]:
        ops = connections["default"].ops
        return [ops.last_executed_query(None, q.sql, q.params) for q in cost.queries]

    return await sync_to_async(interpolate)()


async def test_handler_n_plus_one_is_counted_and_flagged(live_socket):
    await live_socket.mount(LIBRARY, "/library/")
    await live_socket.event("load_slow")
    await live_socket.event("load_fast")

    response = await panel_get(live_socket, "timeline")

    slow, slow_text = row_of(response, 1)
    fast, _ = row_of(response, 2)
    assert slow["data-djtt-queries"] == "11" and slow["data-djtt-duplicates"] == "10", slow_text
    assert slow["data-djtt-render-queries"] == "0"
    assert fast["data-djtt-queries"] == "1" and "data-djtt-duplicates" not in fast
    assert "data-djtt-handler-ms" in slow and "data-djtt-handler-ms" in fast
    assert "10× the same query" in slow_text


async def test_expanded_row_lists_each_query_with_its_source_line(live_socket):
    await live_socket.mount(LIBRARY, "/library/")
    await live_socket.event("load_slow")

    response = await panel_get(live_socket, "diff", seq=1)

    assert "11 SQL queries" in response.text
    assert "10 repeated (likely N+1)" in response.text
    assert response.text.count('<pre class="djtt-sql">') == 11
    assert response.text.count("demo_app/views.py") == 11  # the line of user code
    assert "in load_slow" in response.text
    assert "threading.py" not in response.text
    assert "SELECT" in response.text


async def test_books_event_costs_equal_what_django_captures_around_handler_and_render(
    live_socket,
):
    await live_socket.mount(BOOKS, "/books/")
    captured = []
    for name in ("next_page", "fix_queries", "previous_page"):
        async with Captured() as capture:
            await live_socket.event(name)
        captured.append(capture.sql)

    response = await panel_get(live_socket, "timeline")

    for seq, expected in enumerate(captured, start=1):
        attrs, text = row_of(response, seq)
        assert attrs["data-djtt-queries"] == str(len(expected)), text
        assert await recorded_sql(live_socket, seq) == expected
    # The handlers run no query: the template's queryset is evaluated in the render.
    first, _ = row_of(response, 1)
    assert first["data-djtt-render-queries"] == "5"
    assert "data-djtt-render-ms" in first and "data-djtt-handler-ms" in first
    assert int(first["data-djtt-patch-bytes"]) > 0


async def test_render_n_plus_one_is_flagged_and_gone_after_the_fix(live_socket):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")
    await live_socket.event("fix_queries")
    await live_socket.event("previous_page")

    response = await panel_get(live_socket, "timeline")

    slow, slow_text = row_of(response, 1)
    assert slow["data-djtt-duplicates"] == "4", slow_text
    assert "4× the same query" in slow_text
    for seq in (2, 3):
        fixed, text = row_of(response, seq)
        assert fixed["data-djtt-queries"] == "1", text
        assert "data-djtt-duplicates" not in fixed


async def test_render_queries_name_the_template_line_and_the_property_behind_them(
    live_socket,
):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")

    response = await panel_get(live_socket, "diff", seq=1)

    text = response.text
    assert text.count("data-djtt-query ") == 5
    assert text.count('data-djtt-phase="render"') == 5
    # The loop over object_list in the view's template, as a line number.
    assert text.count("template demo_app/books.html:15 (object_list)") == 5
    assert text.count("demo_app/models.py:") == 4  # the byline property, per book
    assert "in byline" in text
    assert "similar ×4" in text
    assert "params [" in text


async def test_two_browsers_interleaved_each_row_shows_only_its_own_turn(open_live_socket):
    first = await open_live_socket()
    second = await open_live_socket()
    await first.mount(BOOKS, "/books/")
    await second.mount(LIBRARY, "/library/")
    # Refused before any handler ran: djust records it, with no handler time.
    await first.event("no_such_handler")
    await second.event("load_slow")
    await first.event("next_page")
    await second.event("load_fast")
    await first.event("fix_queries")

    mine = await panel_get(first, "timeline")
    theirs = await panel_get(second, "timeline")

    refused, text = row_of(mine, 1)
    assert refused["data-djtt-queries"] == "0", text
    assert "data-djtt-handler-ms" not in refused
    assert "data-djtt-render-ms" not in refused
    assert row_of(mine, 2)[0]["data-djtt-queries"] == "5"
    assert row_of(mine, 3)[0]["data-djtt-queries"] == "1"
    assert row_of(theirs, 1)[0]["data-djtt-queries"] == "11"
    assert row_of(theirs, 2)[0]["data-djtt-queries"] == "1"
    mine_diff = await panel_get(first, "diff", seq=2)
    assert "demo_app_author" in mine_diff.text and "in load_slow" not in mine_diff.text


async def test_a_replay_row_carries_its_own_cost(live_socket):
    await live_socket.mount(LIBRARY, "/library/")
    await live_socket.event("load_fast")
    await live_socket.event("load_slow")
    await live_socket.send({"type": "forward_replay", "from_index": 1})
    await live_socket.receive_until("time_travel_state")

    response = await panel_get(live_socket, "timeline")

    replay, text = row_of(response, 3)
    assert replay["data-djtt-replay-of"] == "2", text
    assert replay["data-djtt-queries"] == "11"
    assert replay["data-djtt-duplicates"] == "10"
    assert "data-djtt-handler-ms" in replay and "data-djtt-render-ms" in replay


async def test_a_restore_reports_its_re_render_cost_in_the_state_frame(live_socket):
    await live_socket.mount(BOOKS, "/books/")
    await live_socket.event("next_page")
    await live_socket.send({"type": "time_travel_jump", "index": 0, "which": "before"})
    frames = await live_socket.receive_until("time_travel_state")

    cost = frames[-1]["ddt_timetravel_cost"]
    kept = turns.last_restore(live_socket.view)
    assert kept is not None and kept.kind == "restore"
    assert cost["render_ms"] == kept.render_ms and cost["render_ms"] > 0
    assert cost["patch_bytes"] == kept.patch_bytes and cost["patch_bytes"] > 0
    assert cost["queries"] == len(kept.queries) == 5  # page 1 again, one author per book
    assert {query.phase for query in kept.queries} == {"render"}
    # The restore is no event: the event's own row keeps its own cost.
    response = await panel_get(live_socket, "timeline")
    assert row_of(response, 1)[0]["data-djtt-queries"] == "5"


async def test_no_turn_is_measured_for_a_view_without_time_travel(live_socket):
    await live_socket.mount("tests.support.live_views.NoTimeTravelQueryView", "/")
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(turns.current())
        return execute(sql, params, many, context)

    await sync_to_async(lambda: connections["default"].execute_wrappers.insert(0, watch))()
    try:
        await live_socket.event("increment")
    finally:
        await sync_to_async(lambda: connections["default"].execute_wrappers.remove(watch))()
    assert seen and seen == [None] * len(seen)


async def test_background_work_started_by_an_event_is_not_its_cost(live_socket):
    await live_socket.mount("tests.support.live_views.BackgroundQueryView", "/")
    await live_socket.event("start")
    frames = await live_socket.receive_until("patch", timeout=10)  # the background's render
    assert any("done" in str(frame) for frame in frames)

    response = await panel_get(live_socket, "timeline")

    started, text = row_of(response, 1)
    assert started["data-djtt-queries"] == "1", text


async def test_query_params_are_masked_like_the_event(live_socket):
    await live_socket.mount("tests.support.live_views.SecretQueryView", "/")
    await live_socket.event("look_up", api_token="plain-words-not-a-token-shape")

    shown = await panel_get(live_socket, "diff", seq=1)
    exported = await panel_get(live_socket, "export", format="json")

    assert "data-djtt-query-params" in shown.text
    for response in (shown, exported):
        text = response.content.decode()
        assert "plain-words-not-a-token-shape" not in text
        assert "•••• masked" in text


async def test_a_django_template_query_names_its_template_line(live_socket):
    await live_socket.mount("tests.support.live_views.DjangoTemplateQueryView", "/")
    await live_socket.event("summarise")

    response = await panel_get(live_socket, "diff", seq=1)

    # Found by the toolbar's own helper, as its SQL panel finds it.
    assert "template &lt;unknown source&gt;:2" in response.text, response.text[-3000:]
    assert "tests/support/live_views.py:" in response.text and "in summarise" in response.text


def test_costs_in_a_row_measure_each_state_as_one_cost_alone_would():
    from djust.time_travel import EventSnapshot

    from ddt_timetravel.core.masking import Masker
    from ddt_timetravel.recording.turns import event_cost, event_costs

    def snapshot(before, after):
        return EventSnapshot(
            event_name="add", params={}, ref=None, ts=1.0, state_before=before, state_after=after
        )

    states = [{"count": n, "rows": ["x"] * n} for n in (0, 1, 20, 300)]
    snapshots = [
        snapshot(states[0], states[1]),
        snapshot(dict(states[1]), states[2]),  # equal, not the same object
        snapshot(states[0], states[3]),  # after a restore: not the previous state
        snapshot(None, {}),
    ]

    together = event_costs(snapshots, Masker())
    alone = [event_cost(one, Masker()) for one in snapshots]

    assert [(c.state_bytes, c.state_growth) for c in together] == [
        (c.state_bytes, c.state_growth) for c in alone
    ]
    assert together[2].state_growth > together[1].state_growth > 0
