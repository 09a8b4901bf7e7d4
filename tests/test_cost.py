"""Per-event cost over djust's real consumer: queries, N+1, timing, isolation."""

from __future__ import annotations

import html5lib
import pytest

from tests.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

LIBRARY = "demo_app.views.LibraryView"


def cost_of(response, seq):
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    for li in document.iter("li"):
        if li.attrib.get("data-tt-seq") == str(seq):
            spans = {
                name: span.attrib[name]
                for span in li.iter("span")
                for name in ("data-djtt-queries", "data-djtt-duplicates")
                if name in span.attrib
            }
            timed = any("data-djtt-handler-ms" in span.attrib for span in li.iter("span"))
            return spans, timed, "".join(li.itertext())
    raise AssertionError(f"no row {seq}")


async def test_n_plus_one_is_counted_and_flagged(live_socket):
    await live_socket.mount(LIBRARY, "/library/")
    await live_socket.event("load_slow")
    await live_socket.event("load_fast")

    response = await panel_get(live_socket, "timeline")

    slow, slow_timed, slow_text = cost_of(response, 1)
    fast, fast_timed, _ = cost_of(response, 2)
    assert slow == {"data-djtt-queries": "11", "data-djtt-duplicates": "10"}, slow_text
    assert fast == {"data-djtt-queries": "1"}
    assert slow_timed and fast_timed
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


async def test_other_sessions_queries_never_appear(open_live_socket):
    first = await open_live_socket()
    second = await open_live_socket()
    await first.mount(LIBRARY, "/library/")
    await second.mount(LIBRARY, "/library/")
    await first.event("load_fast")
    await second.event("load_slow")
    await first.event("load_fast")

    mine = await panel_get(first, "timeline")

    assert cost_of(mine, 1)[0] == {"data-djtt-queries": "1"}
    assert cost_of(mine, 2)[0] == {"data-djtt-queries": "1"}
