"""Pages of the timeline: the newest rows first, and how far back each page looked."""

from __future__ import annotations

from djust.time_travel import EventSnapshot

from ddt_timetravel.core.numbering import Entry
from ddt_timetravel.core.paging import newest_page


def entries(first: int, last: int) -> list[Entry]:
    """Held events ``first`` to ``last``; the name says whether the event is even."""
    return [
        Entry(
            seq=seq,
            index=seq - first,
            snapshot=EventSnapshot("even" if seq % 2 == 0 else "odd", {}, None, 0.0, {}, {}),
        )
        for seq in range(first, last + 1)
    ]


def seqs(page) -> list[int]:
    return [entry.seq for entry in page.entries]


def evens(entry: Entry) -> str | None:
    return "shown" if entry.snapshot.event_name == "even" else None


def test_the_newest_rows_come_oldest_first_and_say_where_the_page_starts():
    page = newest_page(entries(5, 14), 3, start_seq=5)
    assert seqs(page) == [12, 13, 14]
    assert page.from_seq == 12
    assert page.found == {}


def test_a_page_that_is_not_full_looked_back_to_the_start_of_the_range():
    page = newest_page(entries(5, 7), 3, start_seq=5)
    assert (seqs(page), page.from_seq) == ([5, 6, 7], 5)
    short = newest_page(entries(5, 6), 3, start_seq=2)
    assert (seqs(short), short.from_seq) == ([5, 6], 2)


def test_no_limit_gives_every_entry():
    assert seqs(newest_page(entries(1, 5), None, start_seq=1)) == [1, 2, 3, 4, 5]
    assert newest_page(entries(1, 5), None, start_seq=1).from_seq == 1
    assert newest_page([], 3, start_seq=4) == newest_page([], None, start_seq=4)
    assert newest_page([], 3, start_seq=4).from_seq == 4


def test_a_filter_keeps_what_it_matches_and_the_page_starts_at_the_last_one_looked_at():
    page = newest_page(entries(1, 10), 2, start_seq=1, match=evens)
    assert seqs(page) == [8, 10]
    assert page.found == {8: "shown", 10: "shown"}
    assert page.from_seq == 8


def test_a_filtered_page_that_is_not_full_looked_at_the_whole_range():
    page = newest_page(entries(1, 5), 3, start_seq=1, match=evens)
    assert (seqs(page), page.from_seq) == ([2, 4], 1)
    everything = newest_page(entries(1, 5), None, start_seq=1, match=evens)
    assert (seqs(everything), everything.from_seq) == ([2, 4], 1)


def test_a_filter_that_matches_nothing_gives_an_empty_page_over_the_whole_range():
    page = newest_page(entries(3, 9), 2, start_seq=3, match=lambda entry: None)
    assert (seqs(page), page.found, page.from_seq) == ([], {}, 3)


def test_a_falsy_match_still_counts_as_shown():
    page = newest_page(entries(1, 3), 5, start_seq=1, match=lambda entry: ())
    assert seqs(page) == [1, 2, 3]
    assert page.found == {1: (), 2: (), 3: ()}
