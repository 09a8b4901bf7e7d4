"""Where a query came from: the line of user code, and the template line behind it.

Called from the execute wrapper for each query of a measured turn. One walk up
the stack finds the innermost frame outside Django, djust, asgiref and this
package (the caller), and what the template was doing: a Django template node
being rendered (named by the toolbar's own helper, as its SQL panel does), or
djust serializing a context variable for its template, which is how queries
caused by a djust template run (lazy querysets, related fields, properties).
"""

from __future__ import annotations

import functools
import re
import sys
from types import FrameType
from typing import Any

from .. import _djust

_SKIPPED_PARTS = (
    "/django/",
    "/djust/",
    "/debug_toolbar/",
    "/ddt_timetravel/",
    "/asgiref/",
    "/channels/",
    "/asyncio/",
    "/concurrent/",
    "/threading.py",
    "/contextlib.py",
)


#: Names of the frames that may say which template line caused a query (read
#: from :mod:`._djust` on first use: that module imports this one's importer).
_template_frames: frozenset[str] = frozenset()


def _template_frame_names() -> frozenset[str]:
    global _template_frames
    if not _template_frames:
        _template_frames = frozenset({"render", *_djust.SERIALIZERS})
    return _template_frames


#: Per code file: is it library code (skipped when looking for the caller)?
_library: dict[str, bool] = {}


def _is_library(filename: str) -> bool:
    known = _library.get(filename)
    if known is None:
        known = _library[filename] = any(part in filename for part in _SKIPPED_PARTS)
    return known


def query_source(in_render: bool) -> tuple[str, str]:
    """(``file:line in function`` of the caller, the template line or "").

    A Django template node sits between the query and its caller, so the walk
    ends at the caller; djust serializes its template's context above the code
    it calls (a property, a related field), so in the re-render the walk goes on
    up to where the render began (:func:`._djust.render_entry`).
    """
    caller = ""
    template = ""
    stop = _djust.render_entry()
    names = _template_frame_names()
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if code is stop:
            break
        if not template and code.co_name in names:
            template = _template_at(frame)
        if not caller and not _is_library(code.co_filename):
            caller = f"{code.co_filename}:{frame.f_lineno} in {code.co_name}"
        if caller and (template or not in_render):
            break
        frame = frame.f_back
    return caller, template


def _template_at(frame: Any) -> str:
    code = frame.f_code
    if code.co_name == "render":
        if "/template/" not in code.co_filename:
            return ""
        return _django_template_line(frame)
    variable = _djust.serialized_variable(frame)
    if variable is None:
        return ""
    view = frame.f_locals.get("self")
    template_name = getattr(view, "template_name", None)
    if not isinstance(template_name, str):
        return f"context variable {variable}"
    line = variable_line(template_name, variable)
    return f"{template_name}:{line} ({variable})" if line else f"{template_name} ({variable})"


def _django_template_line(frame: Any) -> str:
    from django.template.base import Node

    node = frame.f_locals.get("self")
    context = frame.f_locals.get("context")
    if not isinstance(node, Node) or context is None:
        return ""
    try:
        from debug_toolbar.utils import get_template_source_from_exception_info

        line, _, name = get_template_source_from_exception_info(node, context)
    except Exception:  # a template without origin: no line to show
        return ""
    return f"{name}:{line}"


@functools.lru_cache(maxsize=256)
def variable_line(template_name: str, variable: str) -> int | None:
    """The first line of template ``template_name`` that uses ``variable``."""
    from django.template import engines

    pattern = re.compile(rf"(?<![\w.]){re.escape(variable)}(?!\w)")
    for engine in engines.all():
        loaders = getattr(getattr(engine, "engine", None), "template_loaders", ())
        for loader in loaders:
            for origin in loader.get_template_sources(template_name):
                try:
                    with open(origin.name, encoding="utf-8") as source:
                        for number, text in enumerate(source, start=1):
                            if "{" in text and pattern.search(text):
                                return number
                except OSError:
                    continue
                return None
    return None
