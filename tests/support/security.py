"""Shared by the security, reliability and fuzz tests: every panel URL, generic queries,
hypothesis strategies for queries and hostile values, and a sync HTTP client that runs
off the event loop.

The panel's URLs are read from ``TimeTravelPanel.get_urls()`` on every run, so an
endpoint added later is probed by the isolation, gate and fuzz tests without editing
them; it receives the generic parameters below (``session``, ``seq``, ``after`` ...).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote, quote_from_bytes

import html5lib
from hypothesis import strategies as st

from ddt_timetravel.panels import TimeTravelPanel

T = TypeVar("T")

#: Every query parameter name any panel endpoint reads today, and the likely ones of
#: endpoints to come. Unknown names are harmless: endpoints ignore them.
PARAM_NAMES = (
    "session",
    "seq",
    "after",
    "viewing",
    "against",
    "which",
    "path",
    "offset",
    "event",
    "key",
    "q",
    "errors",
    "index",
    "format",
    "limit",
    "from",
    "to",
)

#: Hostile strings that must show as text wherever they end up.
XSS_PAYLOADS = (
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=window.__pwned=1;alert(1)>",
    "javascript:window.__pwned=1;alert(1)",
    '"><svg onload=window.__pwned=1;alert(1)>',
    "</textarea><script>window.__pwned=1;alert(1)</script>",
    "'\"><iframe srcdoc='<script>parent.__pwned=1</script>'>",
    "{{ 7|add:7 }}{% now 'Y' %}",
)


def panel_url_names() -> list[str]:
    """The names of all URL patterns the panel registers (in the ``djdt`` namespace)."""
    names = [pattern.name for pattern in TimeTravelPanel.get_urls()]
    assert names, "the panel registers no URL"
    assert all(names), f"every panel URL needs a name to be reversed: {names}"
    return names


def panel_urls() -> dict[str, str]:
    """``{name: path}`` for every panel URL, reversed in the toolbar's namespace."""
    from django.urls import reverse

    return {name: reverse(f"djdt:{name}") for name in panel_url_names()}


def generic_query(session_id: str, seq: int = 1) -> dict[str, str]:
    """Parameters under which every current endpoint answers its owner with 200."""
    return {
        "session": session_id,
        "seq": str(seq),
        "after": "0",
        "which": "after",
        "path": "[]",
        "offset": "0",
        "keypath": "count",
        "expr": "count > 0",
    }


def session_id_variants(session_id: str) -> list[str]:
    """Spellings of one socket session id that ``uuid.UUID`` accepts as the same id."""
    value = uuid.UUID(session_id)
    return [
        str(value),
        str(value).upper(),
        value.hex,
        "{" + str(value) + "}",
        value.urn,
    ]


def build_query(pairs: Iterable[tuple[str, str]]) -> str:
    """A query string keeping the order and repeats of ``pairs``."""
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def allowed_methods(client: Any, path: str) -> list[str]:
    """The HTTP methods ``path`` accepts, from the ``Allow`` header of its 405 to OPTIONS.

    Needs the toolbar's gate open (DEBUG on, internal IP): it answers 404 first.
    """
    response = client.options(path)
    assert response.status_code == 405, f"{path} accepts OPTIONS ({response.status_code})"
    return sorted(m.strip() for m in response["Allow"].split(",") if m.strip())


def send(client: Any, method: str, path: str, pairs: Iterable[tuple[str, str]]) -> Any:
    """Request ``path`` with the query ``pairs``; a POST carries a small JSON body."""
    url = f"{path}?{build_query(pairs)}"
    if method == "GET":
        return client.get(url)
    return client.generic(method, url, b"{}", content_type="application/json")


def parse_html(text: str) -> Any:
    """Parse an HTML fragment like a browser would; fail on what cannot be parsed."""
    return html5lib.parseFragment(text, namespaceHTMLElements=False)


def active_content(text: str) -> list[str]:
    """Elements and attributes in an HTML text that could run script or load things."""
    problems = []
    for element in parse_html(text).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in ("script", "img", "svg", "iframe", "object", "embed", "style", "base"):
            problems.append(f"<{tag}>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{tag}[{name}]")
            if name.lower() in ("href", "src", "action", "formaction", "srcdoc") and (
                "javascript:" in value.lower() or name.lower() == "srcdoc"
            ):
                problems.append(f"{tag}[{name}={value!r}]")
    return problems


async def off_loop(function: Callable[[], T]) -> T:
    """Run blocking code (Django's sync test client, hypothesis) in a worker thread.

    The sync client may touch the database, which Django refuses inside the event
    loop; the loop stays free to serve the djust sockets meanwhile.
    """

    def run() -> T:
        from django.db import connections

        try:
            return function()
        finally:
            connections.close_all()

    return await asyncio.to_thread(run)


def client_for_session(session_key: str | None, **defaults: Any) -> Any:
    """A sync test client carrying ``session_key`` as its Django session cookie."""
    from django.test import Client

    client = Client(**defaults)
    if session_key:
        client.cookies["sessionid"] = session_key
    return client


async def asgi_get(path: str, query: dict[str, str], session_key: str | None) -> tuple[int, bytes]:
    """GET through the demo's real ASGI application (what daphne serves), not Django's
    test client, whose instrumentation keeps every rendered context alive."""
    from channels.testing import HttpCommunicator

    from demo_project.asgi import application

    headers = [(b"host", b"127.0.0.1")]
    if session_key:
        headers.append((b"cookie", f"sessionid={session_key}".encode()))
    communicator = HttpCommunicator(
        application, "GET", f"{path}?{build_query(query.items())}", headers=headers
    )
    communicator.scope["client"] = ["127.0.0.1", 50000]
    response = await communicator.get_response(timeout=30)
    # Let Django's handler see the client go, so it finishes its own tasks.
    await communicator.send_input({"type": "http.disconnect"})
    await communicator.wait(timeout=30)
    return response["status"], response["body"]


# --------------------------------------------------------------------------
# hypothesis strategies
# --------------------------------------------------------------------------

_numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(["0", "1", "2", "-1", "1e3", "0x10", "٣", "1.5", " 1", "1 ", "+1", "²"]),
    st.just(str(2**53 + 1)),
    st.just("9" * 400),
)
_paths = st.sampled_from(
    [
        "[]",
        '["count"]',
        '["items", {"id": 1}]',
        '["items", 0, "text"]',
        '[{"id": null}]',
        "[" * 200 + "]" * 200,
        '{"a": 1}',
        "[true]",
        '["__components__"]',
        "[1e400]",
        '["password"]',
    ]
)
_viewings = st.one_of(
    st.tuples(_numbers, st.sampled_from(["before", "after", "x", ""])).map(":".join),
    st.text(max_size=20),
)


def param_values(session_values: Sequence[str]) -> st.SearchStrategy[str]:
    """Values a query parameter might get: ids, numbers, paths, arbitrary text."""
    return st.one_of(
        st.sampled_from(list(session_values)),
        _numbers,
        _paths,
        _viewings,
        st.sampled_from(["before", "after", "0", "1", "", "%", "\x00", "\u202e", "\ud7ff"]),
        st.text(max_size=60),
        st.text(min_size=190, max_size=260, alphabet="ab<>\"'&"),
    )


def query_pairs(
    session_values: Sequence[str], *, session_last: str | None = None
) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Ordered (name, value) pairs with repeats; ``session_last`` ends the list.

    Django reads the last value of a repeated key, so ending with ``session_last``
    pins the session the endpoint looks up while anything else may precede it.
    """
    name = st.one_of(st.sampled_from(PARAM_NAMES), st.text(max_size=12))
    pairs = st.lists(st.tuples(name, param_values(session_values)), max_size=10)
    if session_last is None:
        return pairs
    return pairs.map(lambda p: [*p, ("session", session_last)])


def well_formed_query(session_values: Sequence[str]) -> st.SearchStrategy[dict[str, str]]:
    """Queries every endpoint accepts as well formed, about one of ``session_values``."""
    return st.fixed_dictionaries(
        {
            "session": st.sampled_from(list(session_values)),
            "seq": st.integers(1, 40).map(str),
            "keypath": st.sampled_from(["count", "items[id=1].done", '["odd key"]']),
            "expr": st.sampled_from(["count > 1", "changed(items)", "not absent(x) or y == 'a'"]),
        },
        optional={
            "after": st.integers(0, 40).map(str),
            "viewing": st.tuples(st.integers(1, 9), st.sampled_from(["before", "after"])).map(
                lambda t: f"{t[0]}:{t[1]}"
            ),
            "against": st.integers(1, 9).map(str),
            "which": st.sampled_from(["before", "after"]),
            "path": st.sampled_from(["[]", '["count"]', '["items"]']),
            "offset": st.integers(0, 5).map(str),
            "event": st.sampled_from(["", "incr", "add"]),
            "q": st.sampled_from(["", "1", "milk"]),
            "errors": st.sampled_from(["", "0", "1"]),
        },
    )


def raw_query_strings() -> st.SearchStrategy[str]:
    """Query strings with arbitrary bytes, percent-encoded (invalid UTF-8 included)."""
    return st.lists(st.tuples(st.binary(max_size=8), st.binary(max_size=40)), max_size=6).map(
        lambda pairs: "&".join(
            f"{quote_from_bytes(k, safe='')}={quote_from_bytes(v, safe='')}" for k, v in pairs
        )
    )
