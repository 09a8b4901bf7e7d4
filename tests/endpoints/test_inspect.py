"""Diffs, full state, filters, compare and masking through the endpoints, over djust's
real consumer."""

from __future__ import annotations

import json

import html5lib
import pytest

from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
TODOS = "demo_app.views.TodosView"
PROFILE = "demo_app.views.ProfileView"
BIG = "demo_app.views.BigView"
COMPONENTS = "demo_app.views.ComponentsView"

PASSWORD = "correct-horse-battery-staple-7"
TOKEN = "tok_live_0123456789abcdef"


def diff_rows(response) -> list[tuple[str, str, str, str]]:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    rows = []
    for tr in document.iter("tr"):
        if "data-djtt-path" not in tr.attrib:
            continue
        cells = ["".join(td.itertext()).strip() for td in tr.findall("td")]
        rows.append((tr.attrib["data-djtt-path"], tr.attrib["class"], *cells))
    return rows


def row_seqs(response) -> list[str]:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [li.attrib["data-tt-seq"] for li in document.iter("li") if "data-tt-seq" in li.attrib]


async def test_diff_of_a_todo_toggle_names_the_item(live_socket):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("toggle_todo", todo_id=2)

    response = await panel_get(live_socket, "diff", seq=1)

    assert response.status_code == 200
    assert diff_rows(response) == [("items[id=2].done", "djtt-changed", "false", "true")]
    assert "2 unchanged" in response.text  # client_timezone and next_id


async def test_the_full_params_come_with_the_diff_not_with_the_row(live_socket):
    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-123456")

    listed = await panel_get(live_socket, "timeline")
    detail = await panel_get(live_socket, "diff", seq=1)

    assert "djtt-params-full" not in listed.text
    assert 'class="djtt-params-full"' in detail.text
    assert "&quot;username&quot;: &quot;ada&quot;" in detail.text
    assert "pw-123456" not in detail.text


async def test_diff_of_an_addition_in_a_list(live_socket):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("add_todo", text="Buy milk")

    rows = diff_rows(await panel_get(live_socket, "diff", seq=1))

    assert [(path, kind) for path, kind, *_ in rows] == [
        ("items[id=3]", "djtt-added"),
        ("next_id", "djtt-changed"),
    ]
    assert "Buy milk" in rows[0][3]


async def test_compare_two_events(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")

    response = await panel_get(live_socket, "diff", seq=3, against=1)

    assert "State after #1 → state after #3" in response.text
    assert diff_rows(response) == [("count", "djtt-changed", "1", "3")]


async def test_full_state_tree_one_level_at_a_time(live_socket):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("toggle_todo", todo_id=2)

    top = await panel_get(live_socket, "state", seq=1, which="before", path="[]")
    items = await panel_get(live_socket, "state", seq=1, which="after", path='["items", {"id": 2}]')

    assert top.status_code == items.status_code == 200
    assert "items" in top.text and "next_id" in top.text
    assert "Try time travel" in items.text and "true" in items.text


async def test_big_state_pages_and_truncated_frames_still_diff(live_socket):
    await live_socket.mount(BIG, "/big/")
    frames = await live_socket.event("shuffle")
    pushed = next(f for f in frames if f["type"] == "time_travel_event")
    assert pushed["entry"].get("_truncated") is True  # djust cut the frame ...

    rows = diff_rows(await panel_get(live_socket, "diff", seq=1))  # ... the panel reads the buffer
    assert ("rows", "djtt-reordered") in [(p, k) for p, k, *_ in rows]
    assert ("shuffles", "djtt-changed", "0", "1") in rows

    page = await panel_get(live_socket, "state", seq=1, which="after", path='["rows"]')
    assert page.text.count("<li>") == 101  # 100 items and "Show 900 more"
    assert "Show 900 more" in page.text
    rest = await panel_get(live_socket, "state", seq=1, which="after", path='["rows"]', offset=900)
    assert "Show" not in rest.text and rest.text.count("<li>") == 100


async def test_filters_by_event_error_key_and_text(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)
    await live_socket.event("explode")
    await live_socket.event("reset")

    assert row_seqs(await panel_get(live_socket, "timeline", event="incr")) == ["1"]
    assert row_seqs(await panel_get(live_socket, "timeline", errors="1")) == ["3"]
    assert row_seqs(await panel_get(live_socket, "timeline", key="count")) == ["4", "2", "1"]
    text = await panel_get(live_socket, "timeline", q="amount")
    assert row_seqs(text) == ["2"]
    assert "<mark>amount</mark>" in text.text
    assert row_seqs(await panel_get(live_socket, "timeline", q="nothing-like-this")) == []


async def test_filters_hold_on_incremental_refresh(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    assert row_seqs(await panel_get(live_socket, "timeline", event="reset")) == []
    await live_socket.event("reset")
    await live_socket.event("increment")
    assert row_seqs(await panel_get(live_socket, "timeline", event="reset", after=1)) == ["2"]


async def test_search_finds_state_values_and_says_where(live_socket):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("add_todo", text="Buy oat milk")

    response = await panel_get(live_socket, "timeline", q="oat milk")

    assert row_seqs(response) == ["1"]
    assert "items[id=3].text (after)" in response.text


async def test_secrets_never_leave_the_server(live_socket):
    await live_socket.mount(PROFILE, "/profile/")
    await live_socket.event(
        "save", username="ada", email="ada@example.com", password=PASSWORD, api_token=TOKEN
    )
    responses = [
        await panel_get(live_socket, "timeline"),
        await panel_get(live_socket, "timeline", q="ada"),
        await panel_get(live_socket, "diff", seq=1),
        await panel_get(live_socket, "state", seq=1, which="after", path="[]"),
        await panel_get(live_socket, "state", seq=1, which="after", path='["password"]'),
        await panel_get(live_socket, "locate", seq=1),
    ]
    for response in responses:
        assert response.status_code == 200, response.content
        body = response.content.decode()
        assert PASSWORD not in body and TOKEN not in body
        assert "correct-horse" not in body and "0123456789abcdef" not in body
    diff = diff_rows(responses[2])
    assert ("password", "djtt-changed djtt-masked", "•••• masked", "•••• masked") in diff
    assert ("username", "djtt-changed", '""', '"ada"') in diff


async def test_a_masked_value_never_matches_a_search(live_socket):
    await live_socket.mount(PROFILE, "/profile/")
    await live_socket.event("save", username="ada", password=PASSWORD, api_token=TOKEN)

    for needle in (PASSWORD, "horse", TOKEN[:8], "masked", "••••"):
        assert row_seqs(await panel_get(live_socket, "timeline", q=needle)) == [], needle


async def test_component_diff_is_grouped_and_restores_one_component(live_socket):
    await live_socket.mount(COMPONENTS, "/components/")
    await live_socket.send(
        {"type": "event", "event": "increment", "params": {"component_id": "counter"}, "ref": 1}
    )
    await live_socket.receive_until("patch")
    await live_socket.send(
        {"type": "event", "event": "flip", "params": {"component_id": "lamp"}, "ref": 2}
    )
    await live_socket.receive_until("patch")

    response = await panel_get(live_socket, "diff", seq=1)
    assert 'data-djtt-component="counter"' in response.text
    assert "Restore component before" in response.text
    assert [(p, k) for p, k, *_ in diff_rows(response)] == [("count", "djtt-changed")]

    located = (await panel_get(live_socket, "locate", seq=1)).json()
    await live_socket.send(
        {
            "type": "time_travel_component_jump",
            "index": located["index"],
            "component_id": "counter",
            "which": "before",
        }
    )
    await live_socket.receive_until("time_travel_state")
    snapshot = live_socket.view._capture_snapshot_state()["__components__"]
    assert snapshot["counter"]["count"] == 0
    assert snapshot["lamp"]["on"] is True  # the other component kept its state


async def test_unrecorded_attributes_are_named(live_socket):
    await live_socket.mount("tests.support.live_views.UnserializableView", "/unserializable/")
    await live_socket.event("touch")

    response = await panel_get(live_socket, "timeline")

    assert "not recorded" in response.text
    assert "<code>lock</code>" in response.text
    assert "<code>touched</code>" not in response.text


@pytest.mark.parametrize(
    "name, params, message",
    [
        ("diff", {}, "'seq' parameter is required"),
        ("diff", {"seq": "1", "against": "x"}, "'against' parameter must be a whole number"),
        ("state", {"seq": "1", "which": "middle"}, "'which' parameter must be"),
        ("state", {"seq": "1", "path": "{"}, "must be a JSON list"),
        ("state", {"seq": "1", "path": "[true]"}, "Path parts must be"),
        ("state", {"seq": "1", "path": '["nope"]'}, "Nothing is recorded at that path"),
        ("timeline", {"errors": "yes"}, "'errors' filter must be 1 or 0"),
        ("timeline", {"q": "x" * 201}, "longer than 200 characters"),
    ],
)
async def test_bad_inspection_queries_get_400(live_socket, name, params, message):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    response = await panel_get(live_socket, name, **params)

    assert response.status_code == 400
    assert message in response.text
    assert live_socket.view.count == 1


async def test_evicted_or_unknown_event_is_404_with_a_message(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    for name in ("diff", "state"):
        response = await panel_get(live_socket, name, seq=7)
        assert response.status_code == 404
        assert "Event #7 is no longer held" in response.text


async def test_diff_of_a_big_state_is_computed_once_per_snapshot(live_socket):
    from ddt_timetravel.display import diff_view

    await live_socket.mount(BIG, "/big/")
    await live_socket.event("shuffle")
    snapshot = live_socket.view._time_travel_buffer.jump(0)
    first = diff_view.event_diff(snapshot)
    await panel_get(live_socket, "diff", seq=1)
    assert diff_view.event_diff(snapshot) is first
    assert json.dumps(str(first))  # a real diff, not a placeholder


async def test_diff_of_a_tiny_state_is_not_kept(live_socket):
    from ddt_timetravel.core import memo

    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    response = await panel_get(live_socket, "diff", seq=1)

    assert response.status_code == 200 and "count" in response.text
    assert memo.held([live_socket.view._time_travel_buffer.jump(0)]) == []


async def test_big_values_in_a_diff_expand_through_the_state_tree(live_socket):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("add_todo", text="x" * 500)

    response = await panel_get(live_socket, "diff", seq=1)

    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    nodes = [
        d.attrib
        for d in document.iter("details")
        if d.attrib.get("data-djtt-state-path", "[]") != "[]"
    ]
    assert {
        "data-djtt-node": "",
        "data-djtt-state-seq": "1",
        "data-djtt-state-which": "after",
        "data-djtt-state-path": '["items", {"id": 3}]',
    } in nodes
    assert "500 B" not in response.text  # the row is a dict, not a long string
    text = await panel_get(
        live_socket, "state", seq=1, which="after", path='["items", {"id": 3}, "text"]'
    )
    assert "x" * 500 in text.text
