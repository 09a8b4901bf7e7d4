"""Install the turn measurement only where the panel can show it.

With DEBUG off, or the panel not listed in ``DEBUG_TOOLBAR_PANELS``, or
listed in the toolbar's ``DISABLE_PANELS``, nothing is added: no execute
wrapper on any database connection, no wrapper on djust's consumer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

PANEL_PATH = "ddt_timetravel.panels.TimeTravelPanel"
DISPATCH_UID = "ddt_timetravel.turns"


def _is_this_panel(path: str) -> bool:
    if path == PANEL_PATH:
        return True
    try:
        from ..panels import TimeTravelPanel

        panel = import_string(path)
    except ImportError:
        return False
    return isinstance(panel, type) and issubclass(panel, TimeTravelPanel)


def panel_shown() -> bool:
    """DEBUG on, the panel listed and not disabled by default."""
    if not settings.DEBUG:
        return False
    from debug_toolbar.settings import get_config, get_panels

    disabled = set(get_config().get("DISABLE_PANELS") or ())
    return any(_is_this_panel(path) and path not in disabled for path in get_panels())


def add_wrapper(connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: measure this connection's queries in turns."""
    from .turns import record_query

    if record_query not in connection.execute_wrappers:
        connection.execute_wrappers.append(record_query)


def install_if_shown() -> bool:
    """Install the measurement when :func:`panel_shown`; return whether it was."""
    if not panel_shown():
        return False
    from django.db import connections
    from django.db.backends.signals import connection_created

    from .._djust import install_earlier_sessions, install_turn_hooks

    install_turn_hooks()
    install_earlier_sessions()
    connection_created.connect(add_wrapper, dispatch_uid=DISPATCH_UID)
    for connection in connections.all(initialized_only=True):
        add_wrapper(connection)
    return True
