"""Per-snapshot memo: a row's diff is computed once, when first expanded, and
dropped together with the snapshot when djust's ring buffer evicts it.

The memo must stay small next to the buffer it describes. Each memoised value
costs one slotted weak reference that carries it (no per-entry dict, tuple or
closure: one shared callback drops it), and values computed from tiny states
are not kept at all: recomputing them costs less than keeping them.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

T = TypeVar("T")

#: States with fewer nodes (keys, values and items, counted) are not worth a memo.
SMALL_STATE_NODES = 256


class _Memo(weakref.ref[Any]):
    """A weak reference to a snapshot that also carries one value computed from it."""

    __slots__ = ("key", "name", "value")
    key: int
    name: str
    value: Any


#: ``name`` -> ``id(snapshot)`` -> the memo of that snapshot's value.
_tables: dict[str, dict[int, _Memo]] = {}
#: Re-entrant: dropping a memo can free a value that is itself a memoised snapshot
#: (see :func:`.limits.displayable_snapshot`), whose callback then runs here.
_lock = threading.RLock()


def _drop(ref: weakref.ref[Any]) -> None:
    """The one callback of every memo: forget it once its snapshot is gone."""
    assert isinstance(ref, _Memo)
    with _lock:
        table = _tables.get(ref.name)
        if table is not None and table.get(ref.key) is ref:
            del table[ref.key]


def is_small(value: Any, limit: int = SMALL_STATE_NODES) -> bool:
    """True when ``value`` holds fewer than ``limit`` nodes; stops counting there.

    A dict's keys are counted by its length, not visited: recorded keys are texts,
    with nothing below them, and a wide state then costs a few hundred steps.
    """
    stack = [value]
    count = 0
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            count += len(item)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        if count >= limit:
            return False
    return True


def memo(snapshot: Any, name: str, compute: Callable[[], T], inputs: Iterable[Any] = ()) -> T:
    """``compute()`` once per live ``snapshot`` and ``name``; later calls reuse it.

    When every one of ``inputs`` (the states ``compute`` reads) is small, the
    value is computed each time and nothing is kept.
    """
    inputs = list(inputs)
    if inputs and all(is_small(value) for value in inputs):
        return compute()
    key = id(snapshot)
    with _lock:
        held = _tables.get(name, {}).get(key)
        if held is not None and held() is snapshot:
            return cast(T, held.value)  # what compute() gave for this name
    value = compute()
    try:
        ref = _Memo(snapshot, _drop)
    except TypeError:  # not weak-referenceable: nothing to tie the memo to
        return value
    ref.key, ref.name, ref.value = key, name, value
    with _lock:
        _tables.setdefault(name, {})[key] = ref
    return value


def held(snapshots: Iterable[Any]) -> list[Any]:
    """The memo objects kept for ``snapshots`` (for tests and benchmarks)."""
    wanted = {id(snapshot): snapshot for snapshot in snapshots}
    with _lock:
        return [
            ref
            for table in _tables.values()
            for key, ref in table.items()
            if key in wanted and ref() is wanted[key]
        ]


def size() -> int:
    """How many values are memoised (for tests and benchmarks)."""
    with _lock:
        return sum(len(table) for table in _tables.values())
