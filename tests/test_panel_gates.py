"""Every panel URL answers 404 where the toolbar would not show."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client, override_settings
from django.urls import reverse

URL_NAMES = ["ddt_timetravel_timeline", "ddt_timetravel_locate"]
QUERY = {"session": str(uuid.uuid4()), "seq": "1"}


@pytest.mark.parametrize("name", URL_NAMES)
def test_debug_off_gets_404(name):
    with override_settings(DEBUG=False):
        response = Client().get(reverse(f"djdt:{name}"), QUERY)
    assert response.status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_non_internal_ip_gets_404(name):
    response = Client(REMOTE_ADDR="203.0.113.9").get(reverse(f"djdt:{name}"), QUERY)
    assert response.status_code == 404


def hide_toolbar(request):
    return False


@pytest.mark.parametrize("name", URL_NAMES)
def test_show_toolbar_callback_hides_the_panel_urls(name):
    config = {"IS_RUNNING_TESTS": False, "SHOW_TOOLBAR_CALLBACK": f"{__name__}.hide_toolbar"}
    with override_settings(DEBUG_TOOLBAR_CONFIG=config):
        response = Client().get(reverse(f"djdt:{name}"), QUERY)
    assert response.status_code == 404


@pytest.mark.parametrize("name", URL_NAMES)
def test_internal_ip_with_debug_reaches_the_view(name):
    response = Client().get(reverse(f"djdt:{name}"), QUERY)
    assert response.status_code == 404  # an unknown session: the view's own 404 ...
    assert b"No live view of this browser" in response.content  # ... not the gate's
