"""Reading an exported timeline back: every malformed file gets one clear sentence.

The documents are built by hand; ``tests/endpoints/test_export.py`` round-trips
real exports through the endpoints.
"""

from __future__ import annotations

import json

import pytest

from ddt_timetravel.exchange.json_export import FORMAT, READABLE_FORMATS
from ddt_timetravel.exchange.json_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_DEPTH,
    MAX_TIMESTAMP,
    BadImport,
    load,
)
from ddt_timetravel.recording import turns

VIEW = "demo_app.views.CounterView"


def event(seq=1, **fields):
    count = seq if isinstance(seq, int) else 0
    return {
        "seq": seq,
        "event_name": "increment",
        "params": {},
        "state_before": {"count": count - 1},
        "state_after": {"count": count},
        "ts": 1_700_000_000.5,
        **fields,
    }


def document(*events, **fields) -> bytes:
    return json.dumps({"format": FORMAT, "view": VIEW, "events": list(events), **fields}).encode()


def refused(data: bytes, expected_view: str | None = VIEW) -> str:
    with pytest.raises(BadImport) as caught:
        load(data, expected_view)
    return str(caught.value)


def test_a_valid_file_gives_its_header_and_snapshots_that_belong_to_no_view():
    header, entries = load(document(event(1), event(3, ref=7, error="boom")), VIEW)
    assert header == {"format": FORMAT, "view": VIEW}
    assert [(e.seq, e.index) for e in entries] == [(1, 0), (3, 1)]
    first, second = (e.snapshot for e in entries)
    assert (first.event_name, first.ts, first.ref, first.error) == (
        "increment",
        1.7e9 + 0.5,
        None,
        None,
    )
    assert (second.state_before, second.state_after) == ({"count": 2}, {"count": 3})
    assert (second.ref, second.error) == (7, "boom")


@pytest.mark.parametrize("readable", READABLE_FORMATS)
def test_every_readable_format_opens_on_any_page_when_no_view_is_expected(readable):
    header, entries = load(document(event(), format=readable), None)
    assert header["format"] == readable and len(entries) == 1


def test_a_measured_cost_comes_back_with_its_snapshot():
    cost = {
        "handler_ms": 1.5,
        "render_ms": 2,
        "patch_bytes": 30,
        "queries": [{"sql": "SELECT 1", "params": [1], "ms": 0.5, "phase": "render"}],
    }
    _, (entry,) = load(document(event(cost=cost)), VIEW)
    measured = turns.for_snapshot(entry.snapshot)
    assert measured.kind == "imported"
    assert (measured.handler_ms, measured.render_ms, measured.patch_bytes) == (1.5, 2, 30)
    assert measured.queries == (turns.TurnQuery("SELECT 1", (1,), 0.5, "", "", "render"),)
    _, (unmeasured,) = load(document(event(cost={"handler_ms": 1})), VIEW)
    assert turns.for_snapshot(unmeasured.snapshot) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff", "The file is not JSON"),
        (b"{", "The file is not JSON"),
        (b"[]", "not a ddt-timetravel export"),
        (
            json.dumps({"format": "other/1", "view": VIEW}).encode(),
            "The file's format is 'other/1'",
        ),
        (json.dumps({"format": FORMAT}).encode(), "does not name its view"),
        (document(view="demo_app.views.TodosView"), "captured on demo_app.views.TodosView"),
        (json.dumps({"format": FORMAT, "view": VIEW, "events": {}}).encode(), "no list of events"),
        (document(event(2), event(1)), "not in order"),
        (document(event(1), event(1)), "not in order"),
    ],
)
def test_a_malformed_document_is_refused_with_its_reason(data, message):
    assert message in refused(data)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("x", "Event 1 of the file is not an object."),
        (event(seq=0), "has no valid 'seq'"),
        (event(seq=True), "has no valid 'seq'"),
        (event(seq="1"), "has no valid 'seq'"),
        (event(event_name=""), "has no 'event_name'"),
        (event(params=[]), "'params' must be an object"),
        (event(state_after="x"), "'state_after' must be an object"),
        (event(ts=-1), "'ts' must be a Unix time"),
        (event(ts=MAX_TIMESTAMP + 1), "'ts' must be a Unix time"),
        (event(ts=True), "'ts' must be a Unix time"),
        (event(cost=[]), "'cost' must be an object"),
        (event(cost={"handler_ms": -1}), "cost 'handler_ms' must be a number"),
        (event(cost={"render_ms": "1"}), "cost 'render_ms' must be a number"),
        (event(cost={"queries": {}}), "cost 'queries' must be a list"),
        (event(cost={"queries": [1]}), "each cost query must be an object"),
        (event(cost={"queries": [{"ms": 1}]}), "a cost query has no 'sql'"),
        (event(cost={"queries": [{"sql": "S", "params": {}, "ms": 1}]}), "'params' must be a list"),
        (event(cost={"queries": [{"sql": "S", "ms": True}]}), "'ms' must be a number"),
        (event(cost={"queries": [{"sql": "S", "ms": 1, "phase": 2}]}), "a cost query is malformed"),
    ],
)
def test_a_malformed_event_is_refused_with_where_it_is(raw, message):
    assert message in refused(document(raw))


def test_the_last_second_of_year_9999_is_still_a_time():
    _, (entry,) = load(document(event(ts=MAX_TIMESTAMP)), VIEW)
    assert entry.snapshot.ts == MAX_TIMESTAMP


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    assert "larger than 20 MB" in refused(b" " * (MAX_IMPORT_BYTES + 1))
    assert "not JSON" in refused(b" " * MAX_IMPORT_BYTES)  # at the limit: read, then refused


def test_nesting_is_bounded_before_parsing():
    def nested(depth: int) -> dict:
        value: dict = {}
        for _ in range(depth):
            value = {"a": value}
        return value

    # document > events > event > state_after: three levels before the state itself.
    deep = event(state_after=nested(MAX_IMPORT_DEPTH - 3))
    assert f"more than {MAX_IMPORT_DEPTH} levels" in refused(document(deep))
    _, (entry,) = load(document(event(state_after=nested(MAX_IMPORT_DEPTH - 4))), VIEW)
    assert entry.snapshot.state_after
