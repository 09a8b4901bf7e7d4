"""Beyond one process: the socket on one ASGI worker, the panel's requests on another.

Real parts only: Debian's ``redis-server`` on a free loopback port as the channel
layer, the demo served by two daphne ``runserver`` processes sharing it and one
SQLite file (``demo_project.settings_workers``: ``REMOTE_LOOKUP`` on, sockets served
by ``TimeTravelLiveViewConsumer``), a WebSocket client on worker A with the
session cookie of a real page GET, and plain HTTP GETs of the panel's endpoints
on worker B. Worker B has no view in memory: every answer below crossed redis.

Without ``redis-server`` these tests skip locally and fail on CI (``CI=true``),
as the browser tests do without Chromium. ``make test`` installs it when root.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import html5lib
import pytest
from django.urls import reverse

from ddt_timetravel.core.masking import MASKED
from demo_harness import DemoServer as Worker
from demo_harness.clients import Browser, LiveSocket, open_page
from demo_harness.cluster import REDIS_MISSING, Cluster, Redis, redis_server_path, start_redis
from tests.support import on_ci
from tests.support.reports import print_uncaptured

COUNTER = "demo_app.views.CounterView"
PROFILE = "demo_app.views.ProfileView"
REMOTE_TIMEOUT = 1.5
SECRET = "hunter2-correct-horse"
TOKEN = "tok-9f8e7d6c5b4a"


@dataclass
class Workers:
    redis: Redis
    cluster: Cluster
    a: Worker
    b: Worker


@pytest.fixture(scope="module")
def workers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    """redis, one migrated SQLite file, and workers A and B of the demo sharing both."""
    executable = redis_server_path()
    if executable is None:
        if on_ci():
            pytest.fail(REDIS_MISSING + " (CI=true: the multi-worker tests may not be skipped)")
        pytest.skip(REDIS_MISSING)
    redis = start_redis(executable)
    cluster = Cluster(tmp_path_factory.mktemp("workers"), redis.url, REMOTE_TIMEOUT)
    started: list[Worker] = []
    try:
        cluster.migrate()
        started = cluster.start_workers("a", "b")
        yield Workers(redis, cluster, *started)
    finally:
        for worker in started:
            worker.stop()
        redis.stop()
        if request.session.testsfailed:
            for log in sorted(cluster.workdir.glob("worker-*.log")):
                print_uncaptured(request, f"\n--- {log.name} ---\n{log.read_text()}--- end ---")


def endpoint(worker: Worker, name: str, live: LiveSocket, **params: object) -> str:
    """URL of the panel endpoint ``name`` on ``worker`` for the page of ``live``."""
    query = urllib.parse.urlencode({"session": live.session_id, **params})
    return f"{worker.base_url}{reverse(f'djdt:ddt_timetravel_{name}')}?{query}"


def rows_of(html: str) -> list[tuple[str, str]]:
    """(seq, event) of each timeline row, newest first."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    return [
        (row.attrib["data-tt-seq"], row.attrib["data-tt-event"])
        for row in document.iter("li")
        if "data-tt-seq" in row.attrib
    ]


def test_timeline_diff_state_and_locate_come_from_the_worker_that_holds_the_socket(workers):
    browser = Browser()
    live = open_page(workers.a, browser, "/counter/", COUNTER)
    for _ in range(3):
        live.event("increment")
    live.event("add", amount=5)

    on_a = browser.get(endpoint(workers.a, "timeline", live))
    on_b = browser.get(endpoint(workers.b, "timeline", live))

    assert on_b.status == 200, on_b.text
    assert rows_of(on_b.text) == [("4", "add"), ("3", "increment"), ("2", "increment")] + [
        ("1", "increment")
    ]
    assert "4 / 100 events" in on_b.text and "count: 3 → 8" in on_b.text
    assert on_b.text == on_a.text  # complete: the very answer worker A gives itself
    assert on_b.headers["Content-Type"] == on_a.headers["Content-Type"]

    refresh = browser.get(endpoint(workers.b, "timeline", live, after=3))
    assert rows_of(refresh.text) == [("4", "add")]

    diff = browser.get(endpoint(workers.b, "diff", live, seq=4))
    assert diff.status == 200 and 'data-djtt-path="count"' in diff.text
    assert "<td><code>3</code></td>" in diff.text and "<td><code>8</code></td>" in diff.text
    assert diff.text == browser.get(endpoint(workers.a, "diff", live, seq=4)).text
    state = browser.get(endpoint(workers.b, "state", live, seq=2, which="after"))
    assert state.status == 200 and '"djtt-key">count</code>: <code>2</code>' in state.text

    located = browser.get(endpoint(workers.b, "locate", live, seq=2))
    assert located.status == 200
    assert located.json() == {"seq": 2, "index": 1, "length": 4}
    assert browser.get(endpoint(workers.b, "locate", live, seq=99)).json()["error"]

    exported = browser.get(endpoint(workers.b, "export", live))
    assert exported.status == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    assert len(json.loads(exported.body)["events"]) == 4
    live.close()


def test_secrets_stay_masked_across_workers(workers):
    browser = Browser()
    live = open_page(workers.a, browser, "/profile/", PROFILE)
    live.event("save", username="ada", email="ada@example.com", password=SECRET, api_token=TOKEN)

    answers = {
        "timeline": browser.get(endpoint(workers.b, "timeline", live)),
        "diff": browser.get(endpoint(workers.b, "diff", live, seq=1)),
        "state": browser.get(endpoint(workers.b, "state", live, seq=1, which="after")),
        "export": browser.get(endpoint(workers.b, "export", live)),
        "pytest export": browser.get(endpoint(workers.b, "export", live, format="pytest")),
    }

    for name, answer in answers.items():
        assert answer.status == 200, f"{name}: {answer.status} {answer.text[:300]}"
        assert SECRET not in answer.text and TOKEN not in answer.text, name
    assert "ada@example.com" in answers["state"].text  # the state itself did come across
    assert (
        "ada" in answers["timeline"].text
    )  # the row came across; its full params come with its diff
    for name in ("diff", "state", "export"):
        assert str(MASKED) in answers[name].text, name
    live.close()


def test_another_browser_gets_404_from_the_worker_that_holds_the_socket(workers):
    owner = Browser()
    live = open_page(workers.a, owner, "/counter/", COUNTER)
    live.event("increment")
    stranger = Browser()
    assert stranger.get(workers.a.base_url + "/counter/").status == 200  # a session of its own

    for name in ("timeline", "diff", "state", "locate"):
        answer = stranger.get(endpoint(workers.b, name, live, seq=1))
        assert answer.status == 404, f"{name}: {answer.status}"
        assert "No live view of this browser has that socket session" in answer.text
    assert owner.get(endpoint(workers.b, "timeline", live)).status == 200
    live.close()


def test_toolbar_panel_content_comes_from_the_shared_store(workers):
    browser = Browser()
    page = browser.get(workers.a.base_url + "/counter/")
    request_id = re.search(r'data-request-id="([0-9a-f]+)"', page.text).group(1)

    query = urllib.parse.urlencode({"request_id": request_id, "panel_id": "TimeTravelPanel"})
    answer = browser.get(f"{workers.b.base_url}{reverse('djdt:render_panel')}?{query}")

    assert answer.status == 200
    content = answer.json()["content"]
    assert "isn't available anymore" not in content
    assert reverse("djdt:ddt_timetravel_timeline") in content


def test_a_stopped_worker_gets_a_clear_timeout_not_a_hang(workers):
    (c,) = workers.cluster.start_workers("c")
    try:
        browser = Browser()
        live = open_page(c, browser, "/counter/", COUNTER)
        live.event("increment")
        assert browser.get(endpoint(workers.b, "timeline", live)).status == 200
    finally:
        c.kill()

    started = time.monotonic()
    answer = browser.get(endpoint(workers.b, "timeline", live))
    elapsed = time.monotonic() - started
    located = browser.get(endpoint(workers.b, "locate", live, seq=1))

    assert answer.status == 504
    assert answer.text == (
        f"The worker that holds this page's socket did not answer within {REMOTE_TIMEOUT:g} s. "
        "Is it still running? Reload the page."
    )
    assert REMOTE_TIMEOUT * 0.9 <= elapsed < REMOTE_TIMEOUT + 2.5, elapsed
    assert located.status == 504 and "did not answer" in located.json()["error"]
