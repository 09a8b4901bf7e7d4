"""System checks: each one fires on the broken setup it names, and stays quiet otherwise.

Class-based checks get explicit classes (made by ``make_view`` and dropped again
after the test, so no other test's check run sees them); one test per entry
point goes through Django's ``run_checks`` as ``manage.py check`` does, and the
demo and the test settings are checked in a fresh process.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import weakref
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.auth import AuthMiddlewareStack
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.routing import ProtocolTypeRouter, URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from debug_toolbar.settings import get_panels
from debug_toolbar.store import DatabaseStore
from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.checks import CheckMessage, run_checks
from django.core.handlers.asgi import ASGIHandler
from django.test.utils import override_settings
from django.urls import path
from djust import LiveView
from djust.websocket import LiveViewConsumer

from ddt_timetravel.asgi_routes import routes_to_live_view_consumer
from ddt_timetravel.checks import (
    PANEL_PATH,
    check_app_setup,
    check_asgi_route,
    check_mountable,
    check_panel_listed,
    check_required_apps,
    check_settings,
    check_toolbar_store,
    check_toolbar_urls,
    check_views,
    live_view_classes,
)
from ddt_timetravel.conf import DEFAULTS, VALIDATORS
from ddt_timetravel.panels import TimeTravelPanel
from tests.support import REPO_ROOT

# This module doubles as a URLconf without the toolbar's URLs (for E003).
urlpatterns: list[Any] = []


class ChatConsumer(AsyncWebsocketConsumer):
    """A socket consumer that is not djust's."""


class MyLiveViewConsumer(LiveViewConsumer):
    """A project's own subclass of djust's consumer."""


class CustomPanel(TimeTravelPanel):
    """A project's own subclass of the panel."""


# ASGI applications for ASGI_APPLICATION overrides (W006).
HTTP_ONLY_APP = ProtocolTypeRouter({"http": ASGIHandler()})
OTHER_SOCKET_APP = ProtocolTypeRouter(
    {"http": ASGIHandler(), "websocket": URLRouter([path("ws/chat/", ChatConsumer.as_asgi())])}
)


def ids(messages: list[CheckMessage]) -> list[str]:
    """Ids of this package's messages, in order."""
    return [m.id for m in messages if (m.id or "").startswith("ddt_timetravel.")]


def ours(messages: list[CheckMessage]) -> list[tuple[str, Any]]:
    """(id, obj) of this package's messages about the setup or this module's classes.

    Leaves out messages about LiveView classes other test modules define.
    """
    return [
        (m.id, m.obj)
        for m in messages
        if (m.id or "").startswith("ddt_timetravel.")
        and (m.obj is None or str(m.obj).startswith(f"{__name__}."))
    ]


def without(*names: str) -> list[str]:
    """INSTALLED_APPS minus ``names``."""
    return [app for app in settings.INSTALLED_APPS if app not in names]


@pytest.fixture
def make_view(request: pytest.FixtureRequest) -> Iterator[Callable[..., type]]:
    """Make LiveView subclasses for one test; they are gone from ``__subclasses__`` after it.

    (A failed test's traceback keeps its classes alive; only a passing test must let go.)
    """
    made: list[type] = []

    def make(name: str, **attrs: Any) -> type:
        cls = type(name, (LiveView,), {"__module__": __name__, "__qualname__": name, **attrs})
        made.append(cls)
        return cls

    yield make
    refs = [weakref.ref(cls) for cls in made]
    made.clear()
    gc.collect()
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.passed:
        assert all(ref() is None for ref in refs), "a test view class is still referenced"


@pytest.fixture
def toolbar_panels_unset() -> Iterator[None]:
    """No DEBUG_TOOLBAR_PANELS setting: the toolbar falls back to its default panels."""
    with override_settings():
        del settings.DEBUG_TOOLBAR_PANELS
        get_panels.cache_clear()  # deleting a setting sends no setting_changed
        try:
            yield
        finally:
            get_panels.cache_clear()
    get_panels.cache_clear()


# --- E001 and W001: app and panel ----------------------------------------------------


def test_e001_panel_listed_without_the_app():
    assert TimeTravelPanel.run_checks() == []  # the app's own registration covers it
    with override_settings(INSTALLED_APPS=without("ddt_timetravel")):
        messages = TimeTravelPanel.run_checks()
        assert check_app_setup(None) == []
    assert ids(messages)[:1] == ["ddt_timetravel.E001"]
    assert "Add 'ddt_timetravel' to INSTALLED_APPS" in messages[0].hint


def test_e001_through_run_checks_once_with_the_shared_checks():
    with override_settings(INSTALLED_APPS=without("ddt_timetravel"), DDT_TIMETRAVEL={"POLL_MS": 1}):
        found = ours(run_checks())
    assert found == [("ddt_timetravel.E001", None), ("ddt_timetravel.W003", None)]


def test_w001_app_installed_panel_not_listed():
    assert check_panel_listed() == []
    panels = [p for p in settings.DEBUG_TOOLBAR_PANELS if p != PANEL_PATH]
    with override_settings(DEBUG_TOOLBAR_PANELS=panels):
        messages = check_panel_listed()
        assert "ddt_timetravel.W001" in ids(run_checks())
    assert ids(messages) == ["ddt_timetravel.W001"]
    assert f"Add '{PANEL_PATH}' to DEBUG_TOOLBAR_PANELS" in messages[0].hint


def test_w001_names_the_defaults_when_the_panel_list_is_unset(toolbar_panels_unset):
    messages = check_panel_listed()
    assert ids(messages) == ["ddt_timetravel.W001"]
    assert "PANELS_DEFAULTS" in messages[0].hint


def test_w001_accepts_a_subclass_of_the_panel():
    with override_settings(DEBUG_TOOLBAR_PANELS=[f"{__name__}.CustomPanel"]):
        assert check_panel_listed() == []


# --- E002 and W002: apps ---------------------------------------------------------------


def test_required_apps_present():
    assert check_required_apps() == []


@pytest.mark.parametrize("app", ["djust", "debug_toolbar"])
def test_e002_required_app_missing(app):
    with override_settings(INSTALLED_APPS=without(app)):
        messages = check_required_apps()
    assert ids(messages) == ["ddt_timetravel.E002"]
    assert f"'{app}'" in messages[0].msg


def test_w002_channels_missing():
    with override_settings(INSTALLED_APPS=without("channels")):
        messages = check_required_apps()
    assert ids(messages) == ["ddt_timetravel.W002"]
    assert "'daphne' first" in messages[0].hint
    assert "before 'django.contrib.staticfiles'" in messages[0].hint


# --- E003: URLs --------------------------------------------------------------------------


def test_e003_toolbar_urls_not_included():
    assert check_toolbar_urls() == []
    with override_settings(ROOT_URLCONF=__name__):
        assert ids(check_toolbar_urls()) == ["ddt_timetravel.E003"]
        with override_settings(DEBUG=False):
            assert check_toolbar_urls() == []  # debug_toolbar_urls() is empty then, on purpose


# --- E004 and W003: DDT_TIMETRAVEL ----------------------------------------------------------


def test_every_setting_has_a_validator_and_its_default_passes():
    assert set(VALIDATORS) == set(DEFAULTS)
    assert check_settings(dict(DEFAULTS)) == []
    with override_settings(DDT_TIMETRAVEL={"MASK_FIELDS": ["nickname"], "POLL_INTERVAL_MS": 500}):
        assert check_settings() == []


def test_no_setting_is_fine():
    with override_settings():
        del settings.DDT_TIMETRAVEL
        assert check_settings() == []


def test_w003_unknown_keys_name_the_valid_ones():
    with override_settings(DDT_TIMETRAVEL={"mask_fields": ["x"], "POLL_MS": 10}):
        messages = check_settings()
    assert ids(messages) == ["ddt_timetravel.W003"]
    assert "POLL_MS" in messages[0].msg and "mask_fields" in messages[0].msg
    for key in DEFAULTS:
        assert key in messages[0].hint


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("MASK_FIELDS", "password"),  # a bare string would mask single letters
        ("MASK_FIELDS", [1, 2]),
        ("UNMASK_FIELDS", None),
        ("POLL_INTERVAL_MS", "1500"),
        ("POLL_INTERVAL_MS", 0),
        ("POLL_INTERVAL_MS", True),
        ("TOOLBAR_CAPTURE", "no"),
    ],
)
def test_e004_wrong_type(key, value):
    messages = check_settings({key: value})
    assert ids(messages) == ["ddt_timetravel.E004"]
    assert key in messages[0].msg


def test_e004_not_a_dict():
    messages = check_settings(["MASK_FIELDS"])
    assert ids(messages) == ["ddt_timetravel.E004"]
    assert "must be a dict" in messages[0].msg


# --- I001, W004, W005: the LiveView classes -------------------------------------------------


def test_i001_no_view_records_time_travel(make_view):
    off = make_view("OffView")
    assert ids(check_views([off], debug=True)) == ["ddt_timetravel.I001"]
    assert ids(check_views([], debug=True)) == ["ddt_timetravel.I001"]
    assert check_views([off, make_view("OnView", time_travel_enabled=True)], debug=True) == []


def test_w004_recording_while_debug_is_off(make_view):
    on = make_view("RecordingView", time_travel_enabled=True)
    off = make_view("QuietView")
    messages = check_views([on, off], debug=False)
    assert ids(messages) == ["ddt_timetravel.W004"]
    assert messages[0].obj == f"{__name__}.RecordingView"
    assert check_views([on, off], debug=True) == []


def test_w005_streaming_view_that_records(make_view):
    streaming = make_view("StreamingView", time_travel_enabled=True, streaming_render=True)
    messages = check_views([streaming], debug=True)
    assert ids(messages) == ["ddt_timetravel.W005"]
    assert messages[0].obj == f"{__name__}.StreamingView"
    plain = make_view("PlainView", time_travel_enabled=True, streaming_render=False)
    assert check_views([plain], debug=True) == []


def test_discovery_finds_project_views_not_djust_or_abstract_ones(make_view):
    mine = make_view("MineView")
    base = make_view("BaseView", abstract=True)
    found = live_view_classes()
    assert mine in found and base not in found
    assert not [cls for cls in found if cls.__module__.split(".")[0] == "djust"]
    demo = [cls.__qualname__ for cls in found if cls.__module__ == "demo_app.views"]
    assert "CounterView" in demo


def test_class_checks_through_run_checks(make_view):
    make_view("StreamingRecordingView", time_travel_enabled=True, streaming_render=True)
    assert ours(run_checks()) == [
        ("ddt_timetravel.W005", f"{__name__}.StreamingRecordingView"),
        ("ddt_timetravel.W007", f"{__name__}.StreamingRecordingView"),  # not in the list
    ]
    with override_settings(LIVEVIEW_ALLOWED_MODULES=[__name__]):
        found = ours(run_checks())
    assert found == [("ddt_timetravel.W005", f"{__name__}.StreamingRecordingView")]
    with override_settings(DEBUG=False):
        off = [m for m in run_checks(tags=["ddt_timetravel"]) if m.id == "ddt_timetravel.W004"]
    assert "demo_app.views.CounterView" in [m.obj for m in off]


# --- W007: views djust would refuse to mount -------------------------------------------------


def test_w007_recording_view_outside_the_allowed_modules(make_view):
    refused = make_view("RefusedView", time_travel_enabled=True)
    quiet = make_view("QuietRefusedView")  # records nothing: not the panel's business
    messages = check_mountable([refused, quiet])
    assert ids(messages) == ["ddt_timetravel.W007"]
    assert messages[0].obj == f"{__name__}.RefusedView"
    assert f"Add '{__name__}' to LIVEVIEW_ALLOWED_MODULES" in messages[0].hint
    with override_settings(LIVEVIEW_ALLOWED_MODULES=["demo_app.views", "tests"]):
        assert check_mountable([refused]) == []
    with override_settings(LIVEVIEW_ALLOWED_MODULES=["tests.test_check"]):  # not a prefix match
        assert ids(check_mountable([refused])) == ["ddt_timetravel.W007"]


def test_w007_without_the_setting_follows_djusts_installed_apps_rule(make_view):
    refused = make_view("UnlistedView", time_travel_enabled=True)
    installed = make_view("InstalledAppView", time_travel_enabled=True)
    installed.__module__ = "demo_app.more_views"  # inside an installed app
    with override_settings():
        del settings.LIVEVIEW_ALLOWED_MODULES
        messages = check_mountable([refused, installed])
    assert [(m.id, m.obj) for m in messages] == [
        ("ddt_timetravel.W007", f"{__name__}.UnlistedView")
    ]
    assert "LIVEVIEW_ALLOWED_MODULES is not set" in messages[0].hint


# --- W008: the toolbar's store ----------------------------------------------------------------


class PatchedDatabaseStore(DatabaseStore):
    """A project's store that saves without the ORM in the event loop."""

    @classmethod
    def set(cls, request_id: str) -> None:
        """Stands for a fixed ``set``."""


class NamedDatabaseStore(DatabaseStore):
    """A subclass that changes nothing about saving."""


@pytest.mark.parametrize(
    ("store", "expected"),
    [
        ("debug_toolbar.store.DatabaseStore", ["ddt_timetravel.W008"]),
        (f"{__name__}.NamedDatabaseStore", ["ddt_timetravel.W008"]),
        (f"{__name__}.PatchedDatabaseStore", []),
        ("debug_toolbar.store.MemoryStore", []),
        ("no_such_module.Store", []),
    ],
)
def test_w008_database_store_under_asgi(store, expected):
    assert check_toolbar_store() == []  # the default MemoryStore
    config = {**settings.DEBUG_TOOLBAR_CONFIG, "TOOLBAR_STORE_CLASS": store}
    with override_settings(DEBUG_TOOLBAR_CONFIG=config):
        messages = check_toolbar_store()
        assert [
            m for m in ids(run_checks(tags=["ddt_timetravel"])) if m.endswith("W008")
        ] == expected
        with override_settings(ASGI_APPLICATION=None):
            assert check_toolbar_store() == []  # WSGI: the store works there
    assert ids(messages) == expected
    if expected:
        assert "MemoryStore" in messages[0].hint


# --- W006: the ASGI application ---------------------------------------------------------------


def _djust_socket(consumer: type = LiveViewConsumer) -> Any:
    return AllowedHostsOriginValidator(
        AuthMiddlewareStack(URLRouter([path("ws/live/", consumer.as_asgi())]))
    )


async def _custom_app(scope: Any, receive: Any, send: Any) -> None:
    """An ASGI app whose routing cannot be seen from outside."""


@pytest.mark.parametrize(
    ("application", "expected"),
    [
        (ProtocolTypeRouter({"http": ASGIHandler(), "websocket": _djust_socket()}), True),
        (ProtocolTypeRouter({"websocket": _djust_socket(MyLiveViewConsumer)}), True),
        (
            ProtocolTypeRouter(
                {
                    "websocket": URLRouter(
                        [
                            path("chat/", ChatConsumer.as_asgi()),
                            path("ws/", URLRouter([path("live/", LiveViewConsumer.as_asgi())])),
                        ]
                    )
                }
            ),
            True,
        ),
        (HTTP_ONLY_APP, False),
        (OTHER_SOCKET_APP, False),
        (ASGIStaticFilesHandler(ASGIHandler()), False),
        (ProtocolTypeRouter({"websocket": _custom_app}), None),
        (
            ProtocolTypeRouter(
                {
                    "websocket": URLRouter(
                        [path("a/", ChatConsumer.as_asgi()), path("b/", _custom_app)]
                    )
                }
            ),
            None,
        ),
        (
            URLRouter([path("a/", _custom_app), path("ws/live/", LiveViewConsumer.as_asgi())]),
            True,  # one route to djust is enough, whatever the others are
        ),
        (_custom_app, None),
    ],
)
def test_routes_to_live_view_consumer(application, expected):
    assert routes_to_live_view_consumer(application) is expected


def test_w006_asgi_application_without_djust_socket():
    assert check_asgi_route() == []  # the demo's ASGI application
    with override_settings(ASGI_APPLICATION=f"{__name__}.HTTP_ONLY_APP"):
        messages = check_asgi_route()
        assert "ddt_timetravel.W006" in ids(run_checks(tags=["ddt_timetravel"]))
    assert ids(messages) == ["ddt_timetravel.W006"]
    assert messages[0].obj == f"{__name__}.HTTP_ONLY_APP"
    assert "before 'django.contrib.staticfiles'" in messages[0].hint
    assert ids(check_asgi_route(OTHER_SOCKET_APP, "x")) == ["ddt_timetravel.W006"]


@pytest.mark.parametrize("value", [None, "", "no_such_module.application", f"{__name__}.nothing"])
def test_w006_says_nothing_when_it_cannot_tell(value):
    with override_settings(ASGI_APPLICATION=value):
        assert check_asgi_route() == []
    assert check_asgi_route(_custom_app, "x") == []


# --- The demo and the test settings ------------------------------------------------------------


@pytest.mark.parametrize("settings_module", ["demo_project.settings", "tests.support.settings"])
def test_manage_py_check_is_clean(settings_module, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([str(REPO_ROOT), str(REPO_ROOT / "demo")]),
        # The checks open the database: the demo's SQLite file, not in the checkout.
        "DEMO_DB_PATH": str(tmp_path / "db.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT / "demo",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "ddt_timetravel." not in output
