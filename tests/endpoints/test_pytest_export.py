""" "Export as test" on histories that are not one straight line: restores, replays,
component restores, background results, a range that starts late, values that
depend on time or chance at any depth. Each exported module runs in pytest."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.endpoints.test_export import export, run_pytest

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"

HANDLER_PATCH = """from djust.decorators import event_handler
from {module} import {view}


@event_handler()
def {handler}(self, {signature}):
    {body}


{view}.{handler} = {handler}
"""


async def jump(live, index: int, which: str) -> None:
    await live.send({"type": "time_travel_jump", "index": index, "which": which})
    frames = await live.receive_until("time_travel_state", "error")
    assert frames[-1]["type"] == "time_travel_state", frames[-1]


async def component_jump(live, index: int, component_id: str, which: str) -> None:
    frame = {"index": index, "component_id": component_id, "which": which}
    await live.send({"type": "time_travel_component_jump", **frame})
    frames = await live.receive_until("time_travel_state", "error")
    assert frames[-1]["type"] == "time_travel_state", frames[-1]


async def replay(live, from_index: int, override_params=None) -> None:
    frame = {"type": "forward_replay", "from_index": from_index}
    if override_params is not None:
        frame["override_params"] = override_params
    await live.send(frame)
    frames = await live.receive_until("time_travel_state", "error")
    assert frames[-1]["type"] == "time_travel_state", frames[-1]


async def exported(live, tmp_path: Path, **params) -> tuple[str, Path]:
    response = await export(live, format="pytest", **params)
    assert response.status_code == 200, response.content
    source = response.content.decode()
    test_file = tmp_path / "test_exported.py"
    test_file.write_text(source)
    return source, test_file


def assert_passes(source: str, test_file: Path) -> None:
    result = run_pytest(test_file.parent, test_file)
    assert result.returncode == 0, source + result.stdout + result.stderr


def patch_handler(tmp_path: Path, view_path: str, handler: str, signature: str, body: str) -> None:
    """A conftest that swaps one handler for a changed one, as an edit to the code would."""
    module, _, view = view_path.rpartition(".")
    (tmp_path / "conftest.py").write_text(
        HANDLER_PATCH.format(
            module=module, view=view, handler=handler, signature=signature, body=body
        )
    )


async def test_a_restore_after_is_restored_in_the_test(live_socket, tmp_path):
    """The case from the issue: Increment x3, Add 5, "Restore after" #3, Increment."""
    await live_socket.mount(COUNTER, "/counter/")
    for _ in range(3):
        await live_socket.event("increment")
    await live_socket.event("add", amount=5)
    await jump(live_socket, 2, "after")
    await live_socket.event("increment")

    source, test_file = await exported(live_socket, tmp_path)

    assert "The page was restored here to the state after #3, which is also" in source
    assert "BEFORE_5 = {" in source and "restore(client, BEFORE_5)" in source
    assert_passes(source, test_file)
    patch_handler(tmp_path, COUNTER, "increment", "**kwargs", "self.count += 2")
    failed = run_pytest(tmp_path, test_file)
    assert failed.returncode == 1 and "count after event #1 increment" in failed.stdout


async def test_todos_after_a_restore_before_and_an_add(live_socket, tmp_path):
    await live_socket.mount("demo_app.views.TodosView", "/todos/")
    await live_socket.event("add_todo", text="Buy milk")
    await live_socket.event("toggle_todo", todo_id=3)
    await jump(live_socket, 1, "before")
    await live_socket.event("add_todo", text="Walk the dog")

    source, test_file = await exported(live_socket, tmp_path)

    assert 'or "Restore before" #2).' in source
    assert_passes(source, test_file)


async def test_replays_with_edited_params_and_raising_handlers(live_socket, tmp_path):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("add", amount=5)
    await live_socket.event("explode")
    await live_socket.event("increment")
    await replay(live_socket, 0, {"amount": 100})
    await replay(live_socket, 1)
    await live_socket.event("decrement")

    source, test_file = await exported(live_socket, tmp_path)

    assert "This event is a forward replay of #1" in source
    assert "This event is a forward replay of #2" in source
    assert 'send(client, "add", amount=100)' in source
    assert_passes(source, test_file)


async def test_component_events_and_a_component_restore(live_socket, tmp_path):
    await live_socket.mount("demo_app.views.ComponentsView", "/components/")
    for _ in range(2):
        await live_socket.event("increment", component_id="counter")
    await live_socket.event("flip", component_id="lamp")
    await component_jump(live_socket, 0, "counter", "before")
    await live_socket.event("flip", component_id="lamp")

    source, test_file = await exported(live_socket, tmp_path)

    assert "Component 'counter' was restored to its state before #1 here." in source
    assert_passes(source, test_file)
    patch_handler(
        tmp_path,
        "demo_app.components.Counter",
        "increment",
        "**kwargs",
        "self.state.count += 3",
    )
    failed = run_pytest(tmp_path, test_file)
    assert "__components__.counter.count after event #1 increment" in failed.stdout


async def test_async_handlers_and_background_results(live_socket, tmp_path):
    await live_socket.mount("demo_app.views.AsyncView", "/async/")
    await live_socket.event("fetch")
    await live_socket.event("start_job")
    await asyncio.sleep(0.8)  # the job finishes between two events
    await live_socket.drain(quiet=0.2)
    await live_socket.event("fetch")

    source, test_file = await exported(live_socket, tmp_path)

    assert "without an event here: background work" in source
    assert "done (1 run(s))" in source
    assert_passes(source, test_file)


async def test_a_range_that_starts_late_and_masked_values(live_socket, tmp_path):
    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-secret-99", api_token="tok-77")
    await live_socket.event("save", username="bob", email="bob@example.com")

    source, test_file = await exported(live_socket, tmp_path, **{"from": 2})

    assert "pw-secret-99" not in source and "tok-77" not in source
    assert "The history before #2 is not in this test" in source
    assert "Masked in the recording, so not restored: password, api_token." in source
    assert_passes(source, test_file)


async def test_time_and_chance_values_are_skipped_at_any_depth(live_socket, tmp_path):
    await live_socket.mount("tests.support.live_views.NotesView", "/notes/")
    await live_socket.event("add_note", text="first")
    await live_socket.event("add_note", text="second")
    await live_socket.event("rename", title="Mine")

    source, test_file = await exported(live_socket, tmp_path)

    assert "# Depends on time or chance, not asserted: notes[0].timestamp" in source
    assert "notes[1].ref" in source and "notes[1].meta.updated_at" in source
    assert '"timestamp": ANY' in source and '"updated_at": ANY' in source
    assert '"text": "second"' in source
    assert_passes(source, test_file)
    patch_handler(
        tmp_path,
        "tests.support.live_views.NotesView",
        "rename",
        "title='', **kwargs",
        "self.title = 'x'",
    )
    failed = run_pytest(tmp_path, test_file)
    assert "title after event #3 rename" in failed.stdout


async def test_a_replay_of_an_async_handler_that_djust_never_awaited(live_socket, tmp_path):
    await live_socket.mount("demo_app.views.AsyncView", "/async/")
    await live_socket.event("fetch")
    await replay(live_socket, 0)  # djust calls fetch without awaiting it: nothing changes
    await live_socket.event("fetch")

    source, test_file = await exported(live_socket, tmp_path)

    assert "A forward replay of an async handler" in source
    assert source.count('send(client, "fetch")') == 2
    assert_passes(source, test_file)


async def test_events_evicted_from_the_start(small_buffer, live_socket, tmp_path):
    await live_socket.mount("demo_app.views.TodosView", "/todos/")
    for text in ("a", "b", "c", "d", "e", "f", "g"):
        await live_socket.event("add_todo", text=text)
    await jump(live_socket, 1, "before")  # the second event held, which stays held
    await live_socket.event("toggle_todo", todo_id=5)

    source, test_file = await exported(live_socket, tmp_path)

    # The panel numbers events the first time it sees them: here, when the page jumped.
    first = int(source.split("# Event #", 1)[1].split(":", 1)[0])
    assert first > 1 and source.count("# Event #") == 5
    assert f"The history before #{first} is not in this test (evicted from the" in source
    assert f'restored here to the state before #{first} ("Restore before")' in source
    assert_passes(source, test_file)
