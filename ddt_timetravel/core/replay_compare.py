"""What a replayed event is held to, and where it first departs from the recording.

The exported pytest module and "Check against current code" judge an event the
same way: every key the recording says the event changed must have its
recorded value, compared by key path; every other key must keep its value.
Parts that cannot be held to a recorded value are not compared: masked
secrets (never written out, so never known) and values that depend on time or
chance, by name (``created_at``, ``timestamp``, ``uuid``) or by shape (ISO
datetimes, UUIDs), at any depth. Pure: no request, no settings, no djust.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .diff import same
from .masking import Masker, name_parts, shows_masked

VOLATILE_NAME_PARTS = frozenset(
    {
        "time",
        "timestamp",
        "date",
        "datetime",
        "now",
        "at",
        "created",
        "updated",
        "modified",
        "uuid",
        "guid",
        "nonce",
        "random",
        "seed",
        "elapsed",
    }
)
#: Every volatile name holds one of its parts in its lower-case text.
_MAY_BE_VOLATILE = re.compile("|".join(sorted(VOLATILE_NAME_PARTS, key=len, reverse=True)))
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_volatile_name(key: Any) -> bool:
    """True for a key named like a time or a random value (``created_at``, ``uuid``)."""
    text = str(key)
    if not _MAY_BE_VOLATILE.search(text.lower()):  # one C-speed scan rules most names out
        return False
    return bool(VOLATILE_NAME_PARTS & set(name_parts(text)))


def is_volatile(key: Any, value: Any) -> bool:
    """True for values that depend on time or chance, never compared."""
    if is_volatile_name(key):
        return True
    return isinstance(value, str) and bool(_ISO_DATETIME.match(value) or _UUID.match(value))


class _Unchecked:
    """Stands for a value that is not compared; written ``ANY`` in exported tests."""

    _instance: _Unchecked | None = None

    def __new__(cls) -> _Unchecked:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ANY"


UNCHECKED = _Unchecked()


class _Missing:
    """An absent key, so that "not there" and ``None`` stay apart."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = _Missing()


def key_path(path: tuple[Any, ...]) -> str:
    """``("items", 2, "done")`` as ``items[2].done``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(the whole state)"


@dataclass(frozen=True)
class Skipped:
    """A value left out of the comparison, and why."""

    path: str
    reason: str  # "masked" or "volatile"


def expected_value(
    key: str, raw: Any, masker: Masker | None, skipped: list[Skipped] | None = None
) -> Any:
    """``raw`` (the value recorded under ``key``) with its unchecked parts replaced.

    A masked part or a time- or chance-dependent one becomes :data:`UNCHECKED`,
    and its path is appended to ``skipped``. ``masker`` is None when ``raw`` is
    read from an event's masked copy already (masking it again would hide nothing more).
    """
    found = skipped if skipped is not None else []
    shown = raw if masker is None else masker.mask({key: raw})[key]
    return _expected(raw, shown, (key,), found)


def _expected(raw: Any, shown: Any, path: tuple[Any, ...], skipped: list[Skipped]) -> Any:
    if shows_masked(shown):
        skipped.append(Skipped(key_path(path), "masked"))
        return UNCHECKED
    if is_volatile(path[-1] if isinstance(path[-1], str) else "", raw):
        skipped.append(Skipped(key_path(path), "volatile"))
        return UNCHECKED
    if isinstance(raw, Mapping) and isinstance(shown, Mapping):
        return {k: _expected(v, shown.get(k), (*path, k), skipped) for k, v in raw.items()}
    if isinstance(raw, (list, tuple)) and isinstance(shown, list):
        return [
            _expected(v, s, (*path, i), skipped)
            for i, (v, s) in enumerate(zip(raw, shown, strict=True))
        ]
    return raw


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Keys whose value differs between two recorded states, in state order."""
    keys = [*after, *(k for k in before if k not in after)]
    return [k for k in keys if not same(before.get(k, MISSING), after.get(k, MISSING))]


@dataclass(frozen=True)
class Mismatch:
    """Where a replayed state first departs from what was expected."""

    path: str
    expected: Any
    actual: Any
    unchanged: bool = False  # the recording left this key alone, the replay changed it


def first_mismatch(expected: Any, actual: Any, path: tuple[Any, ...]) -> Mismatch | None:
    """The first path at which ``actual`` differs from ``expected`` (UNCHECKED parts pass)."""
    if expected is UNCHECKED:
        return None
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        for key in [*expected, *(k for k in actual if k not in expected)]:
            found = first_mismatch(
                expected.get(key, MISSING), actual.get(key, MISSING), (*path, key)
            )
            if found is not None:
                return found
        return None
    if (
        isinstance(expected, list)
        and isinstance(actual, (list, tuple))
        and len(expected) == len(actual)
    ):
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found = first_mismatch(want, got, (*path, index))
            if found is not None:
                return found
        return None
    return None if expected == actual else Mismatch(key_path(path), expected, actual)


def unchecked_keys(states: list[Mapping[str, Any]], masker: Masker | None) -> set[str]:
    """Top-level keys that hold a masked or volatile value in any of ``states``
    (``masker`` None: the states are masked copies)."""
    keys: set[str] = set()
    for state in states:
        for key, value in state.items():
            skipped: list[Skipped] = []
            expected_value(key, value, masker, skipped)
            if skipped:
                keys.add(key)
    return keys


def judge(
    expected: Mapping[str, Any],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    unchecked: set[str] | frozenset[str] = frozenset(),
) -> Mismatch | None:
    """The first departure of a replayed event from the recording, or None.

    ``expected`` maps each key the recording says changed to its expected value;
    ``before`` and ``after`` are the replayed states; keys in ``unchecked`` are
    only compared through ``expected``.
    """
    for key in [*expected, *(k for k in [*before, *after] if k not in expected)]:
        if key in expected:
            found = first_mismatch(expected[key], after.get(key, MISSING), (key,))
        elif key in unchecked:
            continue
        else:
            old, new = before.get(key, MISSING), after.get(key, MISSING)
            found = first_mismatch(old, new, (key,))
            if found is not None:
                found = Mismatch(found.path, found.expected, found.actual, unchanged=True)
        if found is not None:
            return found
    return None


def unawaited_replay(snapshot: Any, handler: Any) -> bool:
    """True for a forward replay of an async handler that djust never awaited.

    djust's ``replay_event`` calls the handler without awaiting it, so an async
    handler's coroutine never runs: the replay is recorded (no ``ref``) with
    nothing changed. Replaying the history runs it the same way: not at all.
    """
    return (
        snapshot.ref is None
        and not snapshot.error
        and inspect.iscoroutinefunction(handler)
        and same(snapshot.state_before or {}, snapshot.state_after or {})
    )
