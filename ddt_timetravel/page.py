"""What the toolbar's request tells about the page: which LiveViews it renders."""

from __future__ import annotations

import re
import sys
from typing import Any

_DJ_VIEW = re.compile(rb'dj-view="([A-Za-z_][\w.]*)"')
MAX_VIEWS = 10


def dotted_path(view: Any) -> str:
    """``module.Class`` of a view, as djust names it in ``dj-view``."""
    cls = type(view)
    return f"{cls.__module__}.{cls.__qualname__}"


def views_on_page(content: bytes) -> list[str]:
    """Dotted paths named by ``dj-view`` attributes, in page order, without repeats."""
    found: list[str] = []
    for match in _DJ_VIEW.finditer(content):
        path = match.group(1).decode("ascii")
        if path not in found:
            found.append(path)
        if len(found) >= MAX_VIEWS:
            break
    return found


def time_travel_enabled(dotted_path: str) -> bool | None:
    """Whether the named class records time travel; None when it is not loaded.

    Only looks at modules already imported (the page just rendered the view), so
    text in a page can never make the server import anything.
    """
    module_name, _, class_name = dotted_path.rpartition(".")
    module = sys.modules.get(module_name)
    cls: Any = getattr(module, class_name, None) if module is not None else None
    if not isinstance(cls, type):
        return None
    return bool(getattr(cls, "time_travel_enabled", False))
