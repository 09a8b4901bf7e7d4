"""Faults while the panel works: a clear message, nothing changed, nothing logged.

Over djust's real socket. Where a fault has to land in the middle of a request, the
request is held at one of the panel's own seams (the real function still runs, just
later) while the test closes the socket or fires events that evict the row. Every test
also checks that neither the package nor Django logged an error.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections.abc import Callable
from typing import Any

import html5lib
import pytest

from ddt_timetravel import views
from ddt_timetravel.core import numbering
from ddt_timetravel.ownership import NOT_FOUND_MESSAGE
from tests.support.security import (
    allowed_methods,
    client_for_session,
    generic_query,
    off_loop,
    panel_urls,
)

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
OUR_LOGGERS = ("ddt_timetravel", "django.request")
#: Increments fired while pollers read, with a buffer of 5: eight times over.
RACE_EVENTS = 40


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.ERROR)
    yield
    errors = [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith(OUR_LOGGERS)
    ]
    assert errors == []


class Hold:
    """Stop a request at a seam of the panel until the test has done its fault."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.release = threading.Event()

    def around(self, real: Callable[..., Any], before: bool) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            if before:
                self.pause()
            result = real(*args, **kwargs)
            if not before:
                self.pause()
            return result

        return held

    def pause(self) -> None:
        self.reached.set()
        assert self.release.wait(10), "the test never released the request"

    async def wait_reached(self) -> None:
        assert await asyncio.to_thread(self.reached.wait, 10), "the request never came"


def get(live, name: str, **params: str) -> Callable[[], Any]:
    def request() -> Any:
        client = client_for_session(live.django_session_key)
        return client.get(panel_urls()[name], {"session": live.session_id, **params})

    return request


def seqs(response) -> list[int]:
    document = html5lib.parse(response.content.decode(), namespaceHTMLElements=False)
    return [
        int(li.attrib["data-tt-seq"]) for li in document.iter("li") if "data-tt-seq" in li.attrib
    ]


async def test_socket_closes_before_the_view_is_looked_up(
    live_socket, monkeypatch, no_errors_logged
):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    hold = Hold()
    monkeypatch.setattr(views, "find_view", hold.around(views.find_view, before=True))

    fetching = asyncio.ensure_future(off_loop(get(live_socket, "ddt_timetravel_timeline")))
    await hold.wait_reached()
    await live_socket.close()
    hold.release.set()
    response = await fetching

    assert response.status_code == 404
    assert response.content.decode() == NOT_FOUND_MESSAGE
    assert "the socket closed" in NOT_FOUND_MESSAGE and "reload" not in NOT_FOUND_MESSAGE


async def test_socket_closes_while_the_rows_are_read(live_socket, monkeypatch, no_errors_logged):
    """The request already holds the view: it finishes with a consistent answer; the
    next one says the socket is gone."""
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")
    hold = Hold()
    monkeypatch.setattr(views, "find_view", hold.around(views.find_view, before=False))

    fetching = asyncio.ensure_future(off_loop(get(live_socket, "ddt_timetravel_timeline")))
    await hold.wait_reached()
    await live_socket.close()
    hold.release.set()
    response = await fetching
    monkeypatch.undo()

    assert response.status_code == 200
    assert seqs(response) == [3, 2, 1]
    assert "count: 2 → 3" in response.content.decode()
    after = await off_loop(get(live_socket, "ddt_timetravel_timeline", after="3"))
    assert after.status_code == 404
    assert after.content.decode() == NOT_FOUND_MESSAGE


async def test_view_goes_away_between_listing_and_locating(live_socket, no_errors_logged):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(2):
        await live_socket.event("increment")
    listed = await off_loop(get(live_socket, "ddt_timetravel_timeline"))
    assert seqs(listed) == [2, 1]

    await live_socket.close()

    located = await off_loop(get(live_socket, "ddt_timetravel_locate", seq="1"))
    assert located.status_code == 404
    assert located.json() == {"error": NOT_FOUND_MESSAGE}

    def every_reader() -> dict[str, tuple[int, str]]:
        client = client_for_session(live_socket.django_session_key)
        query = generic_query(live_socket.session_id)
        return {
            name: (r.status_code, r.content.decode())
            for name, path in panel_urls().items()
            if "GET" in allowed_methods(client, path)
            for r in [client.get(path, query)]
        }

    for name, (status, body) in (await off_loop(every_reader)).items():
        assert status == 404, name
        assert NOT_FOUND_MESSAGE in body, name


async def test_djust_refuses_a_bad_jump_and_the_panel_never_sends_one(
    live_socket, no_errors_logged
):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")

    # The endpoints only read: however they are asked, the socket gets no frame.
    def ask_everything() -> list[int]:
        client = client_for_session(live_socket.django_session_key)
        statuses = []
        for path in panel_urls().values():
            if "GET" not in allowed_methods(client, path):
                continue
            for seq in ("1", "2", "3", "99"):
                query = {**generic_query(live_socket.session_id), "seq": seq}
                statuses.append(client.get(path, query).status_code)
        return statuses

    statuses = await off_loop(ask_everything)
    assert 200 in statuses and 404 in statuses
    assert await live_socket.drain(quiet=0.2) == []
    assert live_socket.view.count == 3

    # A jump to a position the buffer does not hold: djust answers with an error frame
    # and changes nothing (the panel shows djust's text after "djust refused the restore:").
    await live_socket.send({"type": "time_travel_jump", "index": 99, "which": "before"})
    frames = await live_socket.receive_until("error", "time_travel_state", allow_error=True)
    assert frames[-1]["type"] == "error", frames
    assert frames[-1]["error"]
    assert live_socket.view.count == 3
    assert len(live_socket.view._time_travel_buffer) == 3

    # The panel still works, and a located jump restores the event it names.
    located = await off_loop(get(live_socket, "ddt_timetravel_locate", seq="2"))
    assert located.json() == {"seq": 2, "index": 1, "length": 3}
    await live_socket.send({"type": "time_travel_jump", "index": 1, "which": "after"})
    await live_socket.receive_until("time_travel_state")
    assert live_socket.view.count == 2


async def test_row_evicted_while_it_is_located(
    live_socket, monkeypatch, small_buffer, no_errors_logged
):
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(small_buffer):
        await live_socket.event("increment")
    assert seqs(await off_loop(get(live_socket, "ddt_timetravel_timeline"))) == [5, 4, 3, 2, 1]
    hold = Hold()
    monkeypatch.setattr(views, "_target", hold.around(views._target, before=False))

    locating = asyncio.ensure_future(off_loop(get(live_socket, "ddt_timetravel_locate", seq="2")))
    await hold.wait_reached()
    for _ in range(3):  # evicts #1, #2 and #3 while the request holds the view
        await live_socket.event("increment")
    hold.release.set()
    response = await locating

    assert response.status_code == 404
    message = response.json()["error"]
    assert "Event #2 is no longer held" in message
    assert "the buffer keeps the last 5 events" in message
    assert live_socket.view.count == 8


class Turnstile:
    """Stop a request each time it passes a seam, until the test lets it through."""

    def __init__(self, real: Callable[..., Any]) -> None:
        self.real = real
        self.arrived: asyncio.Queue[None] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.proceed = threading.Semaphore(0)
        self.passes = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.real(*args, **kwargs)
        self.passes += 1
        self.loop.call_soon_threadsafe(self.arrived.put_nowait, None)
        assert self.proceed.acquire(timeout=10), "the test never let the request through"
        return result

    async def next(self, request: asyncio.Future[Any]) -> None:
        """Wait for the request to reach the seam again; fail if it answered instead."""
        arrival = asyncio.ensure_future(self.arrived.get())
        done, _ = await asyncio.wait({arrival, request}, timeout=10, return_when="FIRST_COMPLETED")
        if arrival not in done:
            arrival.cancel()
            raise AssertionError(
                f"the request did not pass the seam again (passes: {self.passes}, "
                f"answered: {request.done()})"
            )


async def test_buffer_changing_mid_read_is_read_again(
    live_socket, monkeypatch, small_buffer, no_errors_logged
):
    """Events evict rows after the panel numbered the buffer and before it read it:
    the read starts again, so numbers and positions still agree."""
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(small_buffer):
        await live_socket.event("increment")
    assert seqs(await off_loop(get(live_socket, "ddt_timetravel_timeline"))) == [5, 4, 3, 2, 1]
    turnstile = Turnstile(numbering._number_new)
    monkeypatch.setattr(numbering, "_number_new", turnstile)

    reading = asyncio.ensure_future(off_loop(get(live_socket, "ddt_timetravel_timeline")))
    await turnstile.next(reading)
    await live_socket.event("increment")  # evicts #1, appends #6
    await live_socket.event("increment")  # evicts #2, appends #7
    turnstile.proceed.release()
    await turnstile.next(reading)  # the second attempt
    turnstile.proceed.release()
    response = await reading

    assert turnstile.passes == 2
    assert response.status_code == 200
    assert seqs(response) == [7, 6, 5, 4, 3]
    body = response.content.decode()
    for seq in range(3, 8):
        assert f"count: {seq - 1} → {seq}" in body


async def test_buffer_that_never_settles_gets_503_with_a_message(
    live_socket, monkeypatch, no_errors_logged
):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    turnstile = Turnstile(numbering._number_new)
    monkeypatch.setattr(numbering, "_number_new", turnstile)

    reading = asyncio.ensure_future(off_loop(get(live_socket, "ddt_timetravel_timeline")))
    for _ in range(numbering._MAX_ATTEMPTS):
        await turnstile.next(reading)
        await live_socket.event("increment")
        turnstile.proceed.release()
    response = await reading

    assert response.status_code == 503
    assert response.content.decode() == (
        "The time-travel buffer kept changing while it was read; try again."
    )
    assert live_socket.view.count == 1 + numbering._MAX_ATTEMPTS


async def test_reads_racing_events_stay_consistent(live_socket, small_buffer, no_errors_logged):
    """Pollers read while events arrive and evict: every answer is consistent.

    Only increments happen, so event #n must read ``count: n-1 → n`` and a located
    position must hold that very event (until it moves again).
    """
    await live_socket.mount(COUNTER, "/counter/")
    stop = threading.Event()
    problems: list[str] = []
    seen: set[int] = set()

    def poll() -> int:
        client = client_for_session(live_socket.django_session_key)
        timeline = panel_urls()["ddt_timetravel_timeline"]
        locate = panel_urls()["ddt_timetravel_locate"]
        polls = 0
        while not stop.is_set() or polls < 5:
            polls += 1
            response = client.get(timeline, {"session": live_socket.session_id})
            if response.status_code == 503:
                continue
            if response.status_code != 200:
                problems.append(f"timeline {response.status_code}: {response.content[:200]!r}")
                continue
            body = response.content.decode()
            rows = seqs(response)
            if rows != sorted(rows, reverse=True) or rows != list(
                range(rows[0], rows[0] - len(rows), -1) if rows else []
            ):
                problems.append(f"rows not contiguous: {rows}")
            for seq in rows:
                seen.add(seq)
                if f"count: {seq - 1} → {seq}" not in body:
                    problems.append(f"#{seq} does not show count {seq - 1} → {seq}")
            if rows:
                located = client.get(locate, {"session": live_socket.session_id, "seq": rows[-1]})
                if located.status_code == 200:
                    assert located.json()["seq"] == rows[-1]
                elif located.status_code != 404 or "no longer held" not in located.json()["error"]:
                    problems.append(f"locate {located.status_code}: {located.content!r}")
        return polls

    pollers = [asyncio.ensure_future(off_loop(poll)) for _ in range(2)]
    for _ in range(RACE_EVENTS):
        await live_socket.event("increment")
    stop.set()
    polls = sum(await asyncio.gather(*pollers))

    assert problems == []
    assert polls >= 15
    assert max(seen) > small_buffer  # the pollers saw eviction happen
    assert live_socket.view.count == RACE_EVENTS
    # Numbers stay attached to their events: the last five are the last five fired.
    final = await off_loop(get(live_socket, "ddt_timetravel_timeline"))
    assert seqs(final) == list(range(RACE_EVENTS, RACE_EVENTS - small_buffer, -1))
    assert re.search(rf"count: {RACE_EVENTS - 1} → {RACE_EVENTS}", final.content.decode())


async def test_numbers_keep_up_when_more_events_arrive_than_the_buffer_holds(
    live_socket, small_buffer
):
    """No panel read between them: each event is still numbered as it is recorded."""
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    assert seqs(await off_loop(get(live_socket, "ddt_timetravel_timeline"))) == [1]
    for _ in range(3 * small_buffer):
        await live_socket.event("increment")
    response = await off_loop(get(live_socket, "ddt_timetravel_timeline"))
    last = 1 + 3 * small_buffer
    assert seqs(response) == list(range(last, last - small_buffer, -1))
    body = response.content.decode()
    for seq in seqs(response):
        assert f"count: {seq - 1} → {seq}" in body
