"""The structural differ: readable lines, and a diff that replays exactly."""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ddt_timetravel.core.diff import (
    MISSING,
    SHORT_LIST,
    apply,
    diff,
    flatten,
    format_path,
    same,
    same_items,
)


def lines(before, after):
    return [
        (line.text_path, line.kind, line.before, line.after)
        for line in flatten(diff(before, after))
    ]


def test_nested_dict_change_has_a_path():
    assert lines({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}}) == [("a.c", "changed", 2, 3)]


def test_added_and_removed_keys():
    result = lines({"old": 1, "kept": 0}, {"kept": 0, "new": 2})
    assert ("old", "removed", 1, MISSING) in result
    assert ("new", "added", MISSING, 2) in result
    assert len(result) == 2


def test_list_of_dicts_with_ids_by_id():
    before = {
        "items": [{"id": 1, "done": False}, {"id": 2, "done": False}, {"id": 3, "done": False}]
    }
    after = {"items": [{"id": 1, "done": False}, {"id": 3, "done": True}]}
    assert [(p, k) for p, k, *_ in lines(before, after)] == [
        ("items[id=2]", "removed"),
        ("items[id=3].done", "changed"),
    ]


def test_insert_in_the_middle_of_an_id_list_is_one_addition():
    before = [{"id": i} for i in range(10)]
    after = [*before[:5], {"id": 99}, *before[5:]]
    assert [(p, k) for p, k, *_ in lines(before, after)] == [("[id=99]", "added")]


def test_plain_append_and_middle_removal():
    assert lines([1, 2, 3], [1, 2, 3, 4]) == [("[3]", "added", MISSING, 4)]
    assert [(p, k, b) for p, k, b, _ in lines(["a", "b", "c", "d"], ["a", "c", "d"])] == [
        ("[1]", "removed", "b")
    ]


def test_plain_change_in_the_middle():
    assert lines([1, 2, 3, 4], [1, 2, 9, 4]) == [("[2]", "changed", 3, 9)]


def test_reorder_of_id_list_is_one_line():
    before = [{"id": i, "v": i} for i in range(1000)]
    after = list(reversed(before))
    assert lines({"rows": before}, {"rows": after}) == [("rows", "reordered", MISSING, 1000)]


def test_same_tells_bool_from_int():
    assert not same(1, True)
    assert not same(1, 1.0)
    assert same({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    assert lines({"x": 1}, {"x": True}) == [("x", "changed", 1, True)]


def test_format_path_quotes_odd_keys():
    assert format_path(("a b", 0, ("id", "x"), "c")) == '["a b"][0][id="x"].c'


json_leaf = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3), st.floats(allow_nan=False)
)
json_value = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(st.text(max_size=3), children, max_size=5),
        st.lists(st.fixed_dictionaries({"id": st.integers(0, 8), "v": children}), max_size=6),
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(json_value, json_value)
def test_applying_the_diff_to_before_gives_after(before, after):
    assert same(apply(before, diff(before, after)), after)


@settings(max_examples=100, deadline=None)
@given(json_value)
def test_no_diff_between_equal_values(value):
    assert diff(value, value) is None
    assert list(flatten(diff(value, value))) == []


# -- long lists: linear alignment ------------------------------------------------------


def test_one_change_in_a_long_list_of_equal_cells_is_one_line():
    board = [""] * 5000
    after = [*board[:2500], "X", *board[2501:]]
    assert lines(board, after) == [("[2500]", "changed", "", "X")]


def test_an_insert_and_a_removal_in_a_long_list_are_two_lines():
    before = [f"row {i}" for i in range(5000)]
    after = [*before[:1000], "new", *before[1000:3000], *before[3001:]]
    assert [(p, k) for p, k, *_ in lines(before, after)] == [
        ("[1000]", "added"),
        ("[3000]", "removed"),
    ]


def test_a_long_list_moved_around_unique_items_aligns_on_them():
    before = [f"row {i}" for i in range(3000)]
    after = [*before[:100], *before[2000:2100], *before[100:2000], *before[2100:]]
    result = lines(before, after)
    assert result and len(result) <= 200  # the moved block, not every later index
    assert same(apply(before, diff(before, after)), after)


def test_a_long_list_changed_everywhere_is_one_replaced_line_with_its_count():
    before = [i % 3 for i in range(5000)]
    after = [(i + 1) % 3 if i % 10 == 0 else i % 3 for i in range(5000)]
    [line] = flatten(diff({"board": before}, {"board": after}))
    assert (line.text_path, line.kind) == ("board", "changed")
    assert line.note == "list replaced: 5000 → 5000 items, 500 changed positions"


def test_long_lists_of_other_lengths_without_anchors_are_replaced():
    before = [i % 2 for i in range(1000)]
    after = [1, *before[:500], 1, 1, *before[500:]]
    [line] = flatten(diff(before, after))
    assert line.note.startswith("list replaced: 1000 → 1003 items")


def old_opcodes(before, after):
    """The alignment of short lists before linear alignment: difflib on JSON fingerprints."""
    import json
    from difflib import SequenceMatcher

    def fingerprint(item):
        return json.dumps(item, sort_keys=True, default=repr, allow_nan=True)

    return SequenceMatcher(
        None, [fingerprint(i) for i in before], [fingerprint(i) for i in after], autojunk=False
    ).get_opcodes()


short_lists = st.lists(
    st.one_of(st.integers(0, 3), st.booleans(), st.sampled_from(["a", 1.0])), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(short_lists, short_lists)
def test_short_lists_align_as_before(before, after):
    from ddt_timetravel.core.diff import _opcodes

    assert _opcodes(before, after) == old_opcodes(before, after)


@st.composite
def long_list_pairs(draw):
    """A long list and an edited copy: cells changed, runs inserted, removed or moved."""
    size = draw(st.integers(SHORT_LIST + 1, 700))
    alphabet = draw(st.sampled_from([3, 50, 10_000]))  # many repeats, some, none
    before = [
        draw(st.integers(0, alphabet)) if i < 20 else (i * 7919) % alphabet for i in range(size)
    ]
    after = list(before)
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, len(after)))
        action = draw(st.sampled_from(["change", "insert", "remove", "move"]))
        if action == "change" and where < len(after):
            after[where] = -where
        elif action == "insert":
            after[where:where] = [-1] * draw(st.integers(1, 30))
        elif action == "remove":
            del after[where : where + draw(st.integers(1, 30))]
        elif action == "move":
            block = after[where : where + 40]
            del after[where : where + 40]
            to = draw(st.integers(0, len(after)))
            after[to:to] = block
    return before, after


@settings(max_examples=150, deadline=None)
@given(long_list_pairs())
def test_applying_the_diff_of_long_lists_gives_after(pair):
    before, after = pair
    assert same(apply(before, diff(before, after)), after)


def test_same_items_of_keyed_lists_in_another_order():
    rows = [{"id": i, "name": f"Row {i}"} for i in range(50)]
    assert same_items(rows, list(reversed(rows)))
    changed = [*rows[1:], {"id": 0, "name": "Renamed"}]
    assert not same_items(rows, changed)
    assert not same_items(rows, rows[1:])


def test_same_items_with_ids_of_both_kinds():
    mixed = [{"id": 1}, {"id": "1"}, {"id": "b"}, {"id": 2}]
    assert same_items(mixed, list(reversed(mixed)))
    assert not same_items(mixed, [{"id": 1}, {"id": "1"}, {"id": "b"}, {"id": 3}])


def test_same_items_counts_repeats_of_items_without_ids():
    assert same_items([1, 1, 2], [2, 1, 1])
    assert not same_items([1, 1, 2], [1, 2, 2])
    assert not same_items([{"v": 1}], [{"v": True}])


_keyed_rows = st.lists(
    st.fixed_dictionaries(
        {"id": st.integers(0, 6) | st.sampled_from(["a", "b", "0"]), "v": st.integers(0, 2)}
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(_keyed_rows, _keyed_rows)
def test_same_items_agrees_with_counting_every_item(before, after):
    def counted(items):
        return Counter(json.dumps(item, sort_keys=True) for item in items)

    assert same_items(before, after) == (counted(before) == counted(after))
