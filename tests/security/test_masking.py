"""No secret value leaves the server, wherever the panel shows or exports state.

A property test builds states with secret-looking keys at random depths (in the view,
in lists, in LiveComponents, in params) holding unique values, runs them through every
renderer (timeline rows, diffs, the state tree at every level, search, both exports)
and looks for the values, or any prefix a truncation could leave, in the output. Then
the demo's profile form over djust's real socket, through every panel URL.
"""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from django.template.loader import render_to_string
from djust.time_travel import EventSnapshot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.numbering import Entry, Window
from ddt_timetravel.core.search import Filters, match
from ddt_timetravel.display import diff_view, state_tree
from ddt_timetravel.display.rows import build_rows
from ddt_timetravel.exchange import json_export, pytest_module
from tests.support.security import (
    allowed_methods,
    client_for_session,
    off_loop,
    panel_urls,
    parse_html,
)

#: Every secret value starts with this; it appears nowhere else, so finding it anywhere
#: in the output (even cut short by a "…") is a leak.
TAG = "S3CR3T"
SECRET_NAMES = [
    "password",
    "Password",
    "new_password2",
    "passwd",
    "api_token",
    "apiKey",
    "API_KEY",
    "x-api-key",
    "client_secret",
    "secretKey",
    "session_id",
    "sessionid",
    "csrf",
    "csrf_token",
    "authToken",
    "refresh_token",
    "Authorization",
    "private_key",
    "credit_card",
    "cardNumber",
    "cvv",
    "ssn",
    "otp",
    "pin",
]
MAX_DEPTH = 5
PLAIN_NAMES = ["a", "b", "items", "count", "name", "title", "user", "rows", "done", "id"]
CARD_NUMBERS = ["4111 1111 1111 1111", "5500-0000-0000-0004", "340000000000009"]

secret_text = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=10, max_size=14)
plain_leaf = st.one_of(
    st.integers(0, 9), st.booleans(), st.none(), st.sampled_from(["ok", "x", "Milk", ""])
)


@st.composite
def secret_value(draw: st.DrawFn, found: list[str]) -> Any:
    """What a secret key holds: a tagged string, or containers of them."""
    kind = draw(st.sampled_from(["text", "text", "list", "dict", "long"]))
    if kind == "list":
        return [draw(secret_value(found)) for _ in range(draw(st.integers(1, 3)))]
    if kind == "dict":
        return {draw(st.sampled_from(PLAIN_NAMES)): draw(secret_value(found))}
    value = TAG + draw(secret_text)
    if kind == "long":  # long enough to be summarised and expanded on demand
        value += "x" * 120
    found.append(value)
    return value


@st.composite
def tree(draw: st.DrawFn, found: list[str], depth: int = 0) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for _ in range(draw(st.integers(1, 3))):
        choice = draw(st.integers(0, 9))
        if choice <= 2:
            node[draw(st.sampled_from(SECRET_NAMES))] = draw(secret_value(found))
        elif choice == 3:
            # Not as an "id": a diff names list items by id (its own test below).
            name = draw(st.sampled_from([n for n in PLAIN_NAMES if n != "id"]))
            node[name] = draw(st.sampled_from(CARD_NUMBERS))
        elif choice <= 5 and depth < MAX_DEPTH:
            node[draw(st.sampled_from(PLAIN_NAMES))] = draw(tree(found, depth + 1))
        elif choice <= 7 and depth < MAX_DEPTH:
            items = draw(st.lists(tree(found, depth + 1), min_size=1, max_size=3))
            for position, item in enumerate(items):
                item.setdefault("id", position)
            node[draw(st.sampled_from(PLAIN_NAMES))] = items
        else:
            node[draw(st.sampled_from(PLAIN_NAMES))] = draw(plain_leaf)
    return node


@st.composite
def changed(
    draw: st.DrawFn, value: Any, found: list[str], secret: bool = False, grow: bool = True
) -> Any:
    """``value`` with some leaves replaced (new secrets below secret keys) and some
    keys added or dropped: the diff then has lines deep inside secret containers."""
    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if draw(st.integers(0, 9)) == 0:
                continue  # removed
            below_secret = secret or Masker().is_secret_key(key)
            result[key] = draw(changed(item, found, below_secret))
        if grow and draw(st.integers(0, 4)) == 0:
            result.update(draw(tree(found, MAX_DEPTH - 1)))  # added
        return result
    if isinstance(value, list):
        return [draw(changed(item, found, secret)) for item in value]
    if draw(st.booleans()):
        return value
    if secret:
        fresh = TAG + draw(secret_text)
        found.append(fresh)
        return fresh
    return draw(plain_leaf)


@st.composite
def recorded_event(draw: st.DrawFn) -> tuple[EventSnapshot, list[str]]:
    found: list[str] = []
    before = draw(tree(found))
    after = draw(st.one_of(changed(before, found), tree(found)))
    if draw(st.booleans()):
        components = {draw(st.sampled_from(["lamp", "form", "card"])): draw(tree(found))}
        before["__components__"] = components
        # Component ids are plain names here; a secret-looking id is its own test below.
        after["__components__"] = draw(changed(components, found, grow=False))
    params = draw(tree(found))
    snapshot = EventSnapshot(
        event_name="save",
        params=params,
        ref=1,
        ts=1_700_000_000.0,
        state_before=before,
        state_after=after,
        error=None,
    )
    return snapshot, found


def every_path(value: Any, path: tuple[Any, ...] = ()) -> list[list[Any]]:
    """Every path into ``value``, through secret keys too: a request may name any."""
    paths = [list(path)]
    if isinstance(value, dict):
        for key, item in value.items():
            paths += every_path(item, (*path, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            paths += every_path(item, (*path, position))
    return paths


def every_tree_page(state: Any, masker: Masker) -> list[str]:
    """The state tree rendered at every level a click could open, and at every path a
    hand-made request could name."""
    pages = []
    pending: list[list[Any]] = every_path(state)
    seen: set[str] = set()
    while pending:
        path = pending.pop()
        if json.dumps(path) in seen:
            continue
        seen.add(json.dumps(path))
        value = state_tree.resolve(state, path, masker)
        items, _ = state_tree.children(value, path, masker)
        leaf = None if isinstance(value, (dict, list)) else state_tree.full_text(value, masker)
        pages.append(
            render_to_string(
                "ddt_timetravel/node.html",
                {"items": items, "seq": 1, "which": "after", "path": "[]", "leaf": leaf},
            )
        )
        pending.extend(json.loads(item.path) for item in items if item.expandable)
    return pages


def assert_hidden(outputs: list[str], secrets: list[str]) -> None:
    text = "\n".join(outputs)
    assert TAG not in text, "a secret (or a cut-off start of one) is shown"
    for card in CARD_NUMBERS:
        digits = card.replace(" ", "").replace("-", "")
        assert card not in text and digits not in text
    for value in secrets:
        assert value not in text


@settings(
    max_examples=50,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking big states is slow
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(recorded_event(), min_size=1, max_size=3))
def test_no_secret_reaches_any_rendering(events):
    masker = Masker()
    entries = [Entry(seq=i + 1, index=i, snapshot=s) for i, (s, _) in enumerate(events)]
    secrets = [value for _, found in events for value in found]
    rows = build_rows(entries, None, masker)
    outputs = [
        render_to_string(
            "ddt_timetravel/fragment.html",
            {
                "view_path": "demo_app.views.ProfileView",
                "after": 0,
                "window": Window(head_seq=1, length=len(entries), capacity=100),
                "rows": rows,
                "filters": Filters(),
                "branch_id": "main",
                "viewing": None,
                "unrecorded": [],
            },
        )
    ]
    for entry in entries:
        snapshot = entry.snapshot
        view = diff_view.build_view(
            diff_view.event_diff(snapshot), snapshot.state_before, snapshot.state_after, masker
        )
        outputs.append(render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view}))
        outputs += every_tree_page(snapshot.state_before, masker)
        outputs += every_tree_page(snapshot.state_after, masker)
    compared = diff_view.build_view(
        diff_view.raw_diff(entries[0].snapshot.state_after, entries[-1].snapshot.state_after),
        entries[0].snapshot.state_after,
        entries[-1].snapshot.state_after,
        masker,
    )
    outputs.append(
        render_to_string("ddt_timetravel/diff.html", {"seq": 2, "against": 1, "diff": compared})
    )
    document = json_export.timeline_document("demo_app.views.ProfileView", entries, masker)
    outputs.append(json.dumps(document, ensure_ascii=False, default=str))
    outputs.append(pytest_module.pytest_module("demo_app.views.ProfileView", entries, masker))

    assert_hidden(outputs, secrets)
    for output in outputs[:1]:
        parse_html(output)
    # Search never matches a secret (no oracle): not the value, not its start.
    for secret in secrets[:4]:
        for needle in (secret, secret[:8], TAG):
            for entry in entries:
                assert match(entry.snapshot, Filters(text=needle), masker) is None


# --------------------------------------------------------------------------
# The demo's profile form over djust's real socket
# --------------------------------------------------------------------------

PROFILE = "demo_app.views.ProfileView"
PASSWORD = TAG + "PASSWORDVALUE42"
API_TOKEN = TAG + "TOKENVALUE0042"


def profile_queries(session_id: str) -> list[dict[str, str]]:
    base = {"session": session_id}
    queries = [
        base,
        {**base, "after": "0"},
        {**base, "seq": "1"},
        {**base, "seq": "2", "against": "1"},
        {**base, "seq": "1", "against": "2"},
        {**base, "format": "json"},
        {**base, "format": "pytest"},
        {**base, "q": "ada"},
        {**base, "key": "password"},
    ]
    for seq in ("1", "2"):
        for which in ("before", "after"):
            for path in ("[]", '["password"]', '["api_token"]', '["username"]'):
                queries.append({**base, "seq": seq, "which": which, "path": path})
    for needle in (PASSWORD, PASSWORD[:10], API_TOKEN[-8:], TAG, "PASSWORDVALUE"):
        queries.append({**base, "q": needle})
    return queries


@pytest.mark.django_db(transaction=True)
async def test_profile_secrets_never_leave_the_server(live_socket):
    await live_socket.mount(PROFILE, "/profile/")
    await live_socket.event(
        "save", username="ada", email="ada@example.com", password=PASSWORD, api_token=API_TOKEN
    )
    await live_socket.event(
        "save", username="ada2", email="ada@example.com", password=PASSWORD, api_token=API_TOKEN
    )
    assert live_socket.view.password == PASSWORD  # the real value stays on the server

    def fetch_all() -> list[tuple[str, int, str]]:
        client = client_for_session(live_socket.django_session_key)
        answers = []
        for path in panel_urls().values():
            if "GET" not in allowed_methods(client, path):
                continue
            for query in profile_queries(live_socket.session_id):
                response = client.get(path, query)
                answers.append((f"{path} {query}", response.status_code, response.content.decode()))
        return answers

    answers = await off_loop(fetch_all)
    for where, status, body in answers:
        assert status in (200, 400, 404), where
        assert TAG not in body, f"a secret is in {where}"
    shown = {where: body for where, status, body in answers if status == 200}
    timeline = next(body for where, body in shown.items() if "timeline" in where)
    assert "ada" in timeline  # the rows were shown; a row's full params come with its diff
    diff = next(
        body
        for where, body in shown.items()
        if "/diff/" in where and "'seq': '1'" in where and "against" not in where
    )
    assert "•••• masked" in diff  # the masked params and state were shown
    # Searching for the secret (or a piece of it) finds no row: no oracle.
    searches = [
        body for where, body in shown.items() if "timeline" in where and "'q': 'S3CR3T" in where
    ]
    assert searches and all("data-tt-seq" not in body for body in searches)


# --------------------------------------------------------------------------
# Gaps found by this suite and fixed: each test failed before its fix.
# --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_the_csrf_form_field_sent_by_dj_submit_is_masked(live_socket):
    token = TAG + "CSRFFORMTOKEN1"
    await live_socket.mount(PROFILE, "/profile/")
    # What djust's client sends for <form dj-submit="save">{% csrf_token %}...</form>:
    # FormData of every named input, the CSRF field included.
    await live_socket.event("save", csrfmiddlewaretoken=token, username="ada", password="pw")

    def fetch() -> list[str]:
        client = client_for_session(live_socket.django_session_key)
        query = {"session": live_socket.session_id, "seq": "1"}
        return [
            client.get(panel_urls()[name], query).content.decode()
            for name in ("ddt_timetravel_timeline", "ddt_timetravel_export")
        ]

    for body in await off_loop(fetch):
        assert TAG not in body


@pytest.mark.parametrize(
    "name",
    # Plurals of secret parts and pairs, and run-together lower-case words.
    ["passwords", "api_tokens", "api_keys", "secrets", "accesstoken", "clientsecret"],
)
def test_plural_and_compound_secret_names_are_masked(name):
    masker = Masker()
    shown = json.dumps(masker.mask({name: [TAG + "ONE", TAG + "TWO"]}), default=str)
    assert TAG not in shown


def test_a_component_whose_id_looks_secret_is_masked_in_the_diff():
    masker = Masker()
    before = {"__components__": {"password": {"value": TAG + "OLDPASSWORD"}}}
    after = {"__components__": {"password": {"value": TAG + "NEWPASSWORD"}}}
    snapshot = EventSnapshot("save", {}, 1, 0.0, before, after, None)
    row = build_rows([Entry(1, 0, snapshot)], None, masker)[0]
    assert TAG not in row.change_summary  # the row masks it ...
    view = diff_view.build_view(diff_view.raw_diff(before, after), before, after, masker)
    html = render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view})
    assert TAG not in html  # ... the diff must too


def test_an_id_that_is_a_card_number_is_not_shown_in_diff_paths():
    masker = Masker()
    card = "4111 1111 1111 1111"
    before = {"cards": [{"id": card, "label": "Visa"}]}
    after = {"cards": [{"id": card, "label": "Work Visa"}]}
    view = diff_view.build_view(diff_view.raw_diff(before, after), before, after, masker)
    html = render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view})
    assert "Work Visa" in html
    assert card not in html
