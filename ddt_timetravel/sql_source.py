"""The line of user code behind each query of a recorded event.

djust logs every query of an event turn, but the ``stack_top`` it keeps is the
outermost frame (for a sync handler: ``threading.py``), not the caller. This
adds one small Django execute wrapper, in DEBUG only, that notes the innermost
frame outside Django, djust, asyncio and this package, and only while djust
is capturing an event of a view that records time travel; for every other
query it returns after one context-variable read.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from typing import Any

from django.conf import settings
from djust.observability import sql as djust_sql
from djust.observability.registry import get_view_for_session

from .history import time_travel_buffer

_SKIPPED_PARTS = (
    "/django/",
    "/djust/",
    "/ddt_timetravel/",
    "/asgiref/",
    "/channels/",
    "/asyncio/",
    "/concurrent/",
    "/threading.py",
    "/contextlib.py",
)
_sources: deque[tuple[str | None, str, str]] = deque(maxlen=5000)
_lock = threading.Lock()


def _capture_scope() -> dict[str, Any] | None:
    """djust's current event capture scope (a private context variable in 1.2.6)."""
    return djust_sql._active.get()


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if not any(part in name for part in _SKIPPED_PARTS):
            return f"{name}:{frame.f_lineno} in {frame.f_code.co_name}"
        frame = frame.f_back
    return ""


#: (event id, whether that event's view records time travel): decided once per event.
_decision: tuple[Any, bool] = (None, False)


def _records(scope: dict[str, Any]) -> bool:
    global _decision
    event_id = scope.get("event_id")
    if event_id is not None and _decision[0] == event_id:
        return _decision[1]
    view = get_view_for_session(scope["session_id"]) if scope.get("session_id") else None
    recording = bool(settings.DEBUG) and view is not None and time_travel_buffer(view) is not None
    _decision = (event_id, recording)
    return recording


def record_source(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
    """Django execute wrapper: remember where a recorded event's query came from."""
    scope = _capture_scope()
    if scope is not None and _records(scope):
        with _lock:
            _sources.append((scope.get("event_id"), str(sql), _caller()))
    return execute(sql, params, many, context)


def install(connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: add the wrapper to each new connection."""
    if record_source not in connection.execute_wrappers:
        connection.execute_wrappers.append(record_source)


def sources_for(event_id: str | None) -> list[tuple[str, str]]:
    """(sql, caller) for every query of one event turn, in order."""
    with _lock:
        return [(sql, caller) for turn, sql, caller in _sources if turn == event_id]
