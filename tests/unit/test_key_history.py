"""A key's history over the events, and the geometry of the panel's charts."""

from __future__ import annotations

import pytest
from djust.time_travel import EventSnapshot

from ddt_timetravel.core.key_history import BadKey, key_history
from ddt_timetravel.core.masking import Masker
from ddt_timetravel.display.charts import EventCostFigures, line_chart, state_sizes, strip_chart


def snapshot(name: str, before: dict, after: dict, **params) -> EventSnapshot:
    return EventSnapshot(
        event_name=name,
        params=params,
        ref=1,
        ts=1_700_000_000.0,
        state_before=before,
        state_after=after,
        error=None,
    )


def counter_events(counts: list[int]) -> list[tuple[int, EventSnapshot]]:
    events = []
    previous = 0
    for seq, count in enumerate(counts, start=1):
        events.append((seq, snapshot("add", {"count": previous}, {"count": count}, amount=count)))
        previous = count
    return events


def test_one_point_per_event_with_the_changes_named():
    history = key_history("count", counter_events([1, 1, 5, 2]), Masker())
    assert [p.text for p in history.points] == ["1", "1", "5", "2"]
    assert [p.measure for p in history.points] == [1.0, 1.0, 5.0, 2.0]
    assert [p.seq for p in history.changes] == [1, 3, 4]
    assert history.changes[1].before_text == "1"
    assert history.changes[1].params == "amount=5"
    assert history.measure_label == "value"


def test_lists_and_strings_chart_their_length_and_absent_is_said():
    events = [
        (1, snapshot("add", {}, {"items": [1]})),
        (2, snapshot("add", {"items": [1]}, {"items": [1, 2, 3]})),
        (3, snapshot("clear", {"items": [1, 2, 3]}, {})),
    ]
    history = key_history("items", events, Masker())
    assert history.measure_label == "length"
    assert [p.measure for p in history.points] == [1.0, 3.0, None]
    assert history.points[2].text == "absent"
    assert [p.changed for p in history.points] == [True, True, True]


def test_keyed_paths_follow_an_item_by_id():
    before = {"cart": {"items": [{"id": 3, "qty": 1}, {"id": 4, "qty": 9}]}}
    after = {"cart": {"items": [{"id": 4, "qty": 9}, {"id": 3, "qty": 2}]}}
    history = key_history("cart.items[id=3].qty", [(7, snapshot("inc", before, after))], Masker())
    assert history.points[0].text == "2" and history.points[0].changed


def test_masked_values_say_only_changed_or_unchanged():
    events = [
        (1, snapshot("type", {"password": ""}, {"password": "hunter2"})),
        (2, snapshot("noop", {"password": "hunter2"}, {"password": "hunter2"})),
    ]
    history = key_history("password", events, Masker())
    assert [p.masked for p in history.points] == [True, True]
    assert [p.changed for p in history.points] == [True, False]
    assert all(p.measure is None for p in history.points)  # a length is a hint too
    assert "hunter2" not in repr(history)


def test_a_value_known_secret_elsewhere_in_its_event_is_masked_in_the_story():
    # The typed password is secret by its param's name; the note repeats it.
    typed = snapshot("type", {"note": ""}, {"note": "hunter22"}, password="hunter22", to="ada")
    history = key_history("note", [(1, typed)], Masker())
    (point,) = history.points
    assert point.text == "•••• masked" and point.changed  # hidden by what the event knows
    assert point.params == 'password=•••• masked, to="ada"'
    assert "hunter22" not in repr(history)


@pytest.mark.parametrize("bad", ["", "count >", "a..b", "x" * 301, "[unclosed"])
def test_bad_keys_are_refused_with_a_message(bad):
    with pytest.raises(BadKey):
        key_history(bad, counter_events([1]), Masker())


def test_line_chart_spans_the_range_and_skips_events_without_a_value():
    chart = line_chart([(1, "#1", 0.0), (2, "#2", None), (3, "#3", 10.0)])
    assert chart is not None
    assert [p.seq for p in chart.points] == [1, 3]
    low, high = chart.points
    assert low.y > high.y  # bigger values are higher up
    assert (chart.low, chart.high) == (0.0, 10.0)
    assert line_chart([(1, "#1", None)]) is None


def test_strip_chart_marks_slow_and_n_plus_one_events():
    chart = strip_chart(
        [
            EventCostFigures(1, "load", 10.0, 5.0, 2, slow=False, n_plus_one=False),
            EventCostFigures(2, "load_slow", 120.0, 30.0, 11, slow=True, n_plus_one=True),
        ]
    )
    assert chart is not None
    first, second = chart.bars
    assert second.handler_h + second.render_h == pytest.approx(chart.time_height)
    assert first.handler_h < second.handler_h
    assert second.n_plus_one and second.slow and not first.n_plus_one
    assert "likely N+1" in second.label and "11 queries" in second.label
    assert strip_chart([]) is None


def test_state_sizes_find_the_key_that_only_grows_and_leave_secrets_out():
    events = [
        (seq, "tick", {"log": ["x" * 10] * seq, "count": seq % 2, "api_token": "t" * seq})
        for seq in range(1, 6)
    ]
    sizes = state_sizes(events, Masker().is_secret_key)
    by_key = {size.key: size for size in sizes}
    assert set(by_key) == {"log", "count"}
    assert by_key["log"].only_grows and not by_key["count"].only_grows
    assert sizes[0].key == "log"  # the biggest first
