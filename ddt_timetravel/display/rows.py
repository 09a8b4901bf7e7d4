"""Turn buffered snapshots into display rows: pure functions, no request, no toolbar."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .._djust import COMPONENTS_KEY
from ..core.cost import EventCost
from ..core.diff import list_steps, path_step, same_items
from ..core.masking import MASKED, Masker, contains_masked, is_masked
from ..core.numbering import Entry
from .diff_view import DiffView, build_view, event_diff
from .formatting import clock_time, compact, compact_params, elapsed, pretty


@dataclass(frozen=True)
class Change:
    """One top-level key (or component) whose value differs between before and after."""

    key: str
    before: str
    after: str
    masked: bool
    reordered: bool = False


@dataclass(frozen=True)
class EventRow:
    """Everything one timeline row shows, already masked and formatted."""

    seq: int
    index: int
    event_name: str
    params_compact: str
    params_full: str
    ref: int | None
    clock: str
    since_previous: str | None
    changes: tuple[Change, ...]
    error: str | None
    found_in: tuple[str, ...] = ()
    replay_of: int | None = None
    params_masked: bool = False
    cost: EventCost | None = None
    ts: float = 0.0

    @property
    def ts_exact(self) -> str:
        """The event's time as the shortest text that reads back as the same float."""
        return repr(self.ts)

    #: Some recorded value was altered to be shown (see :mod:`.limits`).
    altered: bool = False

    @property
    def change_summary(self) -> str:
        """``count: 2 → 3`` for one change, ``3 keys changed`` for several."""
        if not self.changes:
            return "no change"
        if len(self.changes) == 1:
            change = self.changes[0]
            if change.masked:
                return f"{change.key}: {MASKED} (changed)"
            if change.reordered:
                return f"{change.key}: same items, new order"
            return f"{change.key}: {change.before} → {change.after}"
        return f"{len(self.changes)} keys changed"


def _flatten_components(state: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys, with each component's state as its own ``component:<id>`` key."""
    flat = {key: value for key, value in state.items() if key != COMPONENTS_KEY}
    components = state.get(COMPONENTS_KEY) or {}
    if isinstance(components, dict):
        for component_id, component_state in components.items():
            flat[f"component:{component_id}"] = component_state
    return flat


_MISSING = object()


def top_level_changes(
    before: dict[str, Any], after: dict[str, Any], masker: Masker
) -> tuple[Change, ...]:
    """Keys added, removed or changed at the top level, masked for display.

    Where a dict changed in one key only, the path follows it down
    (``component:lamp.on``) so the summary names the value that moved.
    """
    flat_before, flat_after = _flatten_components(before), _flatten_components(after)
    changes = []
    for key in sorted(set(flat_before) | set(flat_after), key=str):
        old, new = flat_before.get(key, _MISSING), flat_after.get(key, _MISSING)
        if old == new:
            continue
        masked = masker.is_secret_key(key) or is_masked(old) or is_masked(new)
        path = str(key)
        while not masked:
            step = _single_difference(old, new)
            if step is None:
                break
            part, old, new = step
            path += path_step(part)
            masked = isinstance(part, str) and masker.is_secret_key(part)
            masked = masked or is_masked(old) or is_masked(new)
        changes.append(
            Change(
                key=path,
                before=_shown(old, masker, masked),
                after=_shown(new, masker, masked),
                masked=masked,
                reordered=_reordered(old, new),
            )
        )
    return tuple(changes)


def _single_difference(old: Any, new: Any) -> tuple[Any, Any, Any] | None:
    """The one key or position where two dicts (or equal-length lists) differ.

    Stops at the second difference: a shuffled list differs almost everywhere.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        differing = (k for k in set(old) | set(new) if old.get(k, _MISSING) != new.get(k, _MISSING))
        keys = list(itertools.islice(differing, 2))
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        positions = (i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
        keys = list(itertools.islice(positions, 2))
    else:
        return None
    if len(keys) != 1:
        return None
    key = keys[0]
    if isinstance(old, dict):
        return key, old.get(key, _MISSING), new.get(key, _MISSING)
    # Named as the diff and the key filter name it: by id where the items have ids.
    step = list_steps(old)[key]
    return (step if step == list_steps(new)[key] else key), old[key], new[key]


def _reordered(old: Any, new: Any) -> bool:
    """The same items in another order (a sort, a shuffle), not a change of items."""
    if not (isinstance(old, list) and isinstance(new, list)) or len(old) != len(new):
        return False
    return old != new and same_items(old, new)


def _shown(value: Any, masker: Masker, masked: bool) -> str:
    if value is _MISSING:
        return "(absent)"
    if masked:
        return str(MASKED)
    if isinstance(value, (list, dict)) and len(value) > 3:
        return compact(value, 40)  # only a count is shown: nothing to mask
    return compact(masker.mask(value), 40)


def build_row(entry: Entry, previous_ts: float | None, masker: Masker) -> EventRow:
    """The display row for one buffered event, from its masked copy only."""
    snapshot = masker.event(entry.snapshot)
    params = snapshot.params or {}
    return EventRow(
        seq=entry.seq,
        index=entry.index,
        event_name=str(snapshot.event_name),
        params_compact=compact_params(params),
        params_full=pretty(params) if params else "",
        ref=snapshot.ref,
        clock=clock_time(snapshot.ts),
        since_previous=elapsed(max(0.0, snapshot.ts - previous_ts)) if previous_ts else None,
        changes=top_level_changes(snapshot.state_before or {}, snapshot.state_after or {}, masker),
        error=str(snapshot.error) if snapshot.error else None,
        params_masked=contains_masked(params),
        ts=snapshot.ts,
        altered=entry.altered,
    )


@dataclass(frozen=True)
class ReplayDraft:
    """What the replay editor of one event starts from: its params, masked and indented."""

    seq: int
    event_name: str
    params: str
    params_masked: bool


def replay_draft(entry: Entry, masker: Masker) -> ReplayDraft:
    """The replay editor's content for ``entry``, built only when its Replay is pressed."""
    params = masker.event(entry.snapshot).params or {}
    return ReplayDraft(
        seq=entry.seq,
        event_name=str(entry.snapshot.event_name),
        params=pretty(params) if params else "",
        params_masked=contains_masked(params),
    )


def build_rows(
    entries: Sequence[Entry], previous_ts: float | None, masker: Masker
) -> list[EventRow]:
    """Rows for consecutive entries, newest first; ``previous_ts`` precedes the first."""
    rows = []
    for entry in entries:
        rows.append(build_row(entry, previous_ts, masker))
        previous_ts = entry.snapshot.ts
    rows.reverse()
    return rows


def timeline_rows(
    entries: Sequence[Entry],
    previous_ts: Mapping[int, float | None],
    masker: Masker,
    costs: Sequence[EventCost],
    found: Mapping[int, Any],
    replay_of: Callable[[int], int | None],
) -> list[EventRow]:
    """A timeline page's rows, newest first: each with its cost, where the filters found
    it, and the event it replays (``replay_of(seq)``)."""
    return [
        dataclasses.replace(
            build_row(entry, previous_ts.get(entry.seq), masker),
            replay_of=replay_of(entry.seq),
            cost=cost,
            found_in=found.get(entry.seq, ()),
        )
        for entry, cost in reversed(list(zip(entries, costs, strict=True)))
    ]


def imported_rows(
    entries: Sequence[Entry],
    masker: Masker,
    found: Callable[[Any], Any] | None,
    cost: Callable[[Any], EventCost],
) -> list[tuple[EventRow, DiffView]]:
    """An opened file's rows, newest first, each with its diff, its cost and where the
    filters found it; ``found(masked snapshot)`` is None for an event the filters drop."""
    by_seq = {entry.seq: entry for entry in entries}
    items = []
    for row in build_rows(entries, None, masker):
        recorded = by_seq[row.seq].snapshot
        snapshot = masker.event(recorded)
        where = found(snapshot) if found is not None else ()
        if where is None:
            continue
        raw = event_diff(snapshot)  # the key filter's diff, not a second one
        view = build_view(raw, snapshot.state_before, snapshot.state_after, masker)
        items.append((dataclasses.replace(row, found_in=where, cost=cost(recorded)), view))
    return items
