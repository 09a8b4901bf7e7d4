"""Project settings for the panel, read from ``settings.DDT_TIMETRAVEL`` with defaults.

Every key is optional; unknown keys are ignored at run time and reported by the
system checks (:mod:`ddt_timetravel.checks`), which also validate the types
described by :func:`setting_problem`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings

SETTINGS_NAME = "DDT_TIMETRAVEL"

DEFAULTS: dict[str, Any] = {
    # Extra key names to mask, on top of the built-in secret-looking names.
    "MASK_FIELDS": (),
    # Key names never masked, even when they look secret (e.g. "build_token_id").
    "UNMASK_FIELDS": (),
    # Regular expressions for secret values under any name (the part matched, or
    # the first group, is masked); checked by ddt_timetravel.E005.
    "MASK_PATTERNS": (),
    # How often (milliseconds) the open panel checks for new events as a safety
    # net; djust's pushed frames refresh it sooner.
    "POLL_INTERVAL_MS": 1500,
    # A row is marked slow when its handler took at least this long (ms).
    "SLOW_EVENT_MS": 100,
    # A row is marked heavy when its event ran at least this many queries
    # (or repeated one: a likely N+1).
    "MANY_QUERIES": 10,
    # Ask the other ASGI workers over the channel layer when the view is not in
    # this process (docs/multiple-workers.md). Off: one process needs no layer.
    "REMOTE_LOOKUP": False,
    # How long (seconds) a panel request waits for the worker holding the socket.
    "REMOTE_TIMEOUT": 2.0,
    # Capture each recorded event's turn for the toolbar's own panels (SQL,
    # Templates, Cache, Signals, Timer, History): off, events cost nothing extra.
    "TOOLBAR_CAPTURE": True,
    # Earlier sessions of a tab kept per browser when its view goes away (reload,
    # reconnect, live_redirect), and the bytes they may take together. 0 keeps none.
    "EARLIER_SESSIONS": 5,
    "EARLIER_SESSIONS_MAX_BYTES": 8 * 1024 * 1024,
}


def _names(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset)) and all(
        isinstance(name, str) for name in value
    )


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 50


def _byte_budget(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 2**30


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _seconds(value: Any) -> bool:
    # Capped so a typo (milliseconds) cannot make a panel request hang for minutes.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 60


#: For each key: the test a value must pass, and what to say when it does not.
VALIDATORS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "MASK_FIELDS": (_names, "must be a list or tuple of key names (strings)"),
    "UNMASK_FIELDS": (_names, "must be a list or tuple of key names (strings)"),
    "MASK_PATTERNS": (_names, "must be a list or tuple of regular expressions (strings)"),
    "POLL_INTERVAL_MS": (_positive_int, "must be a positive whole number of milliseconds"),
    "SLOW_EVENT_MS": (_positive_int, "must be a positive whole number of milliseconds"),
    "MANY_QUERIES": (_positive_int, "must be a positive whole number of queries"),
    "REMOTE_LOOKUP": (_bool, "must be True or False"),
    "TOOLBAR_CAPTURE": (_bool, "must be True or False"),
    "REMOTE_TIMEOUT": (_seconds, "must be a number of seconds above 0 and at most 60"),
    "EARLIER_SESSIONS": (_count, "must be a whole number from 0 to 50"),
    "EARLIER_SESSIONS_MAX_BYTES": (
        _byte_budget,
        "must be a whole number of bytes from 0 to 1 GiB (1073741824)",
    ),
}


def get_setting(name: str) -> Any:
    """Return one setting, falling back to its default."""
    user = getattr(settings, SETTINGS_NAME, None) or {}
    return user.get(name, DEFAULTS[name])


def setting_problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for the known key ``name``, or None when it is valid."""
    valid, requirement = VALIDATORS[name]
    return None if valid(value) else requirement
