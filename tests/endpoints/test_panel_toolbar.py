"""The panel inside the real toolbar: listed on a djust page, renders valid HTML.

Follows django-debug-toolbar's own panel tests: build a ``DebugToolbar`` for a
request, ``generate_stats``, round-trip the stats through the toolbar's store,
render ``content`` and check that it parses as HTML.
"""

from __future__ import annotations

import json
from typing import Any

import html5lib
import pytest
from debug_toolbar.toolbar import DebugToolbar
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import resolve, reverse

PANEL_ID = "TimeTravelPanel"


def parse_document(html: str) -> Any:
    return html5lib.parse(html, namespaceHTMLElements=False)


def assert_valid_html_fragment(content: str) -> Any:
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    fragment = parser.parseFragment(content)
    assert not parser.errors, f"invalid HTML {parser.errors}:\n{content}"
    return fragment


def by_id(tree: Any, element_id: str) -> list[Any]:
    return [el for el in tree.iter() if el.get("id") == element_id]


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def assert_toolbar_lists_the_panel(html: str) -> None:
    doc = parse_document(html)
    assert by_id(doc, "djDebug"), "the toolbar was not injected into the page"
    buttons = by_id(doc, f"djdt-{PANEL_ID}")
    assert len(buttons) == 1, "the Time Travel panel is not in the toolbar's panel list"
    links = list(buttons[0].iter("a"))
    assert links, (
        "the panel is disabled for this request (is_async False under ASGI?) or has no content"
    )
    assert links[0].get("title") == "Time Travel"
    assert links[0].get("aria-controls") == PANEL_ID
    assert text_of(links[0]).startswith("Time Travel")
    assert len(by_id(doc, PANEL_ID)) == 1, "no content container for the panel"


def assert_panel_content(content: str) -> None:
    fragment = assert_valid_html_fragment(content)
    statuses = [el for el in fragment.iter() if el.get("role") == "status"]
    assert statuses, f"the panel body has no role=status element:\n{content}"


def make_request(path: str = "/counter/") -> HttpRequest:
    request = RequestFactory().get(path, REMOTE_ADDR="127.0.0.1")
    SessionMiddleware(lambda r: HttpResponse()).process_request(request)
    request.user = AnonymousUser()
    return request


@pytest.mark.django_db
def test_panel_instance_title_history_and_scripts() -> None:
    request = make_request()
    toolbar = DebugToolbar(request, lambda r: HttpResponse())
    panel = toolbar.get_panel_by_id(PANEL_ID)

    assert panel.enabled
    assert panel.title == "Time Travel"
    assert panel.nav_title == "Time Travel"
    assert panel.is_historical is False
    assert panel.has_content
    assert any(src.endswith("ddt_timetravel/panel.js") for src in panel.scripts), panel.scripts


# -- the panel unit pattern ------------------------------------------------------


@pytest.mark.django_db
def test_generate_stats_round_trips_through_the_store_and_renders() -> None:
    request = make_request()
    view = resolve("/counter/").func
    toolbar = DebugToolbar(request, view)
    response = toolbar.process_request(request)
    assert response.status_code == 200

    panel = toolbar.get_panel_by_id(PANEL_ID)
    panel.generate_stats(request, response)
    stats = panel.get_stats()
    assert json.loads(json.dumps(stats)) == stats, "stats must stay JSON-native"
    assert_panel_content(panel.content)

    stored = DebugToolbar.fetch(toolbar.request_id, PANEL_ID)
    assert stored is not None, "the toolbar's store lost this request"
    stored_panel = stored.get_panel_by_id(PANEL_ID)
    assert stored_panel.get_stats() == stats
    assert_panel_content(stored_panel.content)


# -- the whole stack: WSGI test client ---------------------------------------------


@pytest.mark.django_db
def test_counter_page_shows_the_panel_in_the_toolbar(client) -> None:
    response = client.get("/counter/", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert_toolbar_lists_the_panel(response.content.decode())


@pytest.mark.django_db
def test_no_toolbar_for_a_foreign_address(client) -> None:
    response = client.get("/counter/", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 200
    assert not by_id(parse_document(response.content.decode()), f"djdt-{PANEL_ID}")


@pytest.mark.django_db
def test_render_panel_endpoint_returns_the_panel_body(client) -> None:
    page = client.get("/counter/", REMOTE_ADDR="127.0.0.1")
    request_id = page.headers["djdt-request-id"]

    response = client.get(
        reverse("djdt:render_panel"),
        {"request_id": request_id, "panel_id": PANEL_ID},
        REMOTE_ADDR="127.0.0.1",
    )

    assert response.status_code == 200
    data = response.json()
    assert_panel_content(data["content"])
    assert any(src.endswith("ddt_timetravel/panel.js") for src in data["scripts"])


# -- the whole stack: ASGI (how djust pages are really served) -------------------


@pytest.mark.django_db(transaction=True)
async def test_asgi_counter_page_shows_the_panel(async_client) -> None:
    response = await async_client.get("/counter/")

    assert response.status_code == 200
    assert_toolbar_lists_the_panel(response.content.decode())

    panel = await async_client.get(
        reverse("djdt:render_panel"),
        {"request_id": response.headers["djdt-request-id"], "panel_id": PANEL_ID},
    )
    assert panel.status_code == 200
    assert_panel_content(panel.json()["content"])
