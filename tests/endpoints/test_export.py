"""JSON export, import, and "export as test": the generated test passes, and fails
on the right event when the handler changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

import ddt_timetravel
from tests.support.panel_client import client_for

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
COUNTER = "demo_app.views.CounterView"
TODOS = "demo_app.views.TodosView"


async def export(live, **params):
    response = await client_for(live, enforce_csrf_checks=True).get(
        reverse("djdt:ddt_timetravel_export"), {"session": live.session_id, **params}
    )
    return response


def run_pytest(directory: Path, test_file: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": f"{REPO / 'demo'}:{REPO}", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(test_file),
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=demo_project.settings",
            "--rootdir",
            str(directory),
            "-c",
            "/dev/null",
        ],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=REPO, capture_output=True, text=True
    )


async def test_json_export_is_masked_and_complete(live_socket):
    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-secret-99", api_token="tok-77")

    response = await export(live_socket, format="json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == "ddt-timetravel/2"
    assert document["view"] == "demo_app.views.ProfileView"
    assert document["versions"]["djust"] != "unknown"
    assert document["versions"]["ddt_timetravel"] == ddt_timetravel.__version__
    [event] = document["events"]
    assert event["event_name"] == "save" and event["seq"] == 1
    assert event["state_after"]["username"] == "ada"
    assert event["state_after"]["password"] == "•••• masked"
    assert event["params"]["api_token"] == "•••• masked"
    assert b"pw-secret-99" not in response.content and b"tok-77" not in response.content


async def test_export_range_and_filters(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    for name in ("increment", "increment", "reset", "increment"):
        await live_socket.event(name)

    ranged = json.loads((await export(live_socket, **{"from": 2, "to": 3})).content)
    filtered = json.loads((await export(live_socket, event="reset")).content)

    assert [e["seq"] for e in ranged["events"]] == [2, 3]
    assert [e["event_name"] for e in filtered["events"]] == ["reset"]
    empty = await export(live_socket, **{"from": 9})
    assert empty.status_code == 404 and "No held event" in empty.text
    bad = await export(live_socket, format="xml")
    assert bad.status_code == 400


async def test_import_shows_rows_read_only_and_checks_the_file(live_socket):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("add", amount=5)
    await live_socket.event("explode")
    exported = (await export(live_socket, format="json")).content
    client = client_for(live_socket, enforce_csrf_checks=True)
    csrf = await client.get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": live_socket.session_id}
    )
    assert csrf.status_code == 200
    url = reverse("djdt:ddt_timetravel_import") + f"?session={live_socket.session_id}"

    refused = await client.post(url, exported, content_type="application/json")
    assert refused.status_code == 403  # CSRF protected

    client.cookies["csrftoken"] = "a" * 32
    headers = {"X-CSRFToken": "a" * 32}
    opened = await client.post(url, exported, content_type="application/json", headers=headers)
    assert opened.status_code == 200
    assert "Imported, read-only" in opened.text
    assert 'data-tt-event="add"' in opened.text and "Explode was clicked" in opened.text
    assert "Restore before" not in opened.text
    assert "count" in opened.text  # diffs are there

    other_view = exported.replace(b"demo_app.views.CounterView", b"demo_app.views.TodosView")
    for body, message in [
        (b"not json", "The file is not JSON"),
        (exported.replace(b"ddt-timetravel/2", b"ddt-timetravel/9"), "this panel opens"),
        (other_view, "was captured on demo_app.views.TodosView"),
    ]:
        response = await client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 400 and message in response.text, response.text


async def test_exported_test_passes_and_fails_on_the_changed_handler(live_socket, tmp_path):
    await live_socket.mount(COUNTER, "/counter/")
    await live_socket.event("increment")
    await live_socket.event("add", amount=5)
    await live_socket.event("explode")
    await live_socket.event("decrement")
    response = await export(live_socket, format="pytest")
    assert response.status_code == 200
    source = response.content.decode()
    test_file = tmp_path / "test_exported_counter.py"
    test_file.write_text(source)

    assert "def test_counter_view_increment_add_explode_decrement():" in source
    assert ruff("check", "--no-cache", str(test_file)).returncode == 0, ruff(
        "check", str(test_file)
    ).stdout
    assert ruff("format", "--check", "--no-cache", str(test_file)).returncode == 0, ruff(
        "format", "--diff", str(test_file)
    ).stdout

    passed = run_pytest(tmp_path, test_file)
    assert passed.returncode == 0, passed.stdout + passed.stderr

    (tmp_path / "conftest.py").write_text(
        "from djust.decorators import event_handler\n"
        "from demo_app.views import CounterView\n\n\n"
        "@event_handler()\n"
        "def add(self, amount: int = 1, **kwargs):\n"
        "    self.count += int(amount) * 2\n\n\n"
        "CounterView.add = add\n"
    )
    failed = run_pytest(tmp_path, test_file)
    assert failed.returncode == 1, failed.stdout
    assert "count after event #2 add" in failed.stdout


async def test_exported_todo_test_passes(live_socket, tmp_path):
    await live_socket.mount(TODOS, "/todos/")
    await live_socket.event("add_todo", text="Buy milk")
    await live_socket.event("toggle_todo", todo_id=3)
    await live_socket.event("remove_todo", todo_id=1)
    source = (await export(live_socket, format="pytest")).content.decode()
    test_file = tmp_path / "test_exported_todos.py"
    test_file.write_text(source)

    result = run_pytest(tmp_path, test_file)

    assert result.returncode == 0, source + result.stdout + result.stderr
    assert "Buy milk" in source


async def test_masked_values_are_left_out_of_the_exported_test(live_socket):
    await live_socket.mount("demo_app.views.ProfileView", "/profile/")
    await live_socket.event("save", username="ada", password="pw-secret-99", api_token="tok-77")

    source = (await export(live_socket, format="pytest")).content.decode()

    assert "pw-secret-99" not in source and "tok-77" not in source
    assert "Masked (secrets never leave the server), not asserted: password, api_token" in source
    assert "Masked in the recording, so not sent: password, api_token" in source


async def test_json_export_carries_each_events_cost(live_socket):
    await live_socket.mount("demo_app.books.BooksView", "/books/")
    await live_socket.event("next_page")
    await live_socket.event("fix_queries")

    document = json.loads((await export(live_socket, format="json")).content)

    slow, fixed = (event["cost"] for event in document["events"])
    assert set(slow) == {"handler_ms", "render_ms", "patch_bytes", "state_bytes", "queries"}
    assert slow["handler_ms"] > 0 and slow["render_ms"] > 0 and slow["patch_bytes"] > 0
    assert slow["state_bytes"] == len(json.dumps(document["events"][0]["state_after"]))
    assert len(slow["queries"]) == 5 and len(fixed["queries"]) == 1
    first, author = slow["queries"][0], slow["queries"][1]
    assert first["sql"].startswith("SELECT") and first["ms"] >= 0
    assert author["params"] and author["source"].endswith("in byline")
    assert author["template"] == "demo_app/books.html:15 (object_list)"


async def test_import_shows_costs_and_opens_format_1_files(live_socket):
    await live_socket.mount("demo_app.views.LibraryView", "/library/")
    await live_socket.event("load_slow")
    exported = (await export(live_socket, format="json")).content
    client = client_for(live_socket)
    client.cookies["csrftoken"] = "a" * 32
    headers = {"X-CSRFToken": "a" * 32}
    url = reverse("djdt:ddt_timetravel_import") + f"?session={live_socket.session_id}"

    opened = await client.post(url, exported, content_type="application/json", headers=headers)
    assert opened.status_code == 200, opened.text
    assert 'data-djtt-queries="11"' in opened.text and "10 repeated (likely N+1)" in opened.text

    old = json.loads(exported)
    old["format"] = "ddt-timetravel/1"
    for event in old["events"]:
        del event["cost"]
    body = json.dumps(old).encode()
    opened_old = await client.post(url, body, content_type="application/json", headers=headers)
    assert opened_old.status_code == 200, opened_old.text
    assert 'data-tt-event="load_slow"' in opened_old.text
    assert "data-djtt-queries" not in opened_old.text  # no numbers, rather than zero

    broken = json.loads(exported)
    broken["events"][0]["cost"]["queries"] = [{"sql": 1}]
    bad = await client.post(
        url, json.dumps(broken).encode(), content_type="application/json", headers=headers
    )
    assert bad.status_code == 400 and "cost query" in bad.text
