"""Paging the timeline over djust's real socket: newest rows first, older pages on request.

The client keeps one contiguous run of rows, newest first: it asks for what is
new (``after`` its newest, ``limit``) and, as the user scrolls, for what is older
(``before`` its oldest, ``limit``). These tests play that client against the real
consumer while events keep arriving and check that no row is ever skipped or
shown twice.
"""

from __future__ import annotations

import asyncio

import html5lib
import pytest
from django.urls import reverse
from djust.config import config as djust_config

from ddt_timetravel.core.numbering import Entry
from ddt_timetravel.core.paging import newest_page
from tests.support.panel_client import client_for

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"


async def page_of(live, **params) -> tuple[list[int], dict[str, int]]:
    """Row numbers (newest first) and the fragment's numbers of one timeline page."""
    response = await client_for(live).get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": live.session_id, **params}
    )
    assert response.status_code == 200, response.text
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    seqs = [
        int(li.attrib["data-tt-seq"]) for li in document.iter("li") if "data-tt-seq" in li.attrib
    ]
    fragment = next(el for el in document.iter("div") if "data-djtt-fragment" in el.attrib)
    numbers = {
        name: int(fragment.attrib[f"data-djtt-{name}-seq"]) for name in ("head", "last", "from")
    }
    return seqs, numbers


class PagingClient:
    """What panel.js keeps: a contiguous run of rows, newest first, and where it starts."""

    def __init__(self, live, limit: int, **filters: str) -> None:
        self.live, self.limit, self.filters = live, limit, filters
        self.rows: list[int] = []
        self.last = 0
        self.head = 1
        self.from_seq = 1

    async def refresh(self) -> None:
        seqs, numbers = await page_of(self.live, after=self.last, limit=self.limit, **self.filters)
        if numbers["from"] > self.last + 1:  # a gap: more arrived than one page
            self.rows = []
            self.from_seq = numbers["from"]
        elif not self.rows:
            self.from_seq = numbers["from"]
        self.rows = seqs + self.rows
        self.last = max(self.last, numbers["last"])
        self.drop_evicted(numbers["head"])

    async def older(self) -> bool:
        """Load the next older page; False once nothing older is held."""
        if self.from_seq <= self.head:
            return False
        seqs, numbers = await page_of(
            self.live, before=self.from_seq, limit=self.limit, **self.filters
        )
        self.rows += seqs
        self.from_seq = numbers["from"]
        self.drop_evicted(numbers["head"])
        return self.from_seq > self.head

    def drop_evicted(self, head: int) -> None:
        self.head = head
        self.rows = [seq for seq in self.rows if seq >= head]
        self.from_seq = max(self.from_seq, head)


async def test_limit_gives_the_newest_rows_and_before_the_older_ones(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(7):
        await live_socket.event("increment")

    newest, numbers = await page_of(live_socket, limit=3)
    assert newest == [7, 6, 5]
    assert numbers == {"head": 1, "last": 7, "from": 5}

    older, numbers = await page_of(live_socket, before=5, limit=3)
    assert older == [4, 3, 2]
    assert numbers["from"] == 2
    oldest, numbers = await page_of(live_socket, before=2, limit=3)
    assert oldest == [1]
    assert numbers["from"] == 1  # not full: everything down to the first held was considered

    everything, numbers = await page_of(live_socket)  # no limit: every row, as before
    assert everything == [7, 6, 5, 4, 3, 2, 1]
    assert numbers["from"] == 1


async def test_a_burst_bigger_than_a_page_leaves_a_gap_the_client_sees(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(2):
        await live_socket.event("increment")
    assert (await page_of(live_socket, after=0, limit=3))[0] == [2, 1]
    for _ in range(5):
        await live_socket.event("increment")

    seqs, numbers = await page_of(live_socket, after=2, limit=3)

    assert seqs == [7, 6, 5]
    assert numbers["from"] == 5  # events 3 and 4 were not looked at: fetch them with before=5


async def test_pages_of_filtered_rows_say_how_far_back_they_looked(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for number in range(9):
        await live_socket.event(
            "add" if number % 3 == 0 else "increment", **({"amount": 2} if number % 3 == 0 else {})
        )

    seqs, numbers = await page_of(live_socket, event="add", limit=2)
    assert seqs == [7, 4]
    assert numbers["from"] == 4
    seqs, numbers = await page_of(live_socket, event="add", before=4, limit=2)
    assert seqs == [1]
    assert numbers["from"] == 1


async def test_paging_while_events_arrive_never_skips_or_repeats_a_row(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(10):
        await live_socket.event("increment")
    client = PagingClient(live_socket, limit=4)
    await client.refresh()
    assert client.rows == [10, 9, 8, 7]

    async def events(count: int) -> None:
        for _ in range(count):
            await live_socket.event("increment")

    async def scroll_and_refresh() -> None:
        while await client.older():
            await client.refresh()
            await asyncio.sleep(0)

    # Scrolling down and refreshing at the top race with events arriving.
    await asyncio.gather(events(15), scroll_and_refresh())
    await client.refresh()
    while await client.older():
        pass

    assert client.last == 25
    assert client.rows == list(range(25, 0, -1))


async def test_paging_keeps_one_contiguous_run_across_eviction(live_socket):
    previous = djust_config.get("time_travel_max_events")
    djust_config.set("time_travel_max_events", 6)
    try:
        await live_socket.mount(COUNTER, "/counter/")
        for _ in range(6):
            await live_socket.event("increment")
        client = PagingClient(live_socket, limit=2)
        await client.refresh()
        assert await client.older()  # rows 6..3 shown
        for _ in range(4):  # 1..4 evicted, 7..10 arrive
            await live_socket.event("increment")
        await client.refresh()
        while await client.older():
            pass
    finally:
        djust_config.set("time_travel_max_events", previous)

    assert client.rows == [10, 9, 8, 7, 6, 5]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "'limit' parameter must be at least 1"),
        ({"limit": "ten"}, "'limit' parameter must be a whole number"),
        ({"before": "-3"}, "'before' parameter must be a whole number"),
    ],
)
async def test_malformed_paging_queries_get_400(live_socket, params, message):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")

    response = await client_for(live_socket).get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": live_socket.session_id, **params}
    )

    assert response.status_code == 400
    assert message in response.text


def entries(first: int, last: int) -> list[Entry]:
    return [Entry(seq=seq, index=seq - first, snapshot=None) for seq in range(first, last + 1)]


def test_newest_page_without_limit_is_the_whole_range():
    page = newest_page(entries(3, 6), None, start_seq=3)
    assert [entry.seq for entry in page.entries] == [3, 4, 5, 6]
    assert page.from_seq == 3


def test_newest_page_of_an_empty_range_starts_where_the_range_does():
    page = newest_page([], 5, start_seq=8)
    assert page.entries == [] and page.from_seq == 8


def test_newest_page_keeps_what_the_matcher_shows():
    def even(entry: Entry) -> tuple[str, ...] | None:
        return (f"n{entry.seq}",) if entry.seq % 2 == 0 else None

    page = newest_page(entries(1, 9), 2, start_seq=1, match=even)
    assert [entry.seq for entry in page.entries] == [6, 8]
    assert page.found == {6: ("n6",), 8: ("n8",)}
    assert page.from_seq == 6


def test_newest_page_of_a_short_range_is_all_of_it():
    page = newest_page(entries(1, 2), 3, start_seq=1)
    assert [entry.seq for entry in page.entries] == [1, 2]
    assert page.from_seq == 1
