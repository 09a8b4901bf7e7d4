"""Display of diffs, the state tree and search, as pure functions."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from djust.time_travel import EventSnapshot
from hypothesis import given, settings
from hypothesis import strategies as st

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.search import Filters, match
from ddt_timetravel.display import state_tree
from ddt_timetravel.display.diff_view import build_view, changed_paths, raw_diff


def view_of(before, after, masker=None):
    masker = masker or Masker()
    return build_view(raw_diff(before, after), before, after, masker)


def test_components_are_grouped():
    before = {"title": "x", "__components__": {"a": {"n": 1}, "b": {"n": 1}}}
    after = {"title": "y", "__components__": {"a": {"n": 2}, "b": {"n": 1}}}
    groups = view_of(before, after).groups
    assert [(g.component_id, [line.path for line in g.lines]) for g in groups] == [
        ("", ["title"]),
        ("a", ["n"]),
    ]


def test_secret_subtree_is_one_masked_line():
    before = {"auth": {"token": "t1", "user": "u"}, "n": 1}
    after = {"auth": {"token": "t2", "user": "v"}, "n": 1}
    view = view_of(before, after)
    lines = view.groups[0].lines
    assert [(line.path, line.masked, line.before.text, line.after.text) for line in lines] == [
        ("auth", True, "•••• masked", "•••• masked")
    ]
    assert [u.key for u in view.unchanged] == ["n"]


def test_many_changes_are_capped():
    # (A long list changed everywhere is one "list replaced" line: tests/unit/test_diff.py.)
    before = {"values": {f"k{v}": v for v in range(1000)}}
    after = {"values": {f"k{v}": -v - 1 for v in range(1000)}}
    group = view_of(before, after).groups[0]
    assert len(group.lines) == 300 and group.hidden > 0


def test_changed_paths_include_components():
    raw = raw_diff(
        {"__components__": {"lamp": {"on": False}}}, {"__components__": {"lamp": {"on": True}}}
    )
    assert changed_paths(raw) == ["component:lamp.on"]


def test_tree_resolves_ids_positions_and_stops_at_secrets():
    state = {"items": [{"id": 7, "t": "a"}], "creds": {"password": "p"}}
    masker = Masker()
    assert state_tree.resolve(state, ["items", {"id": 7}, "t"], masker) == "a"
    assert state_tree.resolve(state, ["items", 0, "t"], masker) == "a"
    assert str(state_tree.resolve(state, ["creds", "password"], masker)) == "•••• masked"
    with pytest.raises(state_tree.BadPath):
        state_tree.resolve(state, ["items", 3], masker)


def test_tree_children_page_and_mask():
    items, remaining = state_tree.children(list(range(250)), ["xs"], Masker(), offset=100)
    assert [i.label for i in items][:2] == ["[100]", "[101]"] and remaining == 50
    items, _ = state_tree.children({"api_key": "k", "n": 1}, [], Masker())
    assert [(i.label, i.text, i.masked) for i in items] == [
        ("api_key", "•••• masked", True),
        ("n", "1", False),
    ]


def snapshot(name="save", params=None, before=None, after=None, error=None):
    return EventSnapshot(
        event_name=name,
        params=params or {},
        ref=None,
        ts=0.0,
        state_before=before or {},
        state_after=after or {},
        error=error,
    )


def test_search_matches_name_params_and_state_but_not_secrets():
    masker = Masker()
    event = snapshot(params={"q": "apple"}, after={"fruit": "banana", "password": "cherry"})
    assert match(event, Filters(text="SAVE"), masker) == ()
    assert match(event, Filters(text="appl"), masker) == ()
    assert match(event, Filters(text="nana"), masker) == ("fruit (after)",)
    assert match(event, Filters(text="cherry"), masker) is None
    assert match(event, Filters(errors_only=True), masker) is None
    assert match(snapshot(error="x"), Filters(errors_only=True), masker) == ()


def test_key_filter_matches_paths_and_prefixes():
    event = snapshot(
        before={"items": [{"id": 1, "done": False}]}, after={"items": [{"id": 1, "done": True}]}
    )
    masker = Masker()
    for key in ("items", "items[id=1]", "items[id=1].done"):
        assert match(event, Filters(key=key), masker) == (), key
    assert match(event, Filters(key="item"), masker) is None
    assert match(event, Filters(key="other"), masker) is None


SECRET_NAMES = ["password", "api_token", "apiKey", "client_secret", "session_id", "csrf"]
plain_key = st.sampled_from(["a", "b", "items", "count", "name", "x"])
secret = st.text(alphabet="QWXZ", min_size=12, max_size=16).map(lambda s: "S3CR3T" + s)


@st.composite
def state_with_secrets(draw):
    secrets = []

    def build(depth):
        node = {}
        for _ in range(draw(st.integers(1, 3))):
            if draw(st.booleans()):
                value = draw(secret)
                secrets.append(value)
                node[draw(st.sampled_from(SECRET_NAMES))] = value
            elif depth < 4 and draw(st.booleans()):
                node[draw(plain_key)] = build(depth + 1)
            elif depth < 4 and draw(st.booleans()):
                node[draw(plain_key)] = [build(depth + 1)]
            else:
                node[draw(plain_key)] = draw(st.integers(0, 9))
        return node

    return build(0), secrets


@settings(max_examples=150, deadline=None)
@given(state_with_secrets(), state_with_secrets())
def test_no_secret_value_appears_in_a_rendered_diff(first, second):
    (before, secrets_a), (after, secrets_b) = first, second
    view = view_of(before, after)
    html = render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view})
    items, _ = state_tree.children(after, [], Masker())
    tree = render_to_string(
        "ddt_timetravel/node.html", {"items": items, "seq": 1, "which": "after"}
    )
    for value in secrets_a + secrets_b:
        assert value not in html and value not in tree
