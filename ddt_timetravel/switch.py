"""Is the panel switched on? The toolbar's own rule, readable outside a toolbar.

The toolbar decides per panel: the ``djdt<PanelId>`` cookie (the checkbox in its
sidebar) wins, else ``DISABLE_PANELS``. Its endpoints never build a toolbar, so
this module applies the same rule to a bare request, for the panel classes
actually listed (a project may list a subclass, whose id is its class name).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.module_loading import import_string


def listed_panel_classes() -> list[type]:
    """The classes in the toolbar's panel list that are this panel or a subclass of it."""
    from debug_toolbar.settings import get_panels

    from .panels import TimeTravelPanel

    found = []
    for dotted in get_panels():
        try:
            panel_class = import_string(dotted)
        except ImportError:
            continue
        if isinstance(panel_class, type) and issubclass(panel_class, TimeTravelPanel):
            found.append(panel_class)
    return found


def switched_on(panel_class: type, request: HttpRequest) -> bool:
    """The toolbar's ``Panel.enabled`` for ``panel_class`` on ``request``."""
    from debug_toolbar.settings import get_config
    from debug_toolbar.utils import get_name_from_obj

    cookie = request.COOKIES.get(f"djdt{panel_class.__name__}")
    if cookie is not None:
        return cookie == "on"
    disabled = get_config()["DISABLE_PANELS"]
    name = get_name_from_obj(panel_class)
    return name not in disabled and name.replace(".panel.", ".") not in disabled


def panel_enabled(request: HttpRequest) -> bool:
    """True when a listed Time Travel panel is switched on for this browser."""
    return any(switched_on(panel_class, request) for panel_class in listed_panel_classes())
