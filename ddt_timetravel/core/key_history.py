"""The story of one key: its value after each held event, and the events that moved it.

A developer debugging state asks "when did this become wrong, and how did it get
there?". This answers it for one path in the panel's syntax (``cart.items[id=3].qty``):
one point per held event, the events that changed the value with their handler,
params and change, and a number to chart (the value for numbers, the length for
lists, dicts and strings). Masked values say only "changed" or "unchanged".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..display.formatting import compact, compact_params
from .diff import same
from .masking import MASKED, Masker
from .watch import ABSENT, HIDDEN, Reader, lookup, parse_path

MAX_PATH_LENGTH = 300


class BadKey(ValueError):
    """The key path does not parse; the message is safe to show."""


@dataclass(frozen=True)
class KeyPoint:
    """The key after one event."""

    seq: int
    event: str
    text: str  # the value as shown: compact, masked or "absent"
    measure: float | None  # what the chart plots: the number, or the length
    changed: bool
    masked: bool
    params: str  # the event's params, masked and compact
    before_text: str  # the value before this event, as shown


@dataclass(frozen=True)
class KeyHistory:
    """Every held event's point for one path, and how the chart should read it."""

    path: str
    points: tuple[KeyPoint, ...]
    measure_label: str  # "value" for numbers, "length" for sized values, "" for none

    @property
    def changes(self) -> tuple[KeyPoint, ...]:
        """The events that changed the value."""
        return tuple(point for point in self.points if point.changed)


def parse_key(text: str) -> tuple[Any, ...]:
    """The parts of a path typed or clicked in the panel; BadKey when malformed."""
    text = (text or "").strip()
    if not text:
        raise BadKey("The 'keypath' parameter is required.")
    if len(text) > MAX_PATH_LENGTH:
        raise BadKey(f"The 'keypath' parameter is longer than {MAX_PATH_LENGTH} characters.")
    try:
        parts, end = parse_path(text)
    except ValueError:
        parts, end = (), 0
    if end != len(text):
        raise BadKey(f"'{compact(text, 60)}' is not a key path like cart.items[id=3].qty.")
    return parts


def _shown(value: Any) -> tuple[str, bool]:
    """A value read from a masked copy, as the panel shows it."""
    if value is HIDDEN:
        return str(MASKED), True
    if value is ABSENT:
        return "absent", False
    return compact(value), False


def _measure(value: Any) -> tuple[float | None, str]:
    if isinstance(value, bool) or value is ABSENT or value is HIDDEN:
        return None, ""
    if isinstance(value, (int, float)):
        return float(value), "value"
    if isinstance(value, (list, dict, str)):
        return float(len(value)), "length"
    return None, ""


def key_history(path: str, events: list[tuple[int, Any]], masker: Masker) -> KeyHistory:
    """The history of ``path`` over ``(seq, snapshot)`` pairs, oldest first.

    Read from each event's masked copy (memoised), never from a part masked apart
    from its event: what is hidden is what the rest of the panel hides.
    """
    parts = parse_key(path)
    events = [(seq, masker.event(snapshot)) for seq, snapshot in events]
    reader = Reader(masker)
    afters = [
        (seq, snapshot, reader.value(snapshot.state_after or {}, parts)) for seq, snapshot in events
    ]
    # One chart reads one way: the values when the key holds numbers, else lengths.
    kinds = {_measure(value)[1] for _, _, value in afters}
    label = "value" if "value" in kinds else ("length" if "length" in kinds else "")
    points = []
    for seq, snapshot, after in afters:
        text, masked = _shown(after)
        before_text, _ = _shown(reader.value(snapshot.state_before or {}, parts))
        measure, kind = _measure(after)
        points.append(
            KeyPoint(
                seq=seq,
                event=str(snapshot.event_name),
                text=text,
                measure=measure if kind == label else None,
                # Masked values compare equal exactly when the real ones were.
                changed=not same(
                    lookup(snapshot.state_before or {}, parts),
                    lookup(snapshot.state_after or {}, parts),
                ),
                masked=masked,
                params=compact_params(snapshot.params or {}),
                before_text=before_text,
            )
        )
    return KeyHistory(path=path.strip(), points=tuple(points), measure_label=label)
