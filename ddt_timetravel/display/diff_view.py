"""What an expanded row shows: the masked, grouped diff of one event, or of two.

Pure presentation over :mod:`diff`: paths through secret keys show the mask
marker and whether they changed, component state is grouped per component,
unchanged top-level keys are folded into a count.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .._djust import COMPONENTS_KEY
from ..core import memo
from ..core.diff import MISSING, DictDiff, Line, Node, diff, flatten, format_path
from ..core.masking import MASKED, Masker, is_masked
from .formatting import COMPACT_LIMIT, compact, describe_size

#: Diff lines shown per group before the rest is summarised.
LINE_LIMIT = 300


@dataclass(frozen=True)
class ShownValue:
    """A value as displayed: one compact line and, for big values, its size."""

    text: str
    size: str = ""
    absent: bool = False


@dataclass(frozen=True)
class DiffLine:
    """One changed path with both values as shown (masked where secret)."""

    path: str
    kind: str
    before: ShownValue
    after: ShownValue
    masked: bool
    #: JSON path for the state tree, set when a side is too big to show whole.
    state_path: str = ""
    #: Said beside the kind, e.g. how many positions of a replaced list changed.
    note: str = ""
    #: The path from the state's root (components under ``__components__``), for
    #: "History of this key".
    key_path: str = ""


@dataclass
class DiffGroup:
    """Lines of the view itself (``component_id`` empty) or of one component."""

    component_id: str = ""
    lines: list[DiffLine] = field(default_factory=list)
    hidden: int = 0


@dataclass(frozen=True)
class Unchanged:
    """A top-level key the event left as it was, folded under "N unchanged"."""

    key: str
    value: ShownValue


@dataclass
class DiffView:
    """Everything an expanded row's diff shows."""

    groups: list[DiffGroup]
    unchanged: list[Unchanged]

    @property
    def changed_count(self) -> int:
        """How many paths changed, shown or not."""
        return sum(len(g.lines) + g.hidden for g in self.groups)


def show(value: Any, masker: Masker, masked: bool = False) -> ShownValue:
    """Display form of one value, masked when it or its key is secret."""
    if value is MISSING:
        return ShownValue("(absent)", absent=True)
    if masked:
        return ShownValue(str(MASKED))
    if isinstance(value, (list, dict)) and len(value) > 3:
        return ShownValue(compact(value))  # only a count is shown: nothing to mask
    shown = masker.mask(value)
    return ShownValue(compact(shown), describe_size(shown))


def _path_is_secret(path: tuple[Any, ...], masker: Masker) -> bool:
    return any(isinstance(part, str) and masker.is_secret_key(part) for part in path)


def _secret_prefix(path: tuple[Any, ...], masker: Masker) -> tuple[Any, ...]:
    for position, part in enumerate(path):
        if isinstance(part, str) and masker.is_secret_key(part):
            return path[: position + 1]
    return path


def _is_big(value: Any) -> bool:
    """Too big to show whole on one line, so worth a lazily expanded tree."""
    if isinstance(value, (list, dict)):
        return len(value) > 3 or len(json.dumps(value, default=str)) > COMPACT_LIMIT
    return bool(describe_size(value))


def _json_parts(path: tuple[Any, ...]) -> list[Any]:
    return [{part[0]: part[1]} if isinstance(part, tuple) else part for part in path]


def _masked_ids(path: tuple[Any, ...], masker: Masker) -> tuple[tuple[Any, ...], bool]:
    """The path with any ``id`` value that must not be shown replaced by the marker."""
    hidden = False
    parts = []
    for part in path:
        if isinstance(part, tuple) and is_masked(masker.mask(part[1])):
            parts.append((part[0], str(MASKED)))
            hidden = True
        else:
            parts.append(part)
    return tuple(parts), hidden


def _display_lines(
    lines: Iterator[Line], masker: Masker, prefix_path: tuple[Any, ...] = ()
) -> tuple[list[DiffLine], int]:
    """Up to :data:`LINE_LIMIT` display lines, and how many lines come after them.

    The lines after are only counted, never masked or formatted: a long diff costs
    what its shown lines cost.
    """
    shown: list[DiffLine] = []
    masked_paths: set[tuple[Any, ...]] = set()
    for line in lines:
        if len(shown) == LINE_LIMIT:
            return shown, 1 + sum(1 for _ in lines)
        shown_path, hidden_id = _masked_ids(line.path, masker)
        if hidden_id:
            line = Line(shown_path, line.kind, line.before, line.after)
        if _path_is_secret(line.path, masker):
            prefix = _secret_prefix(line.path, masker)
            if prefix in masked_paths:
                continue  # one line per secret, however much changed below it
            masked_paths.add(prefix)
            kind = line.kind if prefix == line.path else "changed"
            marker = ShownValue(str(MASKED))
            shown.append(
                DiffLine(
                    format_path(prefix),
                    kind,
                    ShownValue("(absent)", absent=True) if kind == "added" else marker,
                    ShownValue("(absent)", absent=True) if kind == "removed" else marker,
                    True,
                    key_path=format_path((*prefix_path, *prefix)),
                )
            )
            continue
        after = (
            ShownValue(f"order changed ({line.after} items)")
            if line.kind == "reordered"
            else show(line.after, masker)
        )
        before = show(line.before, masker)
        masked = is_masked(line.before) or is_masked(line.after)  # by context or as known
        big = not (hidden_id or masked) and (_is_big(line.before) or _is_big(line.after))
        path = json.dumps([*prefix_path, *_json_parts(line.path)]) if big else ""
        key_path = "" if hidden_id else format_path((*prefix_path, *line.path))
        shown.append(
            DiffLine(line.text_path, line.kind, before, after, masked, path, line.note, key_path)
        )
    return shown, 0


def _group(component_id: str, node: Node | None, masker: Masker) -> DiffGroup:
    if component_id and masker.is_secret_key(component_id) and node is not None:
        # A component named like a secret (``password = TextInput()``) is one secret.
        marker = ShownValue(str(MASKED))
        return DiffGroup(component_id, [DiffLine("(state)", "changed", marker, marker, True)])
    prefix = (COMPONENTS_KEY, component_id) if component_id else ()
    shown, hidden = _display_lines(flatten(node), masker, prefix)
    return DiffGroup(component_id, shown, hidden)


def _split(state: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    components = state.get(COMPONENTS_KEY) or {}
    own = {k: v for k, v in state.items() if k != COMPONENTS_KEY}
    return own, components if isinstance(components, dict) else {}


def raw_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Node | None]:
    """The diff of the view's own state (key ``""``) and of each component."""
    own_before, components_before = _split(before or {})
    own_after, components_after = _split(after or {})
    result: dict[str, Node | None] = {"": diff(own_before, own_after)}
    for component_id in sorted(set(components_before) | set(components_after), key=str):
        result[str(component_id)] = diff(
            components_before.get(component_id, {}), components_after.get(component_id, {})
        )
    return result


def event_diff(snapshot: Any) -> dict[str, Node | None]:
    """The raw diff of one recorded event, computed once per snapshot (unless tiny)."""
    before, after = snapshot.state_before, snapshot.state_after
    return memo.memo(snapshot, "diff", lambda: raw_diff(before, after), inputs=(before, after))


def build_view(
    raw: dict[str, Node | None], before: dict[str, Any], after: dict[str, Any], masker: Masker
) -> DiffView:
    """Masked display groups for a raw diff, plus the unchanged top-level keys."""
    groups = [_group(component_id, node, masker) for component_id, node in raw.items()]
    groups = [g for g in groups if g.lines or g.hidden or not g.component_id]
    own_before, _ = _split(before or {})
    own_after, _ = _split(after or {})
    own = raw.get("")
    if own is None:
        kept = set(own_before)
    else:  # the diff already knows which keys stayed: never diff them a second time
        kept = set(own.unchanged) if isinstance(own, DictDiff) else set()
    unchanged = [
        Unchanged(str(key), show(own_after[key], masker, masker.is_secret_key(key)))
        for key in own_after
        if key in kept
    ]
    return DiffView(groups, unchanged)


def changed_paths(raw: dict[str, Node | None]) -> list[str]:
    """Every changed path as text (``items[id=3].done``, ``component:lamp.on``)."""
    paths = []
    for component_id, node in raw.items():
        for line in flatten(node):
            text = line.text_path
            paths.append(f"component:{component_id}.{text}" if component_id else text)
    return paths
