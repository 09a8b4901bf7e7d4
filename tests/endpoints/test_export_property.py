"""Proof by generation: random histories of clicks, restores, component restores and
replays with edited params, on every demo view through djust's real socket. The
exported module passes; a one-line change in a handler makes it fail on the first
event that handler ran, naming the event and the key path, and "Check against
current code" reports the same first divergence."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from tests.endpoints.test_export import export, run_pytest
from tests.endpoints.test_pytest_export import HANDLER_PATCH
from tests.endpoints.test_replay_check import check_all
from tests.support.security import off_loop

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
WORDS = st.text(alphabet="abcdefgh ", min_size=1, max_size=8)
AMOUNTS = st.integers(min_value=-20, max_value=20)

#: Each demo view, its page, and its events with strategies for their params.
VIEWS: dict[str, tuple[str, dict[str, dict[str, st.SearchStrategy]]]] = {
    COUNTER: (
        "/counter/",
        {
            "increment": {},
            "decrement": {},
            "reset": {},
            "add": {"amount": AMOUNTS},
            "explode": {},
        },
    ),
    "demo_app.views.TodosView": (
        "/todos/",
        {
            "add_todo": {"text": WORDS},
            "toggle_todo": {"todo_id": st.integers(1, 5)},
            "remove_todo": {"todo_id": st.integers(1, 5)},
        },
    ),
    "demo_app.views.ProfileView": (
        "/profile/",
        {"save": {"username": WORDS, "email": WORDS, "password": WORDS}},
    ),
    "demo_app.views.BigView": ("/big/", {"shuffle": {}}),
    "demo_app.views.ComponentsView": (
        "/components/",
        {
            "increment": {"component_id": st.just("counter")},
            "decrement": {"component_id": st.just("counter")},
            "flip": {"component_id": st.just("lamp")},
        },
    ),
    "demo_app.views.AsyncView": ("/async/", {"fetch": {}, "start_job": {}}),
    "demo_app.views.LibraryView": ("/library/", {"load_slow": {}, "load_fast": {}}),
    "demo_app.books.BooksView": (
        "/books/",
        {"next_page": {}, "previous_page": {}, "fix_queries": {}},
    ),
}
COMPONENTS = ("counter", "lamp")


@st.composite
def events(draw: st.DrawFn, view_path: str) -> tuple[str, ...]:
    handlers = VIEWS[view_path][1]
    name = draw(st.sampled_from(sorted(handlers)))
    params = {key: draw(strategy) for key, strategy in handlers[name].items()}
    return ("event", name, params)


@st.composite
def steps(draw: st.DrawFn, view_path: str) -> tuple[Any, ...]:
    """One thing a developer does: a click, a restore, a component restore, a replay."""
    kind = draw(st.sampled_from(["event", "event", "restore", "replay", "component", "wait"]))
    if kind == "event" or (kind == "component" and "Components" not in view_path):
        return draw(events(view_path))
    which = draw(st.sampled_from(["before", "after"]))
    at = draw(st.integers(0, 50))
    if kind == "restore":
        return ("restore", at, which)
    if kind == "component":
        return ("component", at, draw(st.sampled_from(COMPONENTS)), which)
    if kind == "wait":
        return ("wait",) if "Async" in view_path else draw(events(view_path))
    edited = draw(st.one_of(st.none(), events(view_path).map(lambda event: event[2])))
    return ("replay", at, edited)


def history(path: str) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    """A short history that starts with a click; on the counter, one "add" somewhere."""
    plan = st.tuples(events(path), st.lists(steps(path), max_size=5))
    if path != COUNTER:
        return plan.map(lambda parts: [parts[0], *parts[1]])
    return st.tuples(plan, st.integers(0, 6), AMOUNTS).map(
        lambda parts: [
            parts[0][0],
            *parts[0][1][: parts[1]],
            ("event", "add", {"amount": parts[2]}),
            *parts[0][1][parts[1] :],
        ]
    )


def plans() -> st.SearchStrategy[dict[str, list[tuple[Any, ...]]]]:
    """A short history for every demo view."""
    return st.fixed_dictionaries({path: history(path) for path in VIEWS})


async def frame_answer(live: Any, frame: dict[str, Any]) -> None:
    await live.send(frame)
    await live.receive_until("time_travel_state", "error", allow_error=True)


async def play(live: Any, view_path: str, plan: list[tuple[Any, ...]]) -> None:
    """Do ``plan`` on the page; restores and replays name an event already recorded."""
    await live.mount(view_path, VIEWS[view_path][0])
    for step in plan:
        held = len(live.view._time_travel_buffer)
        if step[0] == "event":
            await live.event(step[1], **step[2])
        elif step[0] == "wait":
            await asyncio.sleep(0.7)  # a background job lands between two events
            await live.drain(quiet=0.1)
        elif step[0] == "restore":
            frame = {"type": "time_travel_jump", "index": step[1] % held, "which": step[2]}
            await frame_answer(live, frame)
        elif step[0] == "component":
            index = step[1] % held
            frame = {"type": "time_travel_component_jump", "index": index}
            await frame_answer(live, {**frame, "component_id": step[2], "which": step[3]})
        else:
            snapshot = live.view._time_travel_buffer.jump(step[1] % held)
            frame = {"type": "forward_replay", "from_index": step[1] % held}
            if step[2] is not None and step[2].keys() <= set(snapshot.params or {}):
                frame["override_params"] = step[2]
            await frame_answer(live, frame)


def first_seq_of(live: Any, handler: str) -> int | None:
    """The number of the first recorded event that ran ``handler`` (no evictions here)."""
    buffer = live.view._time_travel_buffer
    for index in range(len(buffer)):
        snapshot = buffer.jump(index)
        if snapshot.event_name == handler and not snapshot.error:
            return index + 1
    return None


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=plans())
def a_generated_history(plan, run: Callable[[Awaitable[Any]], Any]) -> None:
    """Body of the property: needs ``run`` (the test's event loop) bound in."""
    note(repr(plan))
    with tempfile.TemporaryDirectory() as directory:
        exported = Path(directory) / "exported"
        changed = Path(directory) / "changed"
        exported.mkdir()
        changed.mkdir()
        first_add = None
        for index, (view_path, steps_) in enumerate(plan.items()):
            live = run(("open", None))
            run(("play", (live, view_path, steps_)))
            source = run(("export", live)).content.decode()
            (exported / f"test_view_{index}.py").write_text(source)
            if view_path == COUNTER:
                (changed / "test_counter.py").write_text(source)
                first_add = first_seq_of(live, "add")
                assert first_add is not None  # every counter history adds
                divergences = run(("check with add changed", live))
                assert divergences and divergences[0][0] == first_add, divergences
                assert divergences[0][1] == "count", divergences
            run(("close", live))
        passed = run_pytest(exported, exported)
        assert passed.returncode == 0, passed.stdout + passed.stderr
        if first_add is not None:  # always, on the counter
            module, _, view = COUNTER.rpartition(".")
            (changed / "conftest.py").write_text(
                HANDLER_PATCH.format(
                    module=module,
                    view=view,
                    handler="add",
                    signature="amount: int = 1, **kwargs",
                    body="self.count += int(amount) + 1",
                )
            )
            failed = run_pytest(changed, changed / "test_counter.py")
            assert failed.returncode == 1, failed.stdout
            assert f"count after event #{first_add} add" in failed.stdout, failed.stdout


def changed_add(self: Any, amount: int = 1, **kwargs: Any) -> None:
    self.count += int(amount) + 1


async def test_exported_histories_pass_and_fail_on_the_first_changed_event(open_live_socket):
    from djust.decorators import event_handler

    from demo_app.views import CounterView

    loop = asyncio.get_running_loop()
    original_add = CounterView.__dict__["add"]

    async def check_with_add_changed(live: Any) -> list[tuple[int, str]]:
        CounterView.add = event_handler()(changed_add)
        try:
            answers = await check_all(live)
        finally:
            CounterView.add = original_add
        found = []
        for answer in answers:
            for seq in answer["diverged"]:
                row = re.search(rf'data-tt-check-seq="{seq}".*?</li>', answer["html"], re.S)
                path = re.search(r'data-tt-check-path="([^"]+)"', row.group(0) if row else "")
                found.append((seq, path.group(1) if path else ""))
        return found

    async def step(kind: str, arg: Any) -> Any:
        if kind == "open":
            return await open_live_socket()
        if kind == "play":
            return await play(*arg)
        if kind == "export":
            return await export(arg, format="pytest")
        if kind == "check with add changed":
            return await check_with_add_changed(arg)
        return await arg.close()

    def run(request: tuple[str, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(step(*request), loop).result(timeout=120)

    await off_loop(lambda: a_generated_history(run=run))
