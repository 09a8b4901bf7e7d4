"""One event's cost from its measured turn: the thresholds, the N+1 groups, the sizes.

Built from turns made by hand, so each boundary is exact; the socket tests
(``tests/endpoints/test_cost.py``) show the same numbers come from djust's real turns.
"""

from __future__ import annotations

import pytest
from django.test import override_settings
from djust.time_travel import EventSnapshot

from ddt_timetravel.core.cost import Thresholds, build_cost, state_size
from ddt_timetravel.core.masking import Masker, is_masked
from ddt_timetravel.recording.turns import TurnCost, TurnQuery, cost_thresholds

THRESHOLDS = Thresholds(slow_ms=50, many_queries=3)


def snapshot(before=None, after=None, params=None) -> EventSnapshot:
    return EventSnapshot(
        event_name="save",
        params=params or {},
        ref=None,
        ts=0.0,
        state_before=before or {},
        state_after=after or {},
    )


def query(sql: str = "SELECT 1", params: tuple = (), ms: float = 1.0) -> TurnQuery:
    return TurnQuery(
        sql=sql, params=params, ms=ms, source="app.py:1 in f", template="", phase="handler"
    )


def turn(handler_ms: float | None = 1.0, queries: tuple[TurnQuery, ...] = ()) -> TurnCost:
    return TurnCost(
        kind="event", handler_ms=handler_ms, render_ms=2.0, patch_bytes=10, queries=queries
    )


def test_the_live_thresholds_are_the_projects_settings():
    with override_settings(DDT_TIMETRAVEL={"SLOW_EVENT_MS": 50, "MANY_QUERIES": 3}):
        assert cost_thresholds() == THRESHOLDS


@pytest.mark.parametrize(("handler_ms", "slow"), [(49.9, False), (50, True), (50.1, True)])
def test_an_event_is_slow_from_the_threshold_on(handler_ms, slow):
    assert build_cost(snapshot(), turn(handler_ms), Masker(), THRESHOLDS).slow is slow


def test_an_unmeasured_handler_is_never_slow():
    cost = build_cost(snapshot(), turn(None), Masker(), THRESHOLDS)
    assert cost.measured and not cost.slow


@pytest.mark.parametrize(("count", "heavy"), [(2, False), (3, True), (4, True)])
def test_an_event_is_heavy_from_the_query_threshold_on(count, heavy):
    queries = tuple(query(f"SELECT {n}") for n in range(count))
    cost = build_cost(snapshot(), turn(queries=queries), Masker(), THRESHOLDS)
    assert cost.heavy is heavy
    assert cost.repeated == ()


def test_sql_run_twice_is_a_repeat_and_makes_the_event_heavy():
    queries = (query("SELECT a", (1,)), query("SELECT a", (2,)), query("SELECT a", (2,)))
    cost = build_cost(snapshot(), turn(queries=queries), Masker(), THRESHOLDS)
    assert [(r.sql, r.count, r.duplicates) for r in cost.repeated] == [("SELECT a", 3, 2)]
    assert [(q.similar, q.duplicates) for q in cost.queries] == [(3, 1), (3, 2), (3, 2)]
    assert cost.duplicated == 3
    with override_settings(DDT_TIMETRAVEL={"MANY_QUERIES": 100}):
        assert build_cost(snapshot(), turn(queries=queries[:2]), Masker(), THRESHOLDS).heavy


def test_without_a_turn_only_the_state_size_is_known():
    event = snapshot({"a": 1}, {"a": 1, "b": "xyz"})
    cost = build_cost(event, None, Masker(), THRESHOLDS)
    assert not cost.measured
    assert (cost.handler_ms, cost.render_ms, cost.patch_bytes) == (None, None, None)
    assert cost.queries == () and not cost.slow and not cost.heavy
    assert cost.state_bytes == state_size(event.state_after) == len('{"a": 1, "b": "xyz"}')
    assert cost.state_growth == len(', "b": "xyz"')


@pytest.mark.parametrize(
    ("before", "after", "growth"),
    [({"a": 1}, {"a": 2}, "+0 B"), ({"a": 1}, {"a": 12}, "+1 B"), ({"a": 12}, {"a": 1}, "−1 B")],
)
def test_growth_is_signed_and_zero_counts_as_growth(before, after, growth):
    assert build_cost(snapshot(before, after), None, Masker(), THRESHOLDS).growth == growth


def test_query_params_are_masked_with_the_event_and_times_add_up():
    event = snapshot(after={"password": "hunter2"})
    queries = (query("SELECT a WHERE p = %s", ("hunter2",), 1.5), query("SELECT b", (), 2.0))
    cost = build_cost(event, turn(queries=queries), Masker(), THRESHOLDS)
    assert [is_masked(p) for p in cost.queries[0].params] == [True]
    assert cost.queries[0].raw_params == ("hunter2",)
    assert cost.queries[1].params_text == ""
    assert cost.query_ms == 3.5
    assert (cost.handler_ms, cost.render_ms, cost.patch_size) == (1.0, 2.0, "10 B")
