"""A switched-off panel answers 404 on every endpoint, even to the owner of a live view.

Off means what the toolbar means: the panel's class in ``DISABLE_PANELS``, or its
``djdt<PanelId>`` cookie set to ``off`` by the toolbar's checkbox (the cookie wins
over the setting, both ways).
"""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from ddt_timetravel.panels import TimeTravelPanel
from ddt_timetravel.switch import listed_panel_classes, panel_enabled, switched_on
from tests.support.security import client_for_session, generic_query, off_loop, panel_urls

PANEL = "ddt_timetravel.panels.TimeTravelPanel"
COOKIE = "djdtTimeTravelPanel"


class RenamedPanel(TimeTravelPanel):
    """A project's subclass: the toolbar names its cookie after the class."""


def disabled_panels(*names: str) -> override_settings:
    from django.conf import settings

    return override_settings(
        DEBUG_TOOLBAR_CONFIG={**settings.DEBUG_TOOLBAR_CONFIG, "DISABLE_PANELS": set(names)}
    )


def request_with(cookies: dict[str, str] | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    return request


def test_the_toolbars_rule_cookie_first_then_disable_panels():
    assert listed_panel_classes() == [TimeTravelPanel]
    assert panel_enabled(request_with())
    assert not panel_enabled(request_with({COOKIE: "off"}))
    with disabled_panels(PANEL):
        assert not panel_enabled(request_with())
        assert panel_enabled(request_with({COOKIE: "on"}))
    with disabled_panels("debug_toolbar.panels.sql.SQLPanel"):
        assert panel_enabled(request_with())


def test_a_subclass_has_its_own_cookie_and_name():
    assert switched_on(RenamedPanel, request_with({COOKIE: "off"}))
    assert not switched_on(RenamedPanel, request_with({"djdtRenamedPanel": "off"}))
    with disabled_panels(f"{__name__}.RenamedPanel"):
        assert not switched_on(RenamedPanel, request_with())
        assert switched_on(TimeTravelPanel, request_with())


def test_not_listed_is_off():
    with override_settings(DEBUG_TOOLBAR_PANELS=["debug_toolbar.panels.sql.SQLPanel"]):
        assert listed_panel_classes() == []
        assert not panel_enabled(request_with())


@pytest.mark.django_db(transaction=True)
async def test_switched_off_panel_hides_every_endpoint_from_the_owner(live_socket):
    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    await live_socket.event("increment")
    query = generic_query(live_socket.session_id)
    key = live_socket.django_session_key

    def probe() -> dict[tuple[str, str], int]:
        answers = {}
        for name, path in panel_urls().items():
            get = name not in ("ddt_timetravel_import", "ddt_timetravel_check")

            def ask(cookies: dict[str, str], path: str = path, get: bool = get) -> int:
                client = client_for_session(key)
                for cookie, value in cookies.items():
                    client.cookies[cookie] = value
                if get:
                    return client.get(path, query).status_code
                return client.post(path, b"{}", content_type="application/json").status_code

            answers["on", name] = ask({})
            answers["cookie off", name] = ask({COOKIE: "off"})
            with disabled_panels(PANEL):
                answers["DISABLE_PANELS", name] = ask({})
                answers["DISABLE_PANELS, cookie on", name] = ask({COOKIE: "on"})
        return answers

    answers = await off_loop(probe)
    for (how, name), status in answers.items():
        if how.startswith("cookie off") or how == "DISABLE_PANELS":
            assert status == 404, (how, name)
        else:
            assert status != 404, (how, name, status)
    assert live_socket.view.count == 1
