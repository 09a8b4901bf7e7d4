"""How a replayed event is held to its recording: by key path, skipping what cannot be known."""

from __future__ import annotations

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.replay_compare import (
    MISSING,
    UNCHECKED,
    Skipped,
    changed_keys,
    expected_value,
    first_mismatch,
    judge,
    key_path,
)


def test_volatile_and_masked_parts_are_unchecked_at_any_depth():
    skipped: list[Skipped] = []
    value = [
        {"id": 1, "created_at": "x", "note": {"seen": "2026-12-04T03:52:28"}},
        {"id": 2, "password": "pw", "key": "9f1c3c1e-1b3a-4c3e-8e3a-3b1c3c1e1b3a"},
    ]

    expected = expected_value("items", value, Masker(), skipped)

    assert expected == [
        {"id": 1, "created_at": UNCHECKED, "note": {"seen": UNCHECKED}},
        {"id": 2, "password": UNCHECKED, "key": UNCHECKED},
    ]
    assert [(s.path, s.reason) for s in skipped] == [
        ("items[0].created_at", "volatile"),
        ("items[0].note.seen", "volatile"),
        ("items[1].password", "masked"),
        ("items[1].key", "volatile"),
    ]


def test_first_mismatch_names_the_deepest_differing_path():
    expected = {"items": [{"id": 1, "done": True}], "at": UNCHECKED}
    actual = {"items": [{"id": 1, "done": False}], "at": "now"}

    found = first_mismatch(expected, actual, ())

    assert found is not None and found.path == "items[0].done"
    assert (found.expected, found.actual) == (True, False)
    assert first_mismatch({"a": [1]}, {"a": [1, 2]}, ()).path == "a"
    assert first_mismatch({"a": 1}, {"a": 1, "b": 2}, ()).actual == 2
    assert first_mismatch({"a": UNCHECKED}, {"a": 5}, ()) is None


def test_judge_checks_changed_keys_then_keys_that_should_have_kept_their_value():
    before = {"count": 1, "label": "a", "stamp": 1}
    after = {"count": 2, "label": "b", "stamp": 2}

    assert judge({"count": 2}, before, after, {"stamp"}).path == "label"
    assert judge({"count": 2}, before, after, {"stamp"}).unchanged
    assert judge({"count": 3, "label": "b"}, before, after, {"stamp"}).path == "count"
    assert judge({"count": 2, "label": "b"}, before, after, {"stamp"}) is None


def test_changed_keys_and_paths():
    assert changed_keys({"a": 1, "b": 2}, {"a": True, "c": 3}) == ["a", "c", "b"]
    assert key_path(("__components__", "counter", "count")) == "__components__.counter.count"
    assert key_path(()) == "(the whole state)"
    assert repr(MISSING) == "<missing>" and repr(UNCHECKED) == "ANY"
