"""The exported pytest module's text: literals laid out as ruff does, names, reasons.

Built from snapshots made by hand; ``tests/endpoints/test_pytest_export.py`` runs
modules exported from djust's real consumer.
"""

from __future__ import annotations

import ast
import datetime

import pytest
from djust.time_travel import EventSnapshot

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.numbering import Entry
from ddt_timetravel.core.replay_compare import MISSING, UNCHECKED
from ddt_timetravel.exchange import pytest_module as exported

COUNTER = "demo_app.views.CounterView"
CAPTURED = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def entry(seq, before, after, name="increment", params=None, ref=1, error=None) -> Entry:
    snapshot = EventSnapshot(
        event_name=name,
        params=params or {},
        ref=ref,
        ts=0.0,
        state_before=before,
        state_after=after,
        error=error,
    )
    return Entry(seq=seq, index=seq - 1, snapshot=snapshot)


# -- literals -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "None"),
        (True, "True"),
        (3, "3"),
        (2.5, "2.5"),
        (float("inf"), 'float("inf")'),
        (float("nan"), 'float("nan")'),
        ('é"x', '"é\\"x"'),
        (UNCHECKED, "ANY"),
        (MISSING, "MISSING"),
        ({}, "{}"),
        ([], "[]"),
        ((1, 2), "[1, 2]"),
        ({"a": [1, {"b": None}]}, '{"a": [1, {"b": None}]}'),
        ({1: "x"}, '{1: "x"}'),
    ],
)
def test_literals_are_python_source(value, text):
    assert exported.literal(value) == text


def test_a_literal_that_does_not_fit_has_one_item_a_line_with_a_trailing_comma():
    value = {"items": ["a" * 40, "b" * 40, "c" * 40]}
    assert exported.literal(value) == (
        "{\n"
        '    "items": [\n'
        f'        "{"a" * 40}",\n'
        f'        "{"b" * 40}",\n'
        f'        "{"c" * 40}",\n'
        "    ],\n"
        "}"
    )
    assert ast.literal_eval(exported.literal(value)) == value


def test_a_literal_fits_exactly_in_its_room():
    value = ["x" * 10]  # ["xxxxxxxxxx"]: 14 characters
    assert exported.literal(value, room=14) == '["xxxxxxxxxx"]'
    assert exported.literal(value, room=13) == '[\n    "xxxxxxxxxx",\n]'


# -- names and comments ---------------------------------------------------------------


def events_named(*names: str) -> list[exported.ExportedEvent]:
    return [
        exported.ExportedEvent(n, name, {}, (), None, {}, (), (), None)
        for n, name in enumerate(names, 1)
    ]


def test_the_test_is_named_after_the_view_and_its_first_four_event_names():
    assert exported.test_name(COUNTER, []) == "test_counter_view"
    assert (
        exported.test_name(COUNTER, events_named("increment", "add", "increment"))
        == "test_counter_view_increment_add"
    )
    names = events_named("a", "b", "c", "d", "e")
    assert exported.test_name(COUNTER, names) == "test_counter_view_a_b_c_d_and_more"
    four = events_named("a", "b", "c", "d")
    assert exported.test_name(COUNTER, four) == "test_counter_view_a_b_c_d"


def test_event_names_become_identifiers():
    names = events_named("toggleDone", "save-item!", "???", "HTTPGet")
    assert exported.test_name("app.MyView2", names) == (
        "test_my_view2_toggle_done_save_item_event_httpget"
    )


def test_comments_are_wrapped_to_the_line_length_and_printable():
    lines = exported.comment("word " * 40 + "\x00end", 4)
    assert all(line.startswith("    # ") for line in lines)
    assert all(len(line) <= exported.LINE_LENGTH for line in lines)
    assert len(lines) == 3
    assert lines[-1].endswith("?end")


# -- what each event does ----------------------------------------------------------------


def test_the_first_event_starts_from_its_recorded_state_and_says_why():
    first = exported.exported_events([entry(1, {"count": 0}, {"count": 1})], Masker())[0]
    assert first.restore.why == "Start from the state recorded before #1."
    assert first.restore.changes == {"count": 0}
    late = exported.exported_events([entry(7, {"count": 6}, {"count": 7})], Masker())[0]
    assert late.restore.why.startswith("The history before #7 is not in this test")


def test_a_restore_between_events_is_named():
    entries = [
        entry(1, {"count": 0}, {"count": 1}),
        entry(2, {"count": 1}, {"count": 2}),
        entry(3, {"count": 0}, {"count": 1}),  # "Restore before" #1 happened here
        entry(4, {"count": 9}, {"count": 10}),
    ]
    events = exported.exported_events(entries, Masker())
    assert events[1].restore is None
    assert events[2].restore.why.startswith("The page was restored here to the state before #1")
    assert events[2].restore.changes == {"count": 0}
    assert events[3].restore.why.startswith("The state changed between the previous event")


def test_a_forward_replay_is_named_after_the_event_it_replays():
    entries = [entry(1, {"n": 0}, {"n": 1}), entry(2, {"n": 0}, {"n": 1}, ref=None)]
    events = exported.exported_events(entries, Masker())
    assert events[1].restore.why.startswith("This event is a forward replay of #1")


def test_masked_values_are_neither_restored_nor_expected():
    start = {"password": "hunter2", "count": 0}
    events = exported.exported_events([entry(1, start, {**start, "count": 1})], Masker())
    assert events[0].restore.changes == {"count": 0}
    assert events[0].restore.masked == ("password",)
    assert "password" not in events[0].expected


def test_the_module_is_valid_python_that_names_the_view_and_has_no_secrets():
    entries = [
        entry(1, {"count": 0, "token": "s3cr3t-value"}, {"count": 1, "token": "s3cr3t-value"}),
        entry(2, {"count": 1, "token": "s3cr3t-value"}, {"count": 6, "token": "s3cr3t-value"}),
    ]
    entries[1].snapshot.event_name = "add"
    entries[1].snapshot.params = {"amount": 5}
    source = exported.pytest_module(COUNTER, entries, Masker(), captured_at=CAPTURED)
    tree = ast.parse(source)
    functions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert "test_counter_view_increment_add" in functions
    assert "from demo_app.views import CounterView" in source
    assert "events #1 to #2, at 2024-01-02T03:04:05+00:00" in source
    assert 'send(client, "add", amount=5)' in source
    assert "s3cr3t" not in source
    assert all(len(line) <= exported.LINE_LENGTH for line in source.splitlines())


def test_nothing_to_export_is_refused():
    with pytest.raises(ValueError, match="no events"):
        exported.pytest_module(COUNTER, [], Masker())


def test_the_view_slug_names_the_test_and_the_downloaded_files():
    assert exported.view_slug(COUNTER) == "counter_view"
    assert exported.test_name(COUNTER, []) == "test_counter_view"
