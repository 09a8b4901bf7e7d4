"""Fuzz every panel endpoint's input, and the renderers behind them.

* Queries (hypothesis): arbitrary text, huge and odd numbers, unicode, repeated keys,
  raw bytes that are not UTF-8, about a live view the client owns (so the probes get
  past the ownership check and reach the parsing and rendering code) or another one.
  Never a 500 (Django's test client re-raises any exception a view lets through),
  always 200/400/404/503, nothing logged at ERROR, and every 200 parses: HTML with
  html5lib, JSON with ``json``, an exported pytest module with ``compile``.
* Uploads: exported documents with arbitrary values posted to the import endpoint.
* Renderers: arbitrary JSON-like states (nesting to ~50, long strings, unicode, mixed
  types, non-string keys, NaN and huge numbers) through rows, diffs, the state tree and
  both exports.
* Hostile shapes, each example with a time budget (hypothesis ``deadline``): states
  recorded by djust's consumer nested hundreds deep, wide, long lists, long strings and
  lone surrogates, through every endpoint and back through the import; uploads nested
  thousands deep, cut short or full of surrogate escapes.
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import math
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from djust.time_travel import EventSnapshot
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ddt_timetravel.core import numbering
from ddt_timetravel.core.masking import Masker
from ddt_timetravel.core.numbering import Entry, Window
from ddt_timetravel.core.search import Filters
from ddt_timetravel.display import diff_view, state_tree
from ddt_timetravel.display.rows import build_rows
from ddt_timetravel.exchange import json_export, pytest_module
from tests.support.security import (
    PARAM_NAMES,
    XSS_PAYLOADS,
    allowed_methods,
    build_query,
    client_for_session,
    off_loop,
    panel_urls,
    param_values,
    parse_html,
    query_pairs,
    raw_query_strings,
)

OUR_LOGGERS = ("ddt_timetravel", "django.request")
ALLOWED_STATUS = {200, 400, 404, 503}
ENDPOINT_SETTINGS = settings(
    max_examples=120,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # the message names the request
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check_answer(where: str, response: Any) -> None:
    """One answer of a panel endpoint: a known status and a body that parses."""
    status = response.status_code
    assert status in ALLOWED_STATUS, f"{where} answered {status}"
    content_type = response["Content-Type"].split(";")[0]
    body = response.content.decode()
    if status != 200:
        assert content_type in ("text/plain", "application/json"), where
        assert body.strip(), f"{where}: an error without a message"
        return
    if content_type == "text/html":
        parse_html(body)
    elif content_type == "application/json":
        json.loads(body)
    elif content_type == "text/x-python":
        compile(body, "exported_test.py", "exec")
    else:
        raise AssertionError(f"{where}: unexpected content type {content_type}")


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR and r.name.startswith(OUR_LOGGERS)
    ]


# --------------------------------------------------------------------------
# Queries against a live view over djust's real socket
# --------------------------------------------------------------------------


async def hostile_history(live) -> None:
    await live.mount("tests.support.live_views.HostileView", "/hostile/")
    for payload in [*XSS_PAYLOADS[:3], "\u202e", "x" * 3000, "", "0"]:
        await live.event("store", key=payload, value=payload)
    await live.event("explode", message="boom <b>")


@pytest.mark.django_db(transaction=True)
async def test_fuzzed_queries_never_break_an_endpoint(live_socket, open_live_socket, caplog):
    caplog.set_level(logging.ERROR)
    await hostile_history(live_socket)
    other = await open_live_socket()
    await other.mount("demo_app.views.CounterView", "/counter/")
    await other.event("increment")
    own = live_socket.session_id
    sessions = [own, own.upper(), other.session_id, str(uuid.uuid4())]
    held = len(live_socket.view._time_travel_buffer)

    def fuzz() -> int:
        client = client_for_session(live_socket.django_session_key)
        endpoints = [
            (path, method)
            for path in panel_urls().values()
            for method in allowed_methods(client, path)
        ]
        sent = 0

        def send(method: str, path: str, query: str) -> None:
            nonlocal sent
            sent += 1
            url = f"{path}?{query}"
            if method == "GET":
                response = client.get(url)
            else:
                response = client.generic(method, url, b"{}", content_type="application/json")
            check_answer(f"{method} {url}", response)

        @ENDPOINT_SETTINGS
        @given(st.data())
        def probe(data: st.DataObject) -> None:
            path, method = data.draw(st.sampled_from(endpoints), label="endpoint")
            last = data.draw(st.sampled_from([own, own, *sessions]), label="session")
            pairs = data.draw(query_pairs(sessions, session_last=last), label="pairs")
            send(method, path, build_query(pairs))
            send(method, path, data.draw(raw_query_strings(), label="raw") + f"&session={own}")

        probe()
        # Each parameter alone with each edge value, the rest well formed.
        edge = ["", "0", "-1", "9" * 40, str(2**53), str(2**53 + 1), "1.0", "١", "NaN", "%00"]
        for path, method in endpoints:
            for name in PARAM_NAMES:
                for value in edge:
                    query = {"session": own, "seq": "1", name: value}
                    send(method, path, build_query(query.items()))
        return sent

    sent = await off_loop(fuzz)
    assert sent > 2 * ENDPOINT_SETTINGS.max_examples
    assert errors_logged(caplog) == []
    assert len(live_socket.view._time_travel_buffer) == held  # nothing changed the history


# --------------------------------------------------------------------------
# Uploads: exported documents with arbitrary values
# --------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def exported_documents(draw: st.DrawFn) -> bytes:
    """Mostly well-formed exports (so the renderer runs) with arbitrary values inside."""
    events = []
    for seq in range(1, draw(st.integers(0, 4)) + 1):
        event = {
            "seq": seq,
            "event_name": draw(st.text(min_size=1, max_size=20)),
            "params": draw(st.dictionaries(st.text(max_size=8), json_like, max_size=4)),
            "ref": draw(st.one_of(st.none(), st.integers(), st.text(max_size=3))),
            # Times a clock can show; out-of-range ones are a known bug, tested below.
            "ts": draw(st.one_of(st.floats(0, 4e9), st.integers(0, 2**32))),
            "error": draw(st.one_of(st.none(), st.text(max_size=40), json_like)),
            "state_before": draw(st.dictionaries(st.text(max_size=8), json_like, max_size=5)),
            "state_after": draw(st.dictionaries(st.text(max_size=8), json_like, max_size=5)),
        }
        if draw(st.integers(0, 9)) == 0:
            event[draw(st.sampled_from(list(event)))] = draw(json_like)  # one broken field
        events.append(event)
    document: Any = {
        "format": "ddt-timetravel/1",
        "view": draw(st.one_of(st.just("demo_app.views.CounterView"), st.text(max_size=20))),
        "versions": draw(json_like),
        "captured_at": draw(st.one_of(st.text(max_size=25), json_like)),
        "masked_marker": "•••• masked",
        "events": events,
    }
    if draw(st.integers(0, 9)) == 0:
        document = draw(json_like)
    text = json.dumps(document, allow_nan=True)
    return text.encode() if draw(st.integers(0, 19)) else text.encode()[: len(text) // 2]


@pytest.mark.django_db
def test_fuzzed_uploads_never_break_an_endpoint(caplog):
    caplog.set_level(logging.ERROR)
    client = client_for_session(None)
    uploads = [path for path in panel_urls().values() if "POST" in allowed_methods(client, path)]
    if not uploads:
        pytest.skip("no panel URL takes an uploaded file")

    @ENDPOINT_SETTINGS
    @given(path=st.sampled_from(uploads), body=exported_documents(), q=param_values(["x"]))
    def probe(path: str, body: bytes, q: str) -> None:
        url = f"{path}?{build_query([('session', str(uuid.uuid4())), ('q', q[:200])])}"
        response = client.post(url, body, content_type="application/json")
        check_answer(f"POST {url} with {body[:300]!r}", response)

    probe()
    assert errors_logged(caplog) == []


@pytest.mark.django_db
def test_an_import_with_an_out_of_range_time_is_refused_not_a_500():
    """Found by the upload fuzzer; kept as its own example."""
    client = client_for_session(None)
    uploads = [p for p in panel_urls().values() if "POST" in allowed_methods(client, p)]
    if not uploads:
        pytest.skip("no panel URL takes an uploaded file")
    event = {"seq": 1, "event_name": "x", "params": {}, "state_before": {}, "state_after": {}}
    for ts in (1e300, -1e300, float("nan"), float("inf"), 2**70):
        document = {
            "format": "ddt-timetravel/1",
            "view": "demo_app.views.CounterView",
            "events": [{**event, "ts": ts}],
        }
        body = json.dumps(document, allow_nan=True).encode()
        response = client.post(
            f"{uploads[0]}?session={uuid.uuid4()}", body, content_type="application/json"
        )
        check_answer(f"import with ts={ts}", response)


# --------------------------------------------------------------------------
# Renderers: arbitrary JSON-like states
# --------------------------------------------------------------------------

keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["password", "items", "id", "__components__", "", "component:x"]),
    st.integers(-5, 5),  # not from djust (it JSON round-trips), but from odd callers
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
)
leaves = st.one_of(
    scalars,
    st.text(min_size=500, max_size=3000),
    st.sampled_from(XSS_PAYLOADS),
    st.just("4111 1111 1111 1111"),
)
states = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(keys, inner, max_size=5),
        st.lists(
            st.fixed_dictionaries({"id": st.integers(0, 3)}, optional={"v": inner}), max_size=4
        ),
    ),
    max_leaves=40,
)


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for level in range(depth):
        value = {f"k{level}": value} if level % 2 else [value]
    return value


top_states = st.one_of(
    st.dictionaries(keys, states, max_size=6),
    st.builds(lambda d, leaf: {"deep": nested(d, leaf)}, st.integers(30, 60), leaves),
    st.builds(
        lambda comps: {"__components__": comps},
        st.one_of(st.dictionaries(keys, states, max_size=3), states),
    ),
)


@st.composite
def snapshots(draw: st.DrawFn) -> EventSnapshot:
    return EventSnapshot(
        event_name=draw(st.one_of(st.text(max_size=40), st.sampled_from(XSS_PAYLOADS))),
        params=draw(st.dictionaries(keys, states, max_size=4)),
        ref=draw(st.one_of(st.none(), st.integers(0, 2**40))),
        ts=draw(st.floats(1e9, 2e9)),  # djust records time.time()
        state_before=draw(top_states),
        state_after=draw(top_states),
        error=draw(st.one_of(st.none(), st.text(max_size=200))),
    )


@settings(
    max_examples=100,
    deadline=None,
    # Shrinking these states takes minutes; the failing example is printed in full.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(snapshots(), min_size=1, max_size=3), st.text(max_size=20))
def test_renderers_take_any_json_like_state(recorded, needle):
    masker = Masker()
    entries = [Entry(seq=i + 1, index=i, snapshot=s) for i, s in enumerate(recorded)]
    rows = build_rows(entries, None, masker)
    fragment = render_to_string(
        "ddt_timetravel/fragment.html",
        {
            "view_path": "x.View",
            "after": 0,
            "window": Window(head_seq=1, length=len(entries), capacity=100),
            "rows": rows,
            "filters": Filters(text=needle.strip()),
            "branch_id": "main",
            "viewing": None,
            "unrecorded": [],
        },
    )
    document = parse_html(fragment)
    shown = [li for li in document.iter("li") if "data-tt-seq" in li.attrib]
    assert [li.attrib["data-tt-seq"] for li in shown] == [str(e.seq) for e in reversed(entries)]
    for entry in entries:
        snapshot = entry.snapshot
        view = diff_view.build_view(
            diff_view.raw_diff(snapshot.state_before, snapshot.state_after),
            snapshot.state_before,
            snapshot.state_after,
            masker,
        )
        parse_html(render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view}))
        # The tree addresses values by JSON paths: walk what djust records (string keys).
        recorded_state = as_recorded(snapshot, "x")
        for state in (recorded_state.state_before, recorded_state.state_after):
            items, _ = state_tree.children(state, [], masker)
            parse_html(
                render_to_string(
                    "ddt_timetravel/node.html",
                    {"items": items, "seq": 1, "which": "after", "path": "[]", "leaf": None},
                )
            )
            for item in items:
                if item.expandable:
                    path = state_tree.parse_path(item.path)
                    value = state_tree.resolve(state, path, masker)
                    state_tree.children(value, path, masker)
    body = json.dumps(
        json_export.timeline_document("x.View", entries, masker), ensure_ascii=False, default=str
    )
    json.loads(body)
    # What djust can hold: JSON keys (strings). The generated module must compile when
    # the names are handler names (djust runs nothing else; refused names: see below).
    recorded_json = [
        Entry(e.seq, e.index, as_recorded(e.snapshot, handler_name(e.snapshot.event_name)))
        for e in entries
    ]
    compile(pytest_module.pytest_module("x.View", recorded_json, masker), "exported.py", "exec")


def handler_name(text: str) -> str:
    name = "".join(ch for ch in text if ch.isalnum() or ch == "_")
    return name if name.isidentifier() else "handler"


def as_recorded(snapshot: EventSnapshot, name: str) -> EventSnapshot:
    """``snapshot`` as djust would hold it: every value through a JSON round trip."""

    def roundtrip(value: Any) -> Any:
        return json.loads(json.dumps(value, allow_nan=True))

    return EventSnapshot(
        event_name=name,
        params=roundtrip(snapshot.params),
        ref=snapshot.ref,
        ts=snapshot.ts,
        state_before=roundtrip(snapshot.state_before),
        state_after=roundtrip(snapshot.state_after),
        error=snapshot.error,
    )


def test_huge_and_odd_numbers_render():
    """Values djust can record (JSON allows them) that trip naive formatting."""
    masker = Masker()
    state = {"big": 2**200, "nan": math.nan, "inf": -math.inf, "tiny": 5e-324, "neg": -0.0}
    snapshot = EventSnapshot("x", {"n": 2**70}, 1, 1.7e9, {}, state, None)
    rows = build_rows([Entry(1, 0, snapshot)], None, masker)
    assert rows[0].changes
    view = diff_view.build_view(diff_view.raw_diff({}, state), {}, state, masker)
    parse_html(render_to_string("ddt_timetravel/diff.html", {"seq": 1, "diff": view}))


# --------------------------------------------------------------------------
# The exported pytest module and event names djust refused but recorded
# --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_an_exported_module_compiles_after_a_refused_hostile_event_name(live_socket):
    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    await live_socket.event("increment")
    await live_socket.send({"type": "event", "event": "increment\x00", "params": {}, "ref": 9})
    frames = await live_socket.drain(quiet=0.3)
    assert any(f["type"] == "error" for f in frames)  # djust refused it ...
    assert len(live_socket.view._time_travel_buffer) == 2  # ... and recorded it

    def export_pytest() -> str:
        client = client_for_session(live_socket.django_session_key)
        path = panel_urls()["ddt_timetravel_export"]
        response = client.get(path, {"session": live_socket.session_id, "format": "pytest"})
        assert response.status_code == 200
        return response.content.decode()

    compile(await off_loop(export_pytest), "exported.py", "exec")


def test_an_event_name_cannot_inject_code_into_the_exported_module():
    hostile = 'x", {}) or __import__("os").system("echo pwned") or ("'
    snapshot = EventSnapshot(hostile, {}, 1, 1.7e9, {"count": 0}, {"count": 1}, "refused")
    source = pytest_module.pytest_module("x.View", [Entry(1, 0, snapshot)], Masker())
    tree = ast.parse(source)
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "__import__" not in names  # the name stayed inside a string literal
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
    assert any(isinstance(v, str) and hostile in v for v in strings)


# --------------------------------------------------------------------------
# Hostile shapes recorded by djust: deep, wide, long lists, odd text
# --------------------------------------------------------------------------

LONE_SURROGATES = ["\ud800", "\udfff", "\ud83d", "a\udc00b"]
odd_text = st.lists(
    st.one_of(st.sampled_from(LONE_SURROGATES), st.text(max_size=5)), max_size=6
).map("".join)
hostile_values = st.one_of(
    st.builds(nested, st.integers(90, 400), odd_text),
    st.dictionaries(odd_text, st.one_of(odd_text, st.integers()), max_size=300),
    st.lists(st.sampled_from(["", "X", 0, None]), min_size=201, max_size=3000),
    st.lists(st.integers(0, 10**6), min_size=201, max_size=3000, unique=True),
    st.text(min_size=2000, max_size=20_000),
    st.lists(st.fixed_dictionaries({"id": st.integers(0, 10**6), "t": odd_text}), max_size=500),
)
HOSTILE_SETTINGS = settings(
    max_examples=25,
    deadline=timedelta(seconds=20),  # the budget of one example: an event and ten requests
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.django_db(transaction=True)
async def test_hostile_states_never_break_an_endpoint(live_socket, caplog):
    caplog.set_level(logging.ERROR)
    await live_socket.mount("tests.support.live_views.DeepView", "/deep/")
    loop = asyncio.get_running_loop()
    urls = panel_urls()

    def fuzz() -> None:
        client = client_for_session(live_socket.django_session_key)
        session = live_socket.session_id

        @HOSTILE_SETTINGS
        @given(value=hostile_values, nudge=hostile_values)
        def probe(value: Any, nudge: Any) -> None:
            for sent in (value, nudge):
                event = live_socket.event("put", value=sent)
                asyncio.run_coroutine_threadsafe(event, loop).result(timeout=60)
            buffer = live_socket.view._time_travel_buffer
            newest = numbering.read(live_socket.view, buffer, first_seq=1)[0].last_seq
            seq = str(newest)
            queries = [
                ("ddt_timetravel_timeline", {}),
                ("ddt_timetravel_timeline", {"key": "value", "q": "\ufffd"}),
                ("ddt_timetravel_diff", {"seq": seq}),
                ("ddt_timetravel_diff", {"seq": seq, "against": str(max(1, newest - 1))}),
                ("ddt_timetravel_state", {"seq": seq, "which": "after", "path": '["value"]'}),
                ("ddt_timetravel_export", {"format": "pytest", "from": seq}),
            ]
            for name, query in queries:
                response = client.get(urls[name], {"session": session, **query})
                check_answer(f"{name} {query}", response)
            exported = client.get(urls["ddt_timetravel_export"], {"session": session, "from": seq})
            check_answer("export", exported)
            response = client.post(
                f"{urls['ddt_timetravel_import']}?session={session}",
                exported.content,
                content_type="application/json",
            )
            check_answer("import of the export", response)

        probe()

    await off_loop(fuzz)
    assert errors_logged(caplog) == []


@st.composite
def hostile_documents(draw: st.DrawFn) -> bytes:
    """Exports with hostile insides, written as raw JSON text: nesting json.dumps could not
    write, lone surrogate escapes, long lists; or the same cut short."""
    depth = draw(st.one_of(st.integers(0, 120), st.integers(120, 20_000)))
    leaf = draw(st.sampled_from(['"\\ud800"', '"a\\udfffb"', "[]", "{}", '"[{"', "1"]))
    deep = "[" * depth + leaf + "]" * depth
    items = ",".join(
        [draw(st.sampled_from(['""', '"X"', "0", '"\\ud83d"']))] * draw(st.integers(0, 5000))
    )
    key = draw(st.sampled_from(['"k"', '"\\udc00"', '"password"', '"__components__"']))
    event = (
        f'{{"seq": 1, "event_name": "e\\ud800", "params": {{{key}: {deep}}}, '
        f'"state_before": {{"v": [{items}]}}, "state_after": {{"v": [{items}, 1], {key}: {deep}}}}}'
    )
    text = f'{{"format": "ddt-timetravel/1", "view": "x.V", "events": [{event}]}}'
    cut = draw(st.one_of(st.just(len(text)), st.integers(0, len(text))))
    return text[:cut].encode()


@pytest.mark.django_db
def test_hostile_uploads_never_break_the_import(caplog):
    caplog.set_level(logging.ERROR)
    client = client_for_session(None)
    url = panel_urls()["ddt_timetravel_import"]

    @settings(HOSTILE_SETTINGS, max_examples=60, deadline=timedelta(seconds=5))
    @given(body=hostile_documents())
    def probe(body: bytes) -> None:
        response = client.post(url, body, content_type="application/json")
        check_answer(f"POST {url} with {body[:200]!r}", response)

    probe()
    assert errors_logged(caplog) == []
