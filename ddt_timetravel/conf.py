"""Project settings for the panel, read from ``settings.DDT_TIMETRAVEL`` with defaults.

Every key is optional; unknown keys are ignored (the system checks report them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Extra key names to mask, on top of the built-in secret-looking names.
    "MASK_FIELDS": (),
    # Key names never masked, even when they look secret (e.g. "token_count").
    "UNMASK_FIELDS": (),
    # How often (milliseconds) the open panel checks for new events as a safety
    # net; djust's pushed frames refresh it sooner.
    "POLL_INTERVAL_MS": 1500,
}


def get_setting(name: str) -> Any:
    """Return one setting, falling back to its default."""
    user = getattr(settings, "DDT_TIMETRAVEL", None) or {}
    return user.get(name, DEFAULTS[name])
