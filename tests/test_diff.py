"""The structural differ: readable lines, and a diff that replays exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ddt_timetravel.diff import MISSING, apply, diff, flatten, format_path, same


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
