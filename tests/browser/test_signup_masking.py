"""A password typed into djust's own live-validated form never reaches the panel.

A person types a username, an email, a password and its confirmation into the
demo's ``/signup/`` one key at a time; djust validates each keystroke with its
standard ``validate_field`` event, so the password arrives under the key
``value``. The form is sent once with the two passwords differing (refused) and
once matching. Then everything the panel can tell is read: every panel endpoint
for every event, both exports, the replay editor of every row, and what the
toolbar stored for the page. The password, or any start of it a row could show,
is in none of them; the username is shown.
"""

from __future__ import annotations

import itertools
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, wait_for_live_view
from tests.support.security import panel_urls

pytestmark = pytest.mark.browser

USERNAME = "adalove"
EMAIL = "ada@example.org"
PASSWORD = "Zq9-Vortex-Lamp7"
#: Every start of the password a truncated value could leave, down to four characters.
PIECES = [PASSWORD[:n] for n in range(4, len(PASSWORD) + 1)]
KEY_DELAY_MS = 400  # above djust's 300 ms dj-input debounce: one event per key


def type_into(page, field: str, text: str) -> None:
    """Click the field djust rendered for ``field`` and type ``text`` key by key."""
    page.locator(f"#id_{field}").click()
    page.keyboard.type(text, delay=KEY_DELAY_MS)


def fetch_text(page, url: str) -> tuple[int, str]:
    """GET ``url`` from the page, with its cookies, as the panel's script does."""
    return tuple(
        page.evaluate(
            """async (url) => {
                const response = await fetch(url, {credentials: "same-origin"});
                return [response.status, await response.text()];
            }""",
            url,
        )
    )


def endpoint_queries(session_id: str, seqs: list[int]) -> dict[str, list[dict[str, str]]]:
    """What to ask each read-only endpoint, by URL name, about every held event."""
    base = {"session": session_id}
    per_event = [{**base, "seq": str(seq)} for seq in seqs]
    paths = ["[]", '["form_data"]', '["form_data","password"]', '["field_errors"]']
    return {
        "ddt_timetravel_timeline": [
            base,
            {**base, "q": USERNAME},
            *({**base, "q": piece} for piece in (PASSWORD, PASSWORD[:6])),
            {**base, "key": "form_data.password"},
        ],
        "ddt_timetravel_diff": [
            *per_event,
            *({**base, "seq": str(b), "against": str(a)} for a, b in itertools.pairwise(seqs)),
        ],
        "ddt_timetravel_state": [
            {**query, "which": which, "path": path}
            for query in per_event
            for which in ("before", "after")
            for path in paths
        ],
        "ddt_timetravel_export": [{**base, "format": "json"}, {**base, "format": "pytest"}],
        "ddt_timetravel_replay": per_event,  # every row's replay editor, as it would load
    }


def test_a_password_typed_into_a_djust_form_never_reaches_the_panel(page, live_server_url):
    page.goto(f"{live_server_url}/signup/")
    wait_for_live_view(page)
    type_into(page, "username", USERNAME)
    type_into(page, "email", EMAIL)
    type_into(page, "password", PASSWORD)
    type_into(page, "password_confirm", PASSWORD + "x")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("The two passwords differ.")).to_be_visible()
    page.locator("#id_password_confirm").click()
    page.keyboard.press("End")
    page.keyboard.press("Backspace")
    page.wait_for_timeout(KEY_DELAY_MS)  # let djust's debounce send the last keystroke
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("#signup-welcome")).to_have_text(f"Welcome, {USERNAME}!")

    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-event=submit_form]")).to_have_count(2)
    typed = panel.locator("[data-tt-event=validate_field]")
    assert typed.count() >= len(USERNAME) + len(PASSWORD)  # one event per key, or near
    session_id = page.evaluate("() => window.djust.liveViewInstance.sessionId")
    seqs = sorted(int(s) for s in panel.locator("[data-tt-seq]").evaluate_all(
        "rows => rows.map(row => row.dataset.ttSeq)"))  # fmt: skip

    answers: dict[str, str] = {}
    urls = panel_urls()
    for name, queries in endpoint_queries(session_id, seqs).items():
        for query in queries:
            status, body = fetch_text(page, f"{live_server_url}{urls[name]}?{urlencode(query)}")
            assert status == 200, (name, query, status, body[:200])
            answers[f"{name} {query}"] = body
    panel.locator("[data-tt-event=submit_form]").first.get_by_role("button", name="Replay").click()
    answers["open replay editor"] = panel.locator("[data-djtt-replay]:visible").inner_html()
    # What the toolbar stored for this page, panel by panel.
    request_id = page.locator("#djDebug").get_attribute("data-request-id")
    for dotted in settings.DEBUG_TOOLBAR_PANELS:
        panel_id = dotted.rpartition(".")[2]
        query = urlencode({"request_id": request_id, "panel_id": panel_id})
        status, body = fetch_text(page, f"{live_server_url}/__debug__/render_panel/?{query}")
        assert status == 200, (panel_id, status)
        answers[f"toolbar store {panel_id}"] = json.loads(body)["content"] or ""  # off: none
    answers["panel as shown"] = panel.inner_html()

    for where, body in answers.items():
        for piece in PIECES:
            assert piece not in body, f"{piece!r} (of the password) is in {where}"
    assert USERNAME in answers[f"ddt_timetravel_timeline {{'session': '{session_id}'}}"]
    document = json.loads(answers[next(w for w in answers if "'format': 'json'" in w)])
    shown = json.dumps(document["events"], ensure_ascii=False)
    assert USERNAME in shown and "•••• masked" in shown
    searches = [body for where, body in answers.items() if f"'q': '{PASSWORD[:6]}" in where]
    assert searches and all("data-tt-seq" not in body for body in searches)
