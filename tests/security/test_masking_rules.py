"""Secrets placed by each masking rule never leave the server through any endpoint.

Events with secrets under secret names, beside a ``field`` that names a secret, in
name/value pair lists, shaped like credentials under innocent names, repeated
under other keys, inside longer strings and in error texts are put in a live
view's buffer; then every panel endpoint is read: the timeline, every row's diff
and comparison, the state tree at every path, search and key filters, both
exports and the import of a file that holds the secrets in clear. No secret is
in any answer, and ordinary values of the same shapes are still shown.
"""

from __future__ import annotations

import json
import re
import string
from typing import Any

import pytest
from django.urls import reverse
from djust.time_travel import EventSnapshot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ddt_timetravel import _djust
from ddt_timetravel.core import memo, numbering
from ddt_timetravel.exchange.json_export import FORMAT
from tests.security.test_masking import every_path
from tests.support.security import client_for_session, off_loop

TAG = "S3CR3T"
SIGNUP = "demo_app.signup.SignupView"
CARD = "4111 1111 1111 1111"

SECRET_NAMES = [
    "password",
    "passcode",
    "pw",
    "pincode",
    "totp",
    "mfaCode",
    "recovery-codes",
    "bearer",
    "jwt",
    "signing key",
    "encryptionKey",
    "priv_key",
    "seed-phrase",
    "DATABASE_URL",
    "dsn",
    "creds",
    "cardnumber",
    "api_token",
]
PLAIN_NAMES = ["note", "text", "title", "comment", "label", "target"]
#: Ordinary values shaped like secrets, under names that look like secrets but are not.
DECOYS = {
    "token_count": 7,
    "passenger": "Bearer of bad news",
    "compass": "https://example.com/books?page=2&sort=title",
    "keyboard": "postgres://db.internal/app",
    "author": "order 1234 5678 shipped",
    "pinned": "sk_live",
}

secret_body = st.text(alphabet=string.ascii_uppercase + string.digits, min_size=12, max_size=16)


@st.composite
def secret(draw: st.DrawFn) -> str:
    return TAG + draw(secret_body)


def shaped(kind: str, value: str) -> str:
    """``value`` (upper case and digits, tagged) inside a credential of ``kind``."""
    return {
        "bearer": f"Bearer {value}",
        "jwt": f"eyJ{value}.eyJ{value}.{value}",
        "url": f"postgres://app:{value}@db.internal/app",
        "query": f"https://x.test/cb?state=1&access_token={value}",
        "form": f"username=ada&password={value}&remember=1",
        "repr": f"{{'api_key': '{value}'}}",
        "pem": f"-----BEGIN EC PRIVATE KEY-----\n{value}\n-----END EC PRIVATE KEY-----",
        "aws": "AKIA" + (value + "0" * 16)[:16],
        "github": "ghp_" + (value * 3)[:36],
        "stripe": "sk_live_" + value,
        "slack": "xoxb-" + value,
    }[kind]


SHAPES = ["bearer", "jwt", "url", "query", "form", "repr", "pem", "aws", "github", "stripe"]
SHAPES += ["slack"]


@st.composite
def placed(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """Params, state and error text with secrets placed by one rule each."""
    params: dict[str, Any] = {}
    state: dict[str, Any] = dict(DECOYS)
    error = None
    for _ in range(draw(st.integers(1, 4))):
        value = draw(secret())
        rule = draw(st.sampled_from(["name", "context", "pairs", "shape", "known", "error"]))
        name = draw(st.sampled_from(SECRET_NAMES))
        plain = draw(st.sampled_from(PLAIN_NAMES))
        if rule == "name":
            where = draw(st.sampled_from([params, state]))
            where[fresh(where, name)] = draw(st.sampled_from([value, [value], {"a": value}]))
        elif rule == "context":
            params.update({"field": name, "value": value, "_target": name})
        elif rule == "pairs":
            state[plain] = draw(
                st.sampled_from(
                    [[{"name": name, "value": value}, {"name": "user", "value": "ada"}],
                     [[name, value], ["user", "ada"]],
                     {"key": name, "value": value}]
                )
            )  # fmt: skip
        elif rule == "shape":
            text = shaped(draw(st.sampled_from(SHAPES)), value)
            where = draw(st.sampled_from([params, state]))
            where[plain] = draw(st.sampled_from([text, f"see {text} here", [text]]))
        elif rule == "known":
            form_data = state.setdefault("form_data", {})
            form_data[fresh(form_data, name)] = value
            params[plain] = draw(st.sampled_from([value, f"it is {value}!"]))
            state["log"] = [f"changed to {value}"]
        else:
            state[fresh(state, name)] = value
            error = f"ValueError: API rejected key {value!r}"
    if draw(st.booleans()):
        state["card_note"] = f"paid with {CARD}"
    return params, state, error


def fresh(where: dict[str, Any], name: str) -> str:
    """``name``, or ``name2``, ``name22``... when taken: a later rule must not drop the
    value that makes another value known to be secret."""
    while name in where:
        name += "2"
    return name


def recorded(params: dict, before: dict, after: dict, error: str | None) -> EventSnapshot:
    return EventSnapshot("validate_field", params, 1, 1.7e9, before, after, error)


def assert_no_secret(where: str, body: str) -> None:
    assert TAG not in body, f"a secret is in {where}"
    assert CARD not in body and CARD.replace(" ", "") not in body, f"a card number is in {where}"


def read_everything(client: Any, session_id: str, snapshots: list[EventSnapshot]) -> dict:
    """Every panel answer about the events held, keyed by what was asked."""
    base = {"session": session_id}
    answers: dict[str, Any] = {}

    def get(name: str, **query: str) -> str:
        response = client.get(reverse(f"djdt:ddt_timetravel_{name}"), {**base, **query})
        assert response.status_code in (200, 400, 404), (name, query, response.status_code)
        answers[f"{name} {query}"] = response.content.decode()
        return answers[f"{name} {query}"]

    get("timeline")
    count = len(snapshots)
    for seq in range(1, count + 1):
        get("diff", seq=str(seq))
        for other in range(1, count + 1):
            if other != seq:
                get("diff", seq=str(seq), against=str(other))
        snapshot = snapshots[seq - 1]
        for which, state in (("before", snapshot.state_before), ("after", snapshot.state_after)):
            for path in every_path(state):
                get("state", seq=str(seq), which=which, path=json.dumps(path))
    for kind in ("json", "pytest"):
        get("export", format=kind)
    for needle in (TAG, TAG + "A", "•••• masked", "masked"):
        get("timeline", q=needle)
    for name in SECRET_NAMES[:3]:
        get("timeline", key=name)
    # A file made elsewhere (or by an older version) may hold secrets in clear.
    document = {
        "format": FORMAT,
        "view": SIGNUP,
        "events": [
            {"seq": i + 1, "event_name": s.event_name, "params": s.params, "ts": s.ts,
             "state_before": s.state_before, "state_after": s.state_after, "error": s.error}
            for i, s in enumerate(snapshots)
        ],
    }  # fmt: skip
    url = reverse("djdt:ddt_timetravel_import") + f"?session={session_id}"
    response = client.post(url, json.dumps(document), content_type="application/json")
    assert response.status_code == 200, response.content[:300]
    answers["import"] = response.content.decode()
    return answers


@pytest.mark.django_db(transaction=True)
async def test_secrets_placed_by_every_rule_never_leave_any_endpoint(live_socket):
    await live_socket.mount(SIGNUP, "/signup/")
    view = live_socket.view
    buffer = _djust.time_travel_buffer(view)
    assert buffer is not None

    def check() -> None:
        client = client_for_session(live_socket.django_session_key)

        @settings(
            max_examples=12,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(st.lists(placed(), min_size=1, max_size=2))
        def every_endpoint(events: list[tuple[dict, dict, str | None]]) -> None:
            snapshots = []
            before: dict[str, Any] = dict(DECOYS)
            for params, after, error in events:
                snapshots.append(recorded(params, before, after, error))
                before = after
            buffer.clear()
            for snapshot in snapshots:
                buffer.append(snapshot)
            answers = read_everything(client, live_socket.session_id, snapshots)
            for where, body in answers.items():
                assert_no_secret(where, body)
            exported = json.loads(answers["export {'format': 'json'}"])
            last = exported["events"][-1]["state_after"]
            assert {key: last[key] for key in DECOYS} == DECOYS  # ordinary values stay
            searches = [b for w, b in answers.items() if w.startswith("timeline {'q'")]
            assert all("data-tt-seq" not in body for body in searches)  # no oracle

        every_endpoint()

    await off_loop(check)


@pytest.mark.django_db(transaction=True)
async def test_check_against_current_code_masks_what_the_event_knows(live_socket, monkeypatch):
    from djust.decorators import event_handler

    from demo_app.signup import SignupView

    password = TAG + "TYPEDPASSWORD1"
    await live_socket.mount(SIGNUP, "/signup/")
    await live_socket.event("validate_field", field="password", value=password)

    async def check() -> str:
        client = client_for_session(live_socket.django_session_key, enforce_csrf_checks=True)
        client.cookies["csrftoken"] = "a" * 32
        url = f"{reverse('djdt:ddt_timetravel_check')}?session={live_socket.session_id}"
        response = await off_loop(lambda: client.post(url, headers={"X-CSRFToken": "a" * 32}))
        assert response.status_code == 200, response.content
        return response.json()["html"]

    @event_handler()
    def echoes(self, field: str = "", value: str = "", **kwargs):
        self.form_data[field] = value
        self.success_message = f"typed {value}"  # a key that is not secret by name

    monkeypatch.setattr(SignupView, "validate_field", echoes)
    html = await check()
    assert "success_message changed" in html and TAG not in html

    @event_handler()
    def raises(self, field: str = "", value: str = "", **kwargs):
        raise ValueError(f"rejected {value!r}")

    monkeypatch.setattr(SignupView, "validate_field", raises)
    html = await check()
    assert "The handler raises now: rejected" in html and TAG not in html


#: Questions about two held events (#1 and #2: the first and second held), in any order.
ORDERED_QUESTIONS = [
    ("timeline", {}),
    ("timeline", {"q": "ada"}),
    ("diff", {"seq": "1"}),
    ("diff", {"seq": "2"}),
    ("diff", {"seq": "2", "against": "1"}),
    ("diff", {"seq": "1", "against": "2"}),
    ("state", {"seq": "2", "which": "after", "path": "[]"}),
    ("state", {"seq": "1", "which": "before", "path": "[]"}),
    ("key", {"keypath": "note"}),
    ("key", {"keypath": "log"}),
    ("key", {"keypath": "form_data"}),
    ("watch", {"expr": "changed(log)"}),
    ("export", {"format": "json"}),
    ("export", {"format": "pytest"}),
]
_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?\+00:00")


@pytest.mark.django_db(transaction=True)
async def test_what_is_masked_does_not_depend_on_which_endpoint_asked_first(live_socket):
    """The memo holds one masked copy per event: asked in any order, with the memo
    kept, every answer is the one a fresh computation gives."""
    await live_socket.mount(SIGNUP, "/signup/")
    buffer = _djust.time_travel_buffer(live_socket.view)
    assert buffer is not None

    def check() -> None:
        client = client_for_session(live_socket.django_session_key)

        def ask(name: str, query: dict[str, str]) -> str:
            url = reverse(f"djdt:ddt_timetravel_{name}")
            response = client.get(url, {"session": live_socket.session_id, **query})
            assert response.status_code in (200, 400, 404), (name, query)
            return _MOMENT.sub("<moment>", response.content.decode())

        @settings(
            max_examples=10,
            deadline=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(
            st.lists(placed(), min_size=2, max_size=2),
            st.permutations(ORDERED_QUESTIONS),
        )
        def any_order(events: list[tuple[dict, dict, str | None]], order: list) -> None:
            # #1 shows a plain note that #2 then knows as a password: masked together,
            # a comparison hides it in both; #1 alone does not know it.
            shared = "shared-note-7Q2"
            events[0][1]["note"] = shared
            events[1][0]["password"] = shared
            for _, after, _ in events:  # big enough to be memoised (tiny states are not)
                after["rows"] = list(range(memo.SMALL_STATE_NODES))
            buffer.clear()
            before: dict[str, Any] = dict(DECOYS)
            for params, after, error in events:
                buffer.append(recorded(params, before, after, error))
                before = after
            with memo._lock:
                memo._tables.clear()
            _, held = numbering.read(live_socket.view, buffer, first_seq=1)
            seqs = {"1": str(held[0].seq), "2": str(held[1].seq)}
            order = [
                (name, {k: seqs[v] if k in ("seq", "against") else v for k, v in query.items()})
                for name, query in order
            ]
            kept = [ask(name, query) for name, query in order]  # each warms the memo
            fresh = {}
            for (name, query), answer in zip(order, kept, strict=True):
                with memo._lock:
                    memo._tables.clear()
                fresh[name, str(query)] = ask(name, query)
                assert fresh[name, str(query)] == answer, (name, query)
            assert shared in fresh["diff", str({"seq": seqs["1"]})]
            assert shared not in fresh["diff", str({"seq": seqs["2"], "against": seqs["1"]})]

        any_order()

    await off_loop(check)
