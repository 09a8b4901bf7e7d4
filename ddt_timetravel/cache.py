"""Per-snapshot memo: a row's diff is computed once, when first expanded, and
dropped together with the snapshot when djust's ring buffer evicts it."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_entries: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}
_lock = threading.Lock()


def _forget(snapshot_id: int) -> Callable[[weakref.ref[Any]], None]:
    def callback(_ref: weakref.ref[Any]) -> None:
        with _lock:
            _entries.pop(snapshot_id, None)

    return callback


def memo(snapshot: Any, name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per live ``snapshot`` and ``name``; later calls reuse it."""
    key = id(snapshot)
    with _lock:
        entry = _entries.get(key)
        if entry is not None and entry[0]() is snapshot and name in entry[1]:
            return entry[1][name]
    value = compute()
    with _lock:
        entry = _entries.get(key)
        if entry is None or entry[0]() is not snapshot:
            try:
                ref = weakref.ref(snapshot, _forget(key))
            except TypeError:  # not weak-referenceable: nothing to tie the memo to
                return value
            entry = (ref, {})
            _entries[key] = entry
        entry[1][name] = value
    return value


def size() -> int:
    """How many snapshots have memoised values (for tests and benchmarks)."""
    with _lock:
        return len(_entries)
