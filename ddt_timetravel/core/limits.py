"""Bounds on what the panel walks, so hostile or odd input costs bounded time.

djust records any JSON-round-trippable state: nested hundreds of levels deep,
or holding lone surrogates (a JavaScript string cut inside an emoji), which
UTF-8 cannot encode. Every place that shows or exports recorded values gets
them through :func:`displayable`: one iterative, linear walk that keeps
nesting to :data:`MAX_DEPTH` (deeper containers become :data:`TOO_DEEP`) and
replaces unencodable text with U+FFFD. The recorded value itself is never
changed, so restoring still uses exactly what djust recorded.
"""

from __future__ import annotations

import dataclasses
import json
import re
from itertools import accumulate
from typing import Any

from djust.time_travel import EventSnapshot

from . import memo
from .numbering import Entry

#: Containers nested deeper than this are shown as :data:`TOO_DEEP`.
MAX_DEPTH = 100
#: What a container nested deeper than :data:`MAX_DEPTH` is shown as.
TOO_DEEP = "(nested too deep to show)"
#: Longest number a query parameter may carry (2**53 has 16 digits).
MAX_NUMBER_DIGITS = 16

_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_too_deep(data: bytes, limit: int = MAX_DEPTH) -> bool:
    """True when raw JSON nests arrays and objects deeper than ``limit``, without parsing.

    Strings are cut out first (a bracket inside one does not nest), then only
    the brackets are kept and their running depth taken: C-speed steps, no
    recursion, so it is safe on input that would make ``json.loads`` recurse.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    brackets = _JSON_STRING.sub(b"", data).translate(None, _BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0) > limit


def too_deep(value: Any, max_depth: int = MAX_DEPTH) -> bool:
    """True when ``value`` nests lists and dicts deeper than ``max_depth`` (walked
    iteratively: safe on any depth, where a recursive walk would overflow)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth >= max_depth:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def clean_text(text: str) -> str:
    """``text`` with every surrogate code point (UTF-8 cannot encode one) replaced by U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


def _needs_cleaning(value: Any, max_depth: int) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            if depth >= max_depth:
                return True
            for key, child in item.items():
                if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                    return True
                stack.append((child, depth + 1))
        elif isinstance(item, (list, tuple)):
            if depth >= max_depth:
                return True
            stack.extend((child, depth + 1) for child in item)
    return False


def _cleaned(value: Any, max_depth: int) -> Any:
    holder: list[Any] = [None]
    stack: list[tuple[Any, int, Any, Any]] = [(value, 0, holder, 0)]
    while stack:
        item, depth, parent, slot = stack.pop()
        if isinstance(item, (dict, list, tuple)) and depth >= max_depth:
            parent[slot] = TOO_DEEP
        elif isinstance(item, dict):
            copy: dict[Any, Any] = {}
            parent[slot] = copy
            for key, child in item.items():
                key = clean_text(key) if isinstance(key, str) else key
                copy[key] = None  # keeps the recorded key order
                stack.append((child, depth + 1, copy, key))
        elif isinstance(item, (list, tuple)):
            items: list[Any] = [None] * len(item)
            parent[slot] = items
            stack.extend((child, depth + 1, items, i) for i, child in enumerate(item))
        else:
            parent[slot] = clean_text(item) if isinstance(item, str) else item
    return holder[0]


def displayable(value: Any, max_depth: int = MAX_DEPTH) -> tuple[Any, bool]:
    """``value`` safe to show and export, and whether it had to be altered.

    Returns ``value`` itself when nothing needed changing (no copy). Recorded
    states are JSON, so the check runs at C speed on their JSON text; only a
    value too deep (or not JSON) is walked in Python.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        text = None
    if text is not None and not json_too_deep(text.encode("utf-8", "surrogatepass"), max_depth):
        if text.isascii() or not _SURROGATE.search(text):
            return value, False
        return json.loads(_SURROGATE.sub("\ufffd", text)), True
    if not _needs_cleaning(value, max_depth):
        return value, False
    return _cleaned(value, max_depth), True


def _displayable_snapshot(snapshot: EventSnapshot) -> EventSnapshot | None:
    fields: dict[str, Any] = {}
    for name in ("params", "state_before", "state_after", "event_name", "error"):
        shown, altered = displayable(getattr(snapshot, name))
        if altered:
            fields[name] = shown
    return dataclasses.replace(snapshot, **fields) if fields else None


def displayable_snapshot(snapshot: EventSnapshot) -> tuple[EventSnapshot, bool]:
    """The snapshot as the panel shows it, and whether anything was altered for that.

    Computed once per snapshot; a clean snapshot is returned as it is (the memo
    then holds only None, never a second reference that would keep it alive).
    """
    shown = memo.memo(
        snapshot,
        "displayable",
        lambda: _displayable_snapshot(snapshot),
        inputs=(snapshot.params, snapshot.state_before, snapshot.state_after),
    )
    return (snapshot, False) if shown is None else (shown, True)


def displayable_entry(entry: Entry) -> Entry:
    """``entry`` with its snapshot as the panel shows it (see :func:`displayable_snapshot`)."""
    snapshot, altered = displayable_snapshot(entry.snapshot)
    return dataclasses.replace(entry, snapshot=snapshot, altered=altered) if altered else entry
