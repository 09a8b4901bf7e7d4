"""Display rows from snapshots: summaries, masking, errors, timing, order."""

from __future__ import annotations

from djust.time_travel import EventSnapshot

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.numbering import Entry
from ddt_timetravel.display.rows import build_row, build_rows, top_level_changes


def entry(seq: int, name: str = "increment", **fields) -> Entry:
    snapshot = EventSnapshot(
        event_name=name,
        params=fields.pop("params", {}),
        ref=fields.pop("ref", seq),
        ts=fields.pop("ts", 1_700_000_000.0 + seq),
        state_before=fields.pop("before", {}),
        state_after=fields.pop("after", {}),
        error=fields.pop("error", None),
    )
    return Entry(seq=seq, index=seq - 1, snapshot=snapshot)


def test_single_change_is_spelled_out():
    row = build_row(entry(1, before={"count": 2}, after={"count": 3}), None, Masker())
    assert row.change_summary == "count: 2 → 3"


def test_several_changes_are_counted():
    row = build_row(
        entry(1, before={"a": 1, "b": 1, "c": 1}, after={"a": 2, "b": 2, "c": 2}), None, Masker()
    )
    assert row.change_summary == "3 keys changed"
    assert [change.key for change in row.changes] == ["a", "b", "c"]


def test_no_change():
    row = build_row(entry(1, before={"a": 1}, after={"a": 1}), None, Masker())
    assert row.change_summary == "no change"


def test_added_and_removed_keys():
    changes = top_level_changes({"old": 1}, {"new": 2}, Masker())
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("new", "(absent)", "2"),
        ("old", "1", "(absent)"),
    ]


def test_masked_change_says_changed_without_values():
    row = build_row(
        entry(1, before={"password": "old-secret"}, after={"password": "new-secret"}),
        None,
        Masker(),
    )
    assert row.change_summary == "password: •••• masked (changed)"
    assert "secret" not in repr(row).replace("masked", "")


def test_params_are_masked_and_compacted():
    row = build_row(
        entry(1, name="save", params={"username": "ada", "password": "hunter2"}), None, Masker()
    )
    assert "hunter2" not in row.params_compact
    assert "hunter2" not in row.params_full
    assert 'username="ada"' in row.params_compact


def test_component_changes_are_named_by_component():
    before = {"__components__": {"counter": {"count": 0}, "lamp": {"on": False}}}
    after = {"__components__": {"counter": {"count": 1}, "lamp": {"on": False}}}
    changes = top_level_changes(before, after, Masker())
    assert [(c.key, c.before, c.after) for c in changes] == [("component:counter.count", "0", "1")]


def test_single_nested_change_follows_the_path_but_stops_at_secrets():
    changes = top_level_changes(
        {"user": {"name": "a", "auth": {"token": "t1"}}},
        {"user": {"name": "a", "auth": {"token": "t2"}}},
        Masker(),
    )
    assert [(c.key, c.masked, c.after) for c in changes] == [("user.auth", True, "•••• masked")]


def test_error_and_refusals_are_shown():
    assert build_row(entry(1, error="boom"), None, Masker()).error == "boom"
    assert (
        build_row(entry(2, error="permission_denied"), None, Masker()).error == "permission_denied"
    )
    assert build_row(entry(3), None, Masker()).error is None


def test_rows_are_newest_first_with_time_since_previous():
    entries = [entry(1, ts=100.0), entry(2, ts=100.25), entry(3, ts=103.5)]
    rows = build_rows(entries, previous_ts=99.0, masker=Masker())
    assert [row.seq for row in rows] == [3, 2, 1]
    assert [row.since_previous for row in rows] == ["+3.2 s", "+250 ms", "+1.0 s"]
    assert build_rows(entries[:1], None, Masker())[0].since_previous is None


def test_long_values_are_shortened():
    row = build_row(entry(1, before={"text": ""}, after={"text": "x" * 500}), None, Masker())
    assert len(row.change_summary) < 80


def test_single_change_inside_a_list_names_the_item_as_the_diff_does():
    before = {"items": [{"id": 1, "done": False}, {"id": 2, "done": False}]}
    after = {"items": [{"id": 1, "done": False}, {"id": 2, "done": True}]}
    row = build_row(entry(1, before=before, after=after), None, Masker())
    assert row.change_summary == "items[id=2].done: false → true"
    # Items without ids are named by position.
    row = build_row(entry(1, before={"xs": [1, 2, 3]}, after={"xs": [1, 5, 3]}), None, Masker())
    assert row.change_summary == "xs[1]: 2 → 5"


def test_djusts_own_params_stay_out_of_the_row_but_not_the_detail():
    row = build_row(entry(1, params={"amount": 5, "_target": None}), None, Masker())
    assert row.params_compact == "amount=5"
    assert '"_target": null' in row.params_full


def test_a_masked_value_is_never_cut():
    # Cut at 60 characters, this summary would end "password=•••• mas…".
    params = {"note": "bbbb", "long_key_name_here_x": "cccc", "password": "hunter2"}
    row = build_row(entry(1, params=params), None, Masker())
    assert row.params_compact == 'note="bbbb", long_key_name_here_x="cccc", password=…'


def test_a_reorder_is_described_as_one():
    before = {"rows": [{"id": i} for i in range(5)]}
    after = {"rows": [{"id": i} for i in (4, 3, 2, 1, 0)]}
    row = build_row(entry(1, before=before, after=after), None, Masker())
    assert row.change_summary == "rows: same items, new order"
    changed = {"rows": [{"id": i} for i in (4, 3, 2, 1, 9)]}
    row = build_row(entry(1, before=before, after=changed), None, Masker())
    assert "new order" not in row.change_summary


def test_search_says_in_which_state_a_value_was_found():
    from ddt_timetravel.core.search import text_matches

    snapshot = entry(
        1,
        before={"items": [{"id": 7, "text": "milk"}], "note": "milk"},
        after={"items": [{"id": 7, "text": "oat milk"}], "note": "tea"},
    ).snapshot
    found = text_matches(snapshot, "milk", Masker())
    assert found == ["items[id=7].text (before and after)", "note (before)"]
