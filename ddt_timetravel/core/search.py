"""Filter and search the timeline: by event name, errors, a changed key, free text.

Free text looks in event names, params and state values, all masked first, and a
masked value never matches (not even its marker text). Key filters use the
row's diff, so they match paths exactly as the diff names them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..display.diff_view import changed_paths, event_diff
from .diff import format_path, list_steps
from .masking import Masker, is_masked, without_marks

MAX_FILTER_LENGTH = 200
MAX_FOUND_PATHS = 3


class BadFilter(ValueError):
    """A filter parameter is malformed; the message is safe to show."""


@dataclass(frozen=True)
class Filters:
    """The filter bar's values; empty strings mean "any"."""

    event: str = ""
    errors_only: bool = False
    key: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        """True when any filter is set."""
        return bool(self.event or self.errors_only or self.key or self.text)

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """Read and validate the filters from a request's query."""
        values = {}
        for name in ("event", "key", "q"):
            value = (query.get(name) or "").strip()
            if len(value) > MAX_FILTER_LENGTH:
                raise BadFilter(
                    f"The '{name}' filter is longer than {MAX_FILTER_LENGTH} characters."
                )
            values[name] = value
        errors = query.get("errors") or ""
        if errors not in ("", "0", "1"):
            raise BadFilter("The 'errors' filter must be 1 or 0.")
        return cls(values["event"], errors == "1", values["key"], values["q"])


def _leaves(
    value: Any, path: tuple[Any, ...] = (), keyed: bool = False
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every scalar with its path; ``keyed`` names list items by id, as the diff does."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key), keyed)
    elif isinstance(value, list):
        steps = list_steps(value) if keyed else range(len(value))
        for step, item in zip(steps, value, strict=True):
            yield from _leaves(item, (*path, step), keyed)
    else:
        yield path, value


def _contains(value: Any, needle: str) -> bool:
    if is_masked(value) or value is None:
        return False
    text = without_marks(value) if isinstance(value, str) else str(value)
    return needle in text.casefold()


def text_matches(snapshot: Any, needle: str, masker: Masker) -> list[str] | None:
    """Where ``needle`` occurs (``"event"``, ``"params"`` or state paths), or None.

    Only the event's masked copy is searched, so which rows match tells nothing
    about a masked value."""
    snapshot = masker.event(snapshot)
    needle = needle.casefold()
    found: list[str] = []
    if needle in str(snapshot.event_name).casefold():
        found.append("event")
    params = snapshot.params or {}
    if any(_contains(k, needle) or _contains(v, needle) for k, v in _leaves_with_keys(params)):
        found.append("params")
    sides: dict[str, list[str]] = {}
    for side, state in (("after", snapshot.state_after), ("before", snapshot.state_before)):
        for path, value in _leaves(state or {}, keyed=True):
            if _contains(value, needle):
                sides.setdefault(format_path(path), []).append(side)
            if len(sides) >= MAX_FOUND_PATHS:
                break
    # "count (after)", "items[id=3].text (before and after)": where in which state.
    found += [f"{path} ({' and '.join(reversed(where))})" for path, where in sides.items()]
    return found or None


def _leaves_with_keys(params: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for path, value in _leaves(params):
        yield (str(path[-1]) if path else ""), value


def key_changed(snapshot: Any, key: str) -> bool:
    """True when the event changed ``key`` or anything below it."""
    for path in changed_paths(event_diff(snapshot)):
        if path == key or path.startswith((key + ".", key + "[")) or key.startswith(path + "["):
            return True
    return False


def match(snapshot: Any, filters: Filters, masker: Masker) -> tuple[str, ...] | None:
    """None when the event is filtered out, else the state paths free text found."""
    snapshot = masker.event(snapshot)
    if filters.event and filters.event.casefold() not in str(snapshot.event_name).casefold():
        return None
    if filters.errors_only and not snapshot.error:
        return None
    if filters.key and not key_changed(snapshot, filters.key):
        return None
    if not filters.text:
        return ()
    found = text_matches(snapshot, filters.text, masker)
    if found is None:
        return None
    return tuple(p for p in found if p not in ("event", "params"))[:MAX_FOUND_PATHS]
