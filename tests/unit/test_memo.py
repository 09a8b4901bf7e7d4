"""The diff memo: computed once for big states, not kept for tiny ones, bounded by the buffer."""

from __future__ import annotations

import gc

from djust.time_travel import EventSnapshot, TimeTravelBuffer

from ddt_timetravel.core import memo
from ddt_timetravel.display import diff_view


def snapshot(rows: int, seq: int = 0) -> EventSnapshot:
    before = {"items": [{"id": i, "n": i} for i in range(rows)], "seq": seq}
    after = {"items": [{"id": i, "n": i + (i == 1)} for i in range(rows)], "seq": seq + 1}
    return EventSnapshot(
        event_name="bump", params={}, ref=seq, ts=float(seq), state_before=before, state_after=after
    )


def test_a_big_state_is_diffed_once():
    big = snapshot(200)
    calls = []

    def compute():
        calls.append(1)
        return diff_view.raw_diff(big.state_before, big.state_after)

    first = memo.memo(big, "diff", compute, inputs=(big.state_before, big.state_after))
    again = memo.memo(big, "diff", compute, inputs=(big.state_before, big.state_after))

    assert again is first
    assert calls == [1]
    assert len(memo.held([big])) == 1


def test_a_tiny_state_keeps_no_memo():
    tiny = snapshot(2)
    first = diff_view.event_diff(tiny)

    assert diff_view.event_diff(tiny) == first
    assert memo.held([tiny]) == []


def test_is_small_stops_counting_at_the_limit():
    assert memo.is_small({"count": 3})
    assert not memo.is_small(list(range(memo.SMALL_STATE_NODES)))
    endless: list = []
    endless.append(endless)  # a cycle is never walked for ever
    assert not memo.is_small(endless)


def test_is_small_counts_a_dicts_keys_and_values():
    half = memo.SMALL_STATE_NODES // 2
    assert memo.is_small({f"k{i}": i for i in range(half - 1)})  # 1 + 2 × 127 nodes
    assert not memo.is_small({f"k{i}": i for i in range(half)})  # 1 + 2 × 128
    assert not memo.is_small({"rows": [{"id": i} for i in range(90)]})  # 1 + 2 + 90 × 3


def test_the_memo_is_dropped_with_its_snapshot():
    big = snapshot(200)
    diff_view.event_diff(big)
    before = memo.size()

    del big
    gc.collect()

    assert memo.size() == before - 1


def test_the_memo_never_holds_more_than_the_buffer():
    buffer = TimeTravelBuffer(max_events=5)
    start = memo.size()
    for seq in range(40):
        buffer.append(snapshot(150, seq))
        diff_view.event_diff(buffer.jump(len(buffer) - 1))
        gc.collect()
        assert memo.size() - start <= 5
    held = memo.held(buffer.jump(i) for i in range(len(buffer)))
    assert len(held) == 5
