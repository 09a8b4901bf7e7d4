"""Short, readable text for JSON-like values, sizes and durations."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.utils import timezone

from ..core.masking import MASKED, Masked

COMPACT_LIMIT = 60


def shorten(text: str, limit: int = COMPACT_LIMIT) -> str:
    """Cut ``text`` to ``limit`` characters with an ellipsis, never inside a mask marker."""
    return text if len(text) <= limit else text[: cut_point(text, limit - 1)] + "…"


def cut_point(text: str, at: int) -> int:
    """``at``, or the start of the mask marker that ``at`` would cut in two."""
    marker = str(MASKED)
    start = text.find(marker)
    while start != -1 and start < at:
        if at < start + len(marker):
            return start
        start = text.find(marker, start + 1)
    return at


def size_only(value: Any) -> str | None:
    """``[1000 items]`` or ``{200 keys}`` for a container :func:`compact` shows by its
    size alone (nothing inside it is shown, so nothing inside needs masking); else None."""
    if isinstance(value, list) and len(value) > 3:
        return f"[{len(value)} items]"
    if isinstance(value, dict) and len(value) > 3:
        return f"{{{len(value)} keys}}"
    return None


def compact(value: Any, limit: int = COMPACT_LIMIT) -> str:
    """One-line rendering of a value: JSON for data, the marker for masked values."""
    if isinstance(value, Masked):
        return str(MASKED)
    size = size_only(value)
    if size is not None:
        return size
    if isinstance(value, str) and len(value) > limit:
        kept = value[: cut_point(value, limit - 2)]
        return json.dumps(kept, ensure_ascii=False)[:-1] + '…"'
    return shorten(json.dumps(value, default=_masked_or_str, ensure_ascii=False), limit)


def pretty(value: Any) -> str:
    """Indented JSON for the full view of params or state."""
    return json.dumps(value, default=_masked_or_str, ensure_ascii=False, indent=2)


def compact_params(params: dict[str, Any], limit: int = COMPACT_LIMIT) -> str:
    """``amount=5, label="x"`` style summary of event params.

    djust's own params (``_target`` and the like: names starting with ``_``) are left
    out here; the full params in the detail keep them.
    """
    shown = {key: value for key, value in params.items() if not str(key).startswith("_")}
    text = ", ".join(f"{key}={compact(value, 24)}" for key, value in shown.items())
    return shorten(text, limit)


def clock_time(ts: float) -> str:
    """Wall-clock time of an event in the project's time zone, to the millisecond."""
    moment = datetime.fromtimestamp(ts, tz=timezone.get_current_timezone())
    return moment.strftime("%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def elapsed(seconds: float) -> str:
    """``+850 ms`` or ``+2.4 s`` or ``+3 min``."""
    if seconds < 1:
        return f"+{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"+{seconds:.1f} s"
    return f"+{seconds / 60:.0f} min"


def _masked_or_str(value: Any) -> str:
    return str(value)


def describe_size(value: Any) -> str:
    """``48 KB`` for a string too long to show whole (containers say their size
    in :func:`compact` already: ``[1000 items]``)."""
    if isinstance(value, str) and len(value) > COMPACT_LIMIT:
        return human_bytes(len(value.encode("utf-8")))
    return ""


def human_bytes(count: int) -> str:
    """``512 B``, ``48 KB``, ``1.2 MB``."""
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
