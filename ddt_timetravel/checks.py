"""System checks: a setup that explains itself before the first page load.

Two entry points cover the two ways the package can be half set up:

* :func:`check_app_setup` is registered by the app's ``AppConfig.ready`` (tag
  ``ddt_timetravel``), so it only exists when ``ddt_timetravel`` is in
  ``INSTALLED_APPS``.
* :func:`check_panel_setup` backs ``TimeTravelPanel.run_checks``, which the
  toolbar calls for every panel in its panel list, installed app or not.

Each runs the shared checks only in its own case, so a message never appears
twice. Every message names the fix in its hint; the README's troubleshooting
section has one entry per id.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, Warning
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils.module_loading import import_string

from .asgi_routes import routes_to_live_view_consumer
from .conf import DEFAULTS, SETTINGS_NAME, setting_problem
from .core.masking import pattern_problem
from .switch import listed_panel_classes

APP_NAME = "ddt_timetravel"
TAG = "ddt_timetravel"
PANEL_PATH = "ddt_timetravel.panels.TimeTravelPanel"
PROBE_URL = "djdt:ddt_timetravel_timeline"

# Where runserver's socket comes from, named in the hints about the socket.
DAPHNE_HINT = (
    "For manage.py runserver to serve the socket, install daphne and put 'daphne' first "
    "in INSTALLED_APPS, before 'django.contrib.staticfiles' (whose runserver it replaces)."
)

# Apps the panel cannot work without (channels, only expected, is checked apart).
_REQUIRED_APPS = {
    "djust": "djust records the history the panel shows and serves its client script.",
    "debug_toolbar": "The panel lives inside Django Debug Toolbar.",
}


def check_app_setup(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every check, run through the app's registration (the app is installed)."""
    if not apps.is_installed(APP_NAME):
        return []  # Only after INSTALLED_APPS changed in tests; the panel hook covers it.
    return [*check_panel_listed(), *_shared_checks()]


def check_panel_setup() -> list[CheckMessage]:
    """Every check, run through the toolbar's panel hook when the app is not installed."""
    if apps.is_installed(APP_NAME):
        return []  # check_app_setup runs them.
    missing_app = Error(
        f"The Time Travel panel is in DEBUG_TOOLBAR_PANELS but '{APP_NAME}' is not in "
        "INSTALLED_APPS.",
        hint=f"Add '{APP_NAME}' to INSTALLED_APPS: the panel's templates and static "
        "files are found through the app.",
        id="ddt_timetravel.E001",
    )
    return [missing_app, *_shared_checks()]


def _shared_checks() -> list[CheckMessage]:
    return [
        *check_required_apps(),
        *check_toolbar_urls(),
        *check_settings(),
        *check_mask_patterns(),
        *check_views(live_view_classes(), debug=bool(settings.DEBUG)),
        *check_mountable(live_view_classes()),
        *check_asgi_route(),
        *check_toolbar_store(),
    ]


def panel_listed() -> bool:
    """True when the toolbar's panel list (``DEBUG_TOOLBAR_PANELS`` or its default) has ours."""
    return bool(listed_panel_classes())


def check_panel_listed() -> list[CheckMessage]:
    """W001: the app is installed but the toolbar does not show its panel."""
    if panel_listed():
        return []
    if hasattr(settings, "DEBUG_TOOLBAR_PANELS"):
        hint = f"Add '{PANEL_PATH}' to DEBUG_TOOLBAR_PANELS."
    else:
        hint = (
            "DEBUG_TOOLBAR_PANELS is not set, so the toolbar shows its default panels "
            "only. Set it to the defaults plus this panel: DEBUG_TOOLBAR_PANELS = "
            f"[*debug_toolbar.settings.PANELS_DEFAULTS, '{PANEL_PATH}']."
        )
    return [
        Warning(
            f"'{APP_NAME}' is in INSTALLED_APPS but its panel is not in the toolbar's panels.",
            hint=hint,
            id="ddt_timetravel.W001",
        )
    ]


def check_required_apps() -> list[CheckMessage]:
    """E002 for djust or the toolbar missing from INSTALLED_APPS, W002 for channels."""
    messages: list[CheckMessage] = [
        Error(
            f"'{app}' is not in INSTALLED_APPS.",
            hint=f"{why} Add '{app}' to INSTALLED_APPS.",
            id="ddt_timetravel.E002",
        )
        for app, why in _REQUIRED_APPS.items()
        if not apps.is_installed(app)
    ]
    if not apps.is_installed("channels"):
        messages.append(
            Warning(
                "'channels' is not in INSTALLED_APPS.",
                hint="djust's LiveView socket runs on Django Channels, as djust's setup "
                f"guide describes. Add 'channels' to INSTALLED_APPS. {DAPHNE_HINT}",
                id="ddt_timetravel.W002",
            )
        )
    return messages


def check_toolbar_urls() -> list[CheckMessage]:
    """E003: the panel's endpoints do not reverse, so the toolbar's URLs are not included.

    Skipped while DEBUG is off (``debug_toolbar_urls()`` then adds nothing on
    purpose), when the toolbar is not installed (E002) or the panel is not
    listed (W001). A URLconf that fails to import is Django's own check's job.
    """
    if not settings.DEBUG or not apps.is_installed("debug_toolbar") or not panel_listed():
        return []
    try:
        reverse(PROBE_URL)
        return []
    except NoReverseMatch:
        pass
    except Exception:  # a broken URLconf is reported by Django itself
        return []
    return [
        Error(
            f"The toolbar's URLs are not included: reverse('{PROBE_URL}') fails, so the "
            "panel cannot reach its endpoints.",
            hint='Add path("__debug__/", include("debug_toolbar.urls")) to your ROOT_URLCONF. '
            "debug_toolbar_urls() adds nothing when DEBUG is False as urls.py is imported.",
            id="ddt_timetravel.E003",
        )
    ]


def check_settings(value: Any = None) -> list[CheckMessage]:
    """E004 for a malformed ``DDT_TIMETRAVEL`` or a value of the wrong type, W003 for unknown keys.

    ``value`` defaults to ``settings.DDT_TIMETRAVEL``.
    """
    if value is None:
        value = getattr(settings, SETTINGS_NAME, None)
        if value is None:
            return []
    if not isinstance(value, dict):
        return [
            Error(
                f"{SETTINGS_NAME} must be a dict, not {type(value).__name__}.",
                hint=f"Write {SETTINGS_NAME} = {{'MASK_FIELDS': [...], ...}}; "
                f"valid keys: {', '.join(DEFAULTS)}.",
                id="ddt_timetravel.E004",
            )
        ]
    messages: list[CheckMessage] = []
    unknown = sorted(str(key) for key in value if key not in DEFAULTS)
    if unknown:
        messages.append(
            Warning(
                f"Unknown key{'s' if len(unknown) > 1 else ''} in {SETTINGS_NAME}: "
                f"{', '.join(unknown)}.",
                hint=f"Valid keys: {', '.join(DEFAULTS)} (upper case). Unknown keys are ignored.",
                id="ddt_timetravel.W003",
            )
        )
    for key in DEFAULTS:
        problem = setting_problem(key, value[key]) if key in value else None
        if problem:
            messages.append(
                Error(
                    f"{SETTINGS_NAME}['{key}'] {problem}; got {value[key]!r}.",
                    hint=f"Fix the value or remove the key to use the default, {DEFAULTS[key]!r}.",
                    id="ddt_timetravel.E004",
                )
            )
    return messages


def check_mask_patterns(value: Any = None) -> list[CheckMessage]:
    """E005 for each ``MASK_PATTERNS`` entry that is not a usable regular expression.

    ``value`` defaults to ``settings.DDT_TIMETRAVEL``; a wrong type is E004's.
    """
    if value is None:
        value = getattr(settings, SETTINGS_NAME, None)
    patterns = value.get("MASK_PATTERNS") if isinstance(value, dict) else None
    if not isinstance(patterns, (list, tuple)):
        return []
    return [
        Error(
            f"{SETTINGS_NAME}['MASK_PATTERNS']: {problem}.",
            hint="Each entry must work with Python's re.compile() and match some text; "
            r"escape literal characters with a backslash (r'\(') or use re.escape().",
            id="ddt_timetravel.E005",
        )
        for problem in map(pattern_problem, patterns)
        if problem
    ]


def dotted_name(cls: type) -> str:
    """``module.Class`` of a class."""
    return f"{cls.__module__}.{cls.__qualname__}"


def _subclasses(cls: type) -> Iterable[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def live_view_classes() -> list[type]:
    """The project's LiveView classes: imported ones, including those the URLconf routes to.

    djust's own classes and classes marked ``abstract = True`` (djust's own
    convention) are left out.
    """
    from djust.live_view import LiveView

    with contextlib.suppress(Exception):  # a broken URLconf is Django's check's job
        get_resolver().url_patterns  # noqa: B018 - imports the URLconf and the view modules
    found = set()
    for cls in _subclasses(LiveView):
        module = cls.__module__ or ""
        if module == "djust" or module.startswith("djust.") or cls.__dict__.get("abstract"):
            continue
        found.add(cls)
    return sorted(found, key=dotted_name)


def check_views(classes: Iterable[type], debug: bool) -> list[CheckMessage]:
    """I001 when no class records time travel; W004 / W005 for recording classes."""
    recording = [cls for cls in classes if getattr(cls, "time_travel_enabled", False)]
    if not recording:
        return [
            Info(
                "No LiveView has time_travel_enabled = True: the Time Travel panel has "
                "nothing to show.",
                hint="Add time_travel_enabled = True to the LiveView classes you want to "
                "debug, e.g. time_travel_enabled = settings.DEBUG.",
                id="ddt_timetravel.I001",
            )
        ]
    messages: list[CheckMessage] = []
    for cls in recording:
        name = dotted_name(cls)
        if not debug:
            messages.append(
                Warning(
                    "The LiveView has time_travel_enabled = True while DEBUG is False.",
                    hint="djust keeps recording every event's state in memory with DEBUG "
                    "off, but sends no frames and refuses restores. Enable it in "
                    "development only, e.g. time_travel_enabled = settings.DEBUG.",
                    obj=name,
                    id="ddt_timetravel.W004",
                )
            )
        if getattr(cls, "streaming_render", False):
            messages.append(
                Warning(
                    "The LiveView records time travel but has streaming_render = True: the "
                    "toolbar, and with it the Time Travel panel, does not appear on its pages.",
                    hint="The toolbar only injects itself into non-streaming HTML responses. "
                    "Set streaming_render = False while you debug this view.",
                    obj=name,
                    id="ddt_timetravel.W005",
                )
            )
    return messages


def check_asgi_route(application: Any = None, label: str | None = None) -> list[CheckMessage]:
    """W006: the ASGI application routes no socket to djust's ``LiveViewConsumer``.

    ``application`` defaults to ``settings.ASGI_APPLICATION``, imported. Says
    nothing when that cannot be imported or its structure cannot be walked.
    """
    if application is None:
        label = getattr(settings, "ASGI_APPLICATION", None)
        if not isinstance(label, str) or not label:
            return []
        try:
            application = import_string(label)
        except Exception:  # djust's own checks report a broken ASGI setup
            return []
    if routes_to_live_view_consumer(application) is not False:
        return []
    return [
        Warning(
            "The ASGI application has no route to djust's LiveViewConsumer: "
            "the page's socket cannot connect, so there is no history to show or restore.",
            hint='Route the "websocket" protocol to djust, e.g. ProtocolTypeRouter({"http": ..., '
            '"websocket": AuthMiddlewareStack(URLRouter([path("ws/live/", '
            f"LiveViewConsumer.as_asgi())]))}}). {DAPHNE_HINT}",
            obj=label,
            id="ddt_timetravel.W006",
        )
    ]


def check_mountable(classes: Iterable[type]) -> list[CheckMessage]:
    """W007: djust would refuse to mount a recording view (``LIVEVIEW_ALLOWED_MODULES``).

    Asks djust's own mount gate, so the answer follows djust's rule: the
    explicit list when set, otherwise the installed apps' packages and djust.
    """
    from djust.security.mount import is_view_path_allowed

    explicit = bool(getattr(settings, "LIVEVIEW_ALLOWED_MODULES", None))
    messages: list[CheckMessage] = []
    for cls in classes:
        name = dotted_name(cls)
        if not getattr(cls, "time_travel_enabled", False) or is_view_path_allowed(name):
            continue
        if explicit:
            hint = f"Add '{cls.__module__}' to LIVEVIEW_ALLOWED_MODULES."
        else:
            hint = (
                "LIVEVIEW_ALLOWED_MODULES is not set, so djust mounts views of installed "
                f"apps only: set LIVEVIEW_ALLOWED_MODULES = ['{cls.__module__}', ...]."
            )
        messages.append(
            Warning(
                "djust refuses to mount this LiveView: its module is not in "
                "LIVEVIEW_ALLOWED_MODULES, so the page's socket mounts nothing and there "
                "is no history to show.",
                hint=hint,
                obj=name,
                id="ddt_timetravel.W007",
            )
        )
    return messages


def check_toolbar_store() -> list[CheckMessage]:
    """W008: the toolbar's ``DatabaseStore`` under ASGI, where every page answers 500.

    Its ``set`` runs the ORM from the toolbar's async middleware
    (``SynchronousOnlyOperation``); a subclass that overrides ``set`` is left alone.
    """
    if not getattr(settings, "ASGI_APPLICATION", None) or not apps.is_installed("debug_toolbar"):
        return []
    from debug_toolbar.settings import get_config
    from debug_toolbar.store import DatabaseStore

    configured = get_config().get("TOOLBAR_STORE_CLASS")
    try:
        store = import_string(configured) if isinstance(configured, str) else configured
    except ImportError:
        return []  # the toolbar reports its own broken setting
    if not (isinstance(store, type) and issubclass(store, DatabaseStore)):
        return []
    if inspect.getattr_static(store, "set") is not inspect.getattr_static(DatabaseStore, "set"):
        return []
    return [
        Warning(
            "TOOLBAR_STORE_CLASS is the toolbar's DatabaseStore while the project runs under "
            "ASGI: the toolbar then answers every page with a 500 (SynchronousOnlyOperation).",
            hint="Remove TOOLBAR_STORE_CLASS from DEBUG_TOOLBAR_CONFIG to use the default "
            "'debug_toolbar.store.MemoryStore'. The Time Travel panel never reads the "
            "toolbar's store for its timeline.",
            obj=dotted_name(store),
            id="ddt_timetravel.W008",
        )
    ]
