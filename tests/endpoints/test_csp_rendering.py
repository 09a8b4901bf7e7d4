"""The panel under a Content Security Policy, tested the way the toolbar tests its own
templates: with django-csp's middleware, every ``<link>`` and ``<script>`` of the page,
and of the panel's content, carries the page's nonce; without a policy, none does.
"""

from __future__ import annotations

import re
from typing import Any

import html5lib
import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.support.csp import NONCE_ONLY_STYLES, with_nonce_only_styles

PANEL_ID = "TimeTravelPanel"


def nonce_of(response: Any) -> str:
    match = re.search(r"'nonce-([^']+)'", response.headers.get("Content-Security-Policy", ""))
    assert match, response.headers.get("Content-Security-Policy")
    return match.group(1)


def tags(html: str) -> list[Any]:
    """The ``<link>`` and ``<script>`` tags of a panel's content, or of the toolbar in a page."""
    parser = html5lib.HTMLParser(namespaceHTMLElements=False)
    if "<html" in html[:200]:
        tree = next(el for el in parser.parse(html).iter() if el.get("id") == "djDebug")
    else:
        tree = parser.parseFragment(html)
    return [el for el in tree.iter() if el.tag in ("link", "script")]


def panel_content(client: Any, page: Any) -> str:
    response = client.get(
        reverse("djdt:render_panel"),
        {"request_id": page.headers["djdt-request-id"], "panel_id": PANEL_ID},
        REMOTE_ADDR="127.0.0.1",
    )
    assert response.status_code == 200
    return response.json()["content"]


@pytest.mark.django_db
@pytest.mark.parametrize("render_panels", [False, True], ids=["fetched", "inline"])
def test_every_link_and_script_carries_the_nonce(client, render_panels) -> None:
    config = {**settings.DEBUG_TOOLBAR_CONFIG, "RENDER_PANELS": render_panels}
    with override_settings(
        MIDDLEWARE=with_nonce_only_styles(settings.MIDDLEWARE),
        CONTENT_SECURITY_POLICY=NONCE_ONLY_STYLES,
        DEBUG_TOOLBAR_CONFIG=config,
    ):
        page = client.get("/counter/", REMOTE_ADDR="127.0.0.1")
        assert page.status_code == 200
        nonce = nonce_of(page)
        content = page.content.decode()
        if not render_panels:
            content = panel_content(client, page)
    links = [el for el in tags(content) if el.tag == "link"]
    assert any("ddt_timetravel/panel.css" in el.get("href", "") for el in links), content[:500]
    unnonced = [el.attrib for el in tags(content) if el.get("nonce") != nonce]
    assert unnonced == []


@pytest.mark.django_db
def test_no_nonce_without_a_policy(client) -> None:
    page = client.get("/counter/", REMOTE_ADDR="127.0.0.1")
    content = panel_content(client, page)
    links = [el for el in tags(content) if el.tag == "link"]
    assert links and all("nonce" not in el.attrib for el in links)
