"""Hostile text in state, params (values and keys), error messages and imported files
comes back from every panel URL as inert text.

Over djust's real socket with a test-only view that stores anything under any key and
raises with any message. Every HTML answer is parsed with html5lib as a browser would:
no element or attribute that could run script may come from the payloads (the panel's
templates have none of their own: no <script>, <img>, <svg>, no on* attributes), and
the payload must still be there, as text.
"""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.security import (
    XSS_PAYLOADS,
    active_content,
    allowed_methods,
    client_for_session,
    off_loop,
    panel_urls,
    parse_html,
)

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = "tests.support.live_views.HostileView"


def text_of(html: str) -> str:
    return "".join(parse_html(html).itertext())


def queries(session_id: str, events: int) -> list[dict[str, str]]:
    base = {"session": session_id}
    found = [base, {**base, "after": "0"}, {**base, "format": "json"}, {**base, "format": "pytest"}]
    for payload in XSS_PAYLOADS[:4]:
        found += [
            {**base, "q": payload[:200]},
            {**base, "event": payload[:200]},
            {**base, "key": payload[:200]},
        ]
    found.append({**base, "q": "script"})
    found.append({**base, "q": "<"})
    for seq in range(1, events + 1):
        found.append({**base, "seq": str(seq)})
        found.append({**base, "seq": str(seq), "against": "1"})
    for seq in (1, len(XSS_PAYLOADS) // 2, events):
        for which in ("before", "after"):
            found.append({**base, "seq": str(seq), "which": which, "path": "[]"})
            found.append({**base, "seq": str(seq), "which": which, "path": '["data"]'})
            found.append({**base, "seq": str(seq), "which": which, "path": '["items"]'})
            for payload in XSS_PAYLOADS:
                path = json.dumps(["data", payload])
                found.append({**base, "seq": str(seq), "which": which, "path": path})
    return found


async def record_hostile_history(live) -> int:
    await live.mount(HOSTILE, "/hostile/")
    events = 0
    for payload in XSS_PAYLOADS:
        await live.event("store", key=payload, value=payload, **{payload: payload})
        events += 1
    await live.event("store", key="long", value="<b>" * 2000)
    await live.event("store", key="\u202e rtl", value="\u202egnp.exe")
    events += 2
    for payload in XSS_PAYLOADS:
        frames = await live.event("explode", message=payload)
        assert any(f["type"] == "error" for f in frames)
        events += 1
    assert len(live.view._time_travel_buffer) == events
    return events


async def test_hostile_text_is_inert_in_every_panel_answer(live_socket):
    events = await record_hostile_history(live_socket)
    buffer = live_socket.view._time_travel_buffer
    errors = [buffer.jump(i).error for i in range(len(buffer)) if buffer.jump(i).error]
    assert any("<script>" in (e or "") for e in errors)  # djust kept the raw message

    def fetch_all() -> list[tuple[str, int, str, str]]:
        client = client_for_session(live_socket.django_session_key)
        answers = []
        for path in panel_urls().values():
            if "GET" not in allowed_methods(client, path):
                continue
            for query in queries(live_socket.session_id, events):
                response = client.get(path, query)
                answers.append(
                    (
                        f"{path} {query}",
                        response.status_code,
                        response["Content-Type"],
                        response.content.decode(),
                    )
                )
        return answers

    answers = await off_loop(fetch_all)
    html_bodies = set()
    for where, status, content_type, body in answers:
        assert status in (200, 400, 404), where
        if content_type.startswith("text/html"):
            assert status == 200, f"an error answer as HTML: {where}"
            if body not in html_bodies:
                assert active_content(body) == [], where
                html_bodies.add(body)
        else:  # JSON, plain-text messages, downloads: never rendered as a page
            assert content_type.split(";")[0] in (
                "application/json",
                "text/plain",
                "text/x-python",
            ), where
    shown = "\n".join(text_of(body) for body in html_bodies)
    for payload in XSS_PAYLOADS:
        assert payload in shown or json.dumps(payload)[1:-1] in shown, payload
    assert "\u202egnp.exe" in shown


async def test_hostile_error_message_is_escaped_in_the_row(live_socket):
    await live_socket.mount(HOSTILE, "/hostile/")
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    await live_socket.event("explode", message=payload)

    def fetch() -> str:
        client = client_for_session(live_socket.django_session_key)
        return client.get(
            panel_urls()["ddt_timetravel_timeline"], {"session": live_socket.session_id}
        ).content.decode()

    body = await off_loop(fetch)
    assert active_content(body) == []
    error = next(e for e in parse_html(body).iter() if "djtt-error" in e.attrib.get("class", ""))
    assert payload in "".join(error.itertext())
    assert "&lt;script&gt;" in body


def hostile_export(view: str) -> bytes:
    """A crafted export file, as a teammate might send one: payloads everywhere."""
    payload = XSS_PAYLOADS[1]
    event = {
        "seq": 1,
        "event_name": payload,
        "params": {payload: payload, "password": "hunter2-in-a-file"},
        "ref": 1,
        "ts": 0,
        "error": payload,
        "state_before": {payload: [payload], "items": [{"id": payload, "text": payload}]},
        "state_after": {payload: [payload, payload], "items": [{"id": payload, "text": "x"}]},
    }
    document = {
        "format": "ddt-timetravel/1",
        "view": view,
        "versions": {"djust": payload, "ddt_timetravel": payload},
        "captured_at": payload,
        "masked_marker": payload,
        "events": [event, {**event, "seq": 2}],
    }
    return json.dumps(document).encode()


async def test_an_imported_file_is_rendered_inert_and_masked(live_socket):
    urls = panel_urls()

    def post_files() -> list[tuple[int, str, str]]:
        client = client_for_session(live_socket.django_session_key)
        answers = []
        for name, path in urls.items():
            if "POST" not in allowed_methods(client, path) or name == "ddt_timetravel_check":
                continue  # the check runs recorded events: it takes no file
            for view in (XSS_PAYLOADS[0], "demo_app.views.TodosView"):
                response = client.post(
                    f"{path}?session={uuid.uuid4()}&q=x",
                    hostile_export(view),
                    content_type="application/json",
                )
                answers.append(
                    (response.status_code, response["Content-Type"], response.content.decode())
                )
        return answers

    answers = await off_loop(post_files)
    if not answers:
        pytest.skip("no panel URL takes an uploaded file")
    for status, content_type, body in answers:
        assert status in (200, 400), body[:200]
        if content_type.startswith("text/html"):
            assert active_content(body) == []
            assert "hunter2-in-a-file" not in body
            assert XSS_PAYLOADS[1] in text_of(body)
