"""Bounds on what the panel walks: depth measured without parsing, text made encodable.

Values built by hand; ``tests/security/test_hostile_input.py`` sends the same
shapes through the endpoints and djust's consumer.
"""

from __future__ import annotations

import json

from djust.time_travel import EventSnapshot

from ddt_timetravel.core import limits
from ddt_timetravel.core.numbering import Entry

LONE = "a\ud800b"


def nested(depth: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def test_json_depth_is_measured_without_parsing_and_ignores_brackets_in_strings():
    assert limits.json_too_deep(b"[" * 2000 + b"]" * 2000, 100)
    assert not limits.json_too_deep(json.dumps(nested(100)).encode(), 100)
    assert limits.json_too_deep(json.dumps(nested(101)).encode(), 100)
    in_strings = json.dumps(["[[[[" * 100, '{"\\"[[[[', {"k": "]]]" * 50}]).encode()
    assert not limits.json_too_deep(in_strings, 3)
    assert limits.json_too_deep(in_strings, 1)


def test_displayable_keeps_clean_values_as_they_are():
    value = {"a": [1, {"b": "ok ✓"}], "c": nested(50)}
    shown, altered = limits.displayable(value)
    assert shown is value and not altered


def test_displayable_replaces_lone_surrogates_in_values_and_keys():
    for value in ({"k\udc00": [LONE, "\ud83d"]}, {"k\udc00": [LONE, (1, "\ud83d")], 2: None}):
        shown, altered = limits.displayable(value)  # JSON, and not JSON (tuple, int key)
        assert altered
        assert shown["k\ufffd"][0] == "a\ufffdb"
        json.dumps(shown, ensure_ascii=False).encode("utf-8")
    deep, altered = limits.displayable({"k": [nested(200, LONE)]})
    assert altered and "\ud800" not in json.dumps(deep, ensure_ascii=False)


def test_displayable_cuts_deep_nesting_iteratively():
    shown, altered = limits.displayable({"deep": nested(5000)}, max_depth=10)
    assert altered
    depth, value = 0, shown["deep"]
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    assert value == limits.TOO_DEEP and depth == 9  # the dict is level 0


def test_json_depth_counts_objects_and_arrays_alike():
    assert not limits.json_too_deep(b'{"a": {"b": [1]}}', 3)
    assert limits.json_too_deep(b'{"a": {"b": [1]}}', 2)
    assert not limits.json_too_deep(b"[[1], [2], [3], [4]]", 2)  # many, not deep


def test_too_deep_counts_lists_and_dicts_from_the_top_without_recursion():
    assert not limits.too_deep(nested(limits.MAX_DEPTH))
    assert limits.too_deep(nested(limits.MAX_DEPTH + 1))
    assert limits.too_deep({"a": [{"b": nested(limits.MAX_DEPTH - 2)}]})
    assert not limits.too_deep({"a": [{"b": nested(limits.MAX_DEPTH - 3)}]})
    assert limits.too_deep(nested(100_000))  # far past the interpreter's own stack
    assert not limits.too_deep("x" * 1000) and not limits.too_deep(None)


def test_clean_text_replaces_every_lone_surrogate_and_keeps_the_rest():
    assert limits.clean_text("plain") == "plain"
    assert limits.clean_text("✓ a\ud800b\udfff") == "✓ a\ufffdb\ufffd"
    assert limits.clean_text("😀") == "😀"


def snapshot(**fields: object) -> EventSnapshot:
    values: dict = {"params": {}, "state_before": {}, "state_after": {}, **fields}
    return EventSnapshot(
        "save", values["params"], None, 0.0, values["state_before"], values["state_after"]
    )


def shows_too_deep(value: object) -> bool:
    return limits.TOO_DEEP in json.dumps(value)


def test_a_clean_snapshot_is_shown_as_it_is_and_never_copied():
    recorded = snapshot(state_after={"count": 1})
    assert limits.displayable_snapshot(recorded) == (recorded, False)
    entry = Entry(seq=3, index=0, snapshot=recorded)
    assert limits.displayable_entry(entry) is entry


def test_an_altered_snapshot_is_a_copy_and_the_recording_stays_as_djust_kept_it():
    recorded = snapshot(params={"q": LONE}, state_after={"deep": nested(limits.MAX_DEPTH + 5)})
    shown, altered = limits.displayable_snapshot(recorded)
    assert altered and shown is not recorded
    assert shown.params == {"q": "a\ufffdb"}
    assert recorded.params == {"q": LONE}
    assert shows_too_deep(shown.state_after) and not shows_too_deep(recorded.state_after)
    entry = limits.displayable_entry(Entry(seq=3, index=2, snapshot=recorded))
    assert (entry.seq, entry.index, entry.altered) == (3, 2, True)
    assert entry.snapshot.params == {"q": "a\ufffdb"}
