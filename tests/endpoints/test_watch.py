"""Key history, watchpoints and charts through the endpoints, over djust's real consumer."""

from __future__ import annotations

import json

import html5lib
import pytest

from tests.support.panel_client import panel_get

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
PROFILE = "demo_app.views.ProfileView"
LIBRARY = "demo_app.views.LibraryView"
PASSWORD = "correct-horse-battery-staple-7"


def parse(response):
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def parse_html(text: str):
    return html5lib.parse(text, namespaceHTMLElements=False)


def svg(document, tag: str) -> list:
    """SVG elements by local name (html5lib keeps them in the SVG namespace)."""
    return [element for element in document.iter() if str(element.tag).endswith("}" + tag)]


async def count_to(live, amounts):
    await live.mount(COUNTER, url="/counter/")
    for amount in amounts:
        await live.event("add", amount=amount)


async def test_watch_finds_the_first_event_where_count_passed_3(live_socket):
    await count_to(live_socket, [1, 1, 2, -3, 5])  # counts 1, 2, 4, 1, 6
    response = await panel_get(live_socket, "watch", expr="count > 3")
    assert response.status_code == 200
    assert json.loads(response.content) == {"holds": [3, 5], "first": 3, "held": 5}
    changed = json.loads((await panel_get(live_socket, "watch", expr="changed(count)")).content)
    assert changed["holds"] == [1, 2, 3, 4, 5]


async def test_a_bad_expression_is_a_400_pointing_at_the_error(live_socket):
    await count_to(live_socket, [1])
    response = await panel_get(live_socket, "watch", expr="count >")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["position"] == 7 and "position 8" in body["error"]
    absent = json.loads((await panel_get(live_socket, "watch", expr="nope.deep == 1")).content)
    assert absent["holds"] == [] and absent["first"] is None


async def test_key_history_has_one_point_per_event(live_socket):
    await count_to(live_socket, [2, 0, 3])
    response = await panel_get(live_socket, "key", keypath="count")
    assert response.status_code == 200
    document = parse(response)
    points = [c for c in svg(document, "circle") if "data-djtt-select" in c.attrib]
    assert [c.attrib["data-djtt-select"] for c in points] == ["1", "2", "3"]
    rows = [tr for tr in document.iter("tr") if "data-djtt-key-point" in tr.attrib]
    assert [tr.attrib["class"] for tr in rows] == ["djtt-changed", "djtt-same", "djtt-changed"]
    assert "".join(rows[2].itertext()).split() == ["#3", "add", "2", "5", "amount=3"]


async def test_key_history_of_a_secret_says_only_changed(live_socket):
    await live_socket.mount(PROFILE, url="/profile/")
    await live_socket.event(
        "save", username="Ada", email="ada@example.com", password=PASSWORD, api_token="tok"
    )
    response = await panel_get(live_socket, "key", keypath="password")
    assert response.status_code == 200
    text = response.content.decode()
    assert PASSWORD not in text and "•••• masked" in text and "changed" in text
    assert "<circle" not in text  # not even its length is charted
    watched = await panel_get(live_socket, "watch", expr=f'password == "{PASSWORD}"')
    assert json.loads(watched.content)["holds"] == []


@pytest.mark.parametrize("key", ["", "count >", "a..b"])
async def test_a_bad_key_is_a_400(live_socket, key):
    await count_to(live_socket, [1])
    response = await panel_get(live_socket, "key", keypath=key)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")


async def test_the_strip_chart_marks_the_n_plus_one_event(live_socket):
    await live_socket.mount(LIBRARY, url="/library/")
    await live_socket.event("load_fast")
    await live_socket.event("load_slow")
    response = await panel_get(live_socket, "charts")
    assert response.status_code == 200
    bars = {
        g.attrib["data-djtt-bar"]: g.attrib["class"]
        for g in svg(parse(response), "g")
        if "data-djtt-bar" in g.attrib
    }
    assert set(bars) == {"1", "2"}
    assert "djtt-bar-n-plus-one" in bars["2"] and "djtt-bar-n-plus-one" not in bars["1"]


async def test_another_browser_gets_404(live_socket, open_live_socket):
    await count_to(live_socket, [1])
    other = await open_live_socket()
    await other.mount(COUNTER, url="/counter/")
    for name, params in (("watch", {"expr": "count > 0"}), ("key", {"keypath": "count"})):
        response = await panel_get(other, name, **params, session=live_socket.session_id)
        assert response.status_code == 404


async def test_a_component_key_has_a_history_from_the_views_root(live_socket):
    await live_socket.mount("demo_app.views.ComponentsView", url="/components/")
    await live_socket.send(
        {"type": "event", "event": "flip", "params": {"component_id": "lamp"}, "ref": 1}
    )
    await live_socket.receive_until("patch")
    diff = (await panel_get(live_socket, "diff", seq=1)).content.decode()
    buttons = [
        b.attrib["data-djtt-key-history"]
        for b in parse_html(diff).iter("button")
        if "data-djtt-key-history" in b.attrib
    ]
    assert buttons == ["__components__.lamp.on"]
    story = await panel_get(live_socket, "key", keypath=buttons[0])
    assert story.status_code == 200
    assert "1 change in 1 event" in story.content.decode()
