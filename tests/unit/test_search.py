"""Timeline filters: validated parameters, key filters on the diff's paths, masked text."""

from __future__ import annotations

import pytest
from djust.time_travel import EventSnapshot

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.search import (
    MAX_FILTER_LENGTH,
    MAX_FOUND_PATHS,
    BadFilter,
    Filters,
    key_changed,
    match,
    text_matches,
)


def snapshot(before=None, after=None, name="save", params=None, error=None) -> EventSnapshot:
    return EventSnapshot(
        event_name=name,
        params=params or {},
        ref=None,
        ts=0.0,
        state_before=before or {},
        state_after=after or {},
        error=error,
    )


# -- parameters ------------------------------------------------------------------


def test_filters_from_query_strip_and_read_every_field():
    filters = Filters.from_query({"event": " inc ", "key": "items", "q": "x", "errors": "1"})
    assert filters == Filters("inc", True, "items", "x")
    assert filters.active
    assert not Filters.from_query({"errors": "0"}).active
    assert Filters.from_query({}) == Filters()


@pytest.mark.parametrize("name", ["event", "key", "q"])
def test_a_filter_longer_than_the_limit_is_refused_with_its_name(name):
    assert Filters.from_query({name: "a" * MAX_FILTER_LENGTH}).active
    with pytest.raises(BadFilter, match=f"'{name}' filter is longer than {MAX_FILTER_LENGTH}"):
        Filters.from_query({name: "a" * (MAX_FILTER_LENGTH + 1)})


@pytest.mark.parametrize("value", ["yes", "true", "2", " 1"])
def test_errors_must_be_one_or_zero(value):
    with pytest.raises(BadFilter) as refused:
        Filters.from_query({"errors": value})
    assert str(refused.value) == "The 'errors' filter must be 1 or 0."


@pytest.mark.parametrize(
    "field", [Filters(event="x"), Filters(errors_only=True), Filters(key="x"), Filters(text="x")]
)
def test_each_filter_alone_makes_the_filters_active(field):
    assert field.active


# -- key filters -------------------------------------------------------------------


def test_a_key_matches_the_path_itself_and_what_lies_below_it():
    event = snapshot({"form": {"name": "a"}, "items": [1]}, {"form": {"name": "b"}, "items": [2]})
    assert key_changed(event, "form.name")
    assert key_changed(event, "form")
    assert key_changed(event, "items")  # items[0] changed
    assert not key_changed(event, "form.nam")
    assert not key_changed(event, "for")
    assert not key_changed(event, "count")


def test_a_key_inside_a_value_that_was_replaced_whole_matches():
    # The diff names only "items" (a list where there was nothing), not items[0].
    event = snapshot({"items": None}, {"items": [{"text": "a"}]})
    assert key_changed(event, "items[0]")
    assert key_changed(event, "items[0].text")
    assert not key_changed(event, "itemsx[0]")
    assert not key_changed(event, "other[0]")


def test_list_items_with_ids_are_named_by_id():
    before = {"todos": [{"id": 1, "done": False}, {"id": 2, "done": False}]}
    after = {"todos": [{"id": 1, "done": False}, {"id": 2, "done": True}]}
    event = snapshot(before, after)
    assert key_changed(event, "todos[id=2].done")
    assert key_changed(event, "todos[id=2]")
    assert not key_changed(event, "todos[id=1]")


# -- free text ----------------------------------------------------------------------


def test_text_is_found_in_the_name_the_params_and_each_side_of_the_state():
    event = snapshot({"note": "Hello"}, {"note": "hello world"}, name="greet", params={"who": "X"})
    masker = Masker()
    assert text_matches(event, "HELLO", masker) == ["note (before and after)"]
    assert text_matches(event, "world", masker) == ["note (after)"]
    assert text_matches(event, "gree", masker) == ["event"]
    assert text_matches(event, "x", masker) == ["params"]
    assert text_matches(event, "who", masker) == ["params"]  # param names too
    assert text_matches(event, "absent", masker) is None


def test_text_never_matches_a_masked_value_or_its_marker():
    event = snapshot({}, {"password": "hunter2", "note": "fine"}, params={"token": "abc123"})
    masker = Masker()
    assert text_matches(event, "hunter2", masker) is None
    assert text_matches(event, "abc123", masker) is None
    assert text_matches(event, "•", masker) is None
    assert text_matches(event, "masked", masker) is None


def test_at_most_a_few_state_paths_are_named():
    after = {f"k{i}": "needle" for i in range(MAX_FOUND_PATHS + 3)}
    found = text_matches(snapshot({}, after), "needle", Masker())
    assert found == [f"k{i} (after)" for i in range(MAX_FOUND_PATHS)]


def test_lists_in_params_are_searched_and_nested_list_items_are_named_by_id():
    groups = [{"id": 1, "todos": [{"id": 7, "text": "buy needle"}]}]
    event = snapshot({}, {"groups": groups}, params={"tags": ["x", "needle"]})
    assert text_matches(event, "needle", Masker()) == [
        "params",
        "groups[id=1].todos[id=7].text (after)",
    ]


def test_the_mask_marker_left_inside_a_partly_masked_text_never_matches():
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
    event = snapshot({}, {"note": f"call the API with Bearer {token} today"})
    shown = Masker().event(event).state_after["note"]
    assert token not in str(shown) and "today" in str(shown)
    assert text_matches(event, "today", Masker()) == ["note (after)"]
    for marker_text in ("masked", "••••"):
        assert text_matches(event, marker_text, Masker()) is None, marker_text


def test_numbers_are_searched_as_text_and_none_never_matches():
    event = snapshot({"count": None}, {"count": 1234})
    assert text_matches(event, "23", Masker()) == ["count (after)"]
    assert text_matches(event, "none", Masker()) is None


# -- all filters together -------------------------------------------------------------


def test_match_combines_every_filter_and_returns_the_state_paths_found():
    event = snapshot({"note": "a"}, {"note": "needle"}, name="Save_Note", params={"n": "needle"})
    failed = snapshot({}, {}, name="save_note", error="boom")
    masker = Masker()
    assert match(event, Filters(), masker) == ()
    assert match(event, Filters(event="save"), masker) == ()
    assert match(event, Filters(event="load"), masker) is None
    assert match(event, Filters(errors_only=True), masker) is None
    assert match(failed, Filters(errors_only=True), masker) == ()
    assert match(event, Filters(key="note"), masker) == ()
    assert match(event, Filters(key="count"), masker) is None
    assert match(event, Filters(text="needle"), masker) == ("note (after)",)
    assert match(event, Filters(text="save_"), masker) == ()  # found in the name only
    assert match(event, Filters(text="absent"), masker) is None
