"""Structural diff of JSON-like state: what was added, removed or changed, and where.

The diff is a small tree that mirrors the data: dicts diff by key, lists of dicts
that carry a unique ``id`` diff by that id (so an item inserted in the middle is
one addition, not every later index changing), other lists diff by alignment.
Alignment costs linear time on long lists: short lists (and short unmatched
stretches) are aligned exactly by difflib; long ones are first trimmed of their
common ends, then anchored on items that occur once on each side; a long stretch
left between anchors is compared position by position, or, when that would say
little, the list is reported as replaced with its count of changed positions.
:func:`apply` replays a diff onto the old value, which is how the tests prove a
diff says exactly what changed. :func:`flatten` turns it into display lines.
Masking is applied later, on display: the diff itself works on real values so a
masked value can still say that it changed.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

ID_KEY = "id"
#: Lists up to this long are aligned exactly by difflib, whatever they hold.
SHORT_LIST = 200
#: A stretch is aligned by difflib when the product of its two lengths is at most this.
ALIGN_BUDGET = SHORT_LIST * SHORT_LIST
#: An unaligned stretch compared position by position shows at most this many changes;
#: beyond, the whole list is one "replaced" line.
EDIT_LIMIT = 300


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def same(a: Any, b: Any) -> bool:
    """Equality that tells ``1`` from ``True`` and ``1.0``, as JSON does."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


# -- the tree -------------------------------------------------------------------


@dataclass(frozen=True)
class Replaced:
    """A value that changed as a whole (scalars, or containers of another kind)."""

    before: Any
    after: Any


@dataclass(frozen=True)
class ListReplaced(Replaced):
    """A long list that could not be aligned cheaply: one line, with how much moved."""

    changed_positions: int = 0

    @property
    def note(self) -> str:
        """``list replaced: 5000 → 5000 items, 812 changed positions``."""
        count = self.changed_positions
        return (
            f"list replaced: {len(self.before)} → {len(self.after)} items, "
            f"{count} changed position{'' if count == 1 else 's'}"
        )


@dataclass(frozen=True)
class DictDiff:
    """Keys added, removed and changed (with their own diffs) between two dicts."""

    added: dict[Any, Any] = field(default_factory=dict)
    removed: dict[Any, Any] = field(default_factory=dict)
    changed: dict[Any, Node] = field(default_factory=dict)
    unchanged: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Segment:
    """One stretch of an aligned list: kept, edited item by item, removed or inserted."""

    kind: Literal["same", "edit", "remove", "insert"]
    before_start: int
    before_stop: int
    after_start: int
    items: tuple[Any, ...] = ()  # items inserted or removed, or per-index nodes for "edit"


@dataclass(frozen=True)
class ListDiff:
    """A list diffed by alignment: kept, edited, removed and inserted stretches."""

    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class KeyedListDiff:
    """A list of dicts matched by their ``id``."""

    order: tuple[Any, ...]  # ids of the new list, in order
    added: dict[Any, Any]
    removed: dict[Any, Any]
    changed: dict[Any, Node]
    reordered: bool


Node = Replaced | DictDiff | ListDiff | KeyedListDiff


# -- computing -------------------------------------------------------------------


def diff(before: Any, after: Any) -> Node | None:
    """The diff from ``before`` to ``after``, or None when they are the same."""
    if isinstance(before, dict) and isinstance(after, dict):
        # Walked once: comparing first would walk every changed level again.
        node = _diff_dicts(before, after)
        return node if node.added or node.removed or node.changed else None
    if same(before, after):
        return None
    if isinstance(before, list) and isinstance(after, list):
        if _keyed(before) and _keyed(after):
            return _diff_keyed(before, after)
        return _diff_lists(before, after)
    return Replaced(before, after)


def _diff_dicts(before: dict[Any, Any], after: dict[Any, Any]) -> DictDiff:
    changed: dict[Any, Node] = {}
    unchanged = []
    for key in before:
        if key not in after:
            continue
        node = diff(before[key], after[key])
        if node is None:
            unchanged.append(key)
        else:
            changed[key] = node
    return DictDiff(
        added={k: v for k, v in after.items() if k not in before},
        removed={k: v for k, v in before.items() if k not in after},
        changed=changed,
        unchanged=tuple(unchanged),
    )


def _id_of(item: Any) -> Any:
    value = item.get(ID_KEY) if isinstance(item, dict) else None
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _keyed(items: list[Any]) -> bool:
    if not all(isinstance(item, dict) for item in items):  # stops at the first non-dict
        return False
    ids = [_id_of(item) for item in items]
    return bool(items) and None not in ids and len(set(ids)) == len(ids)


def _diff_keyed(before: list[Any], after: list[Any]) -> KeyedListDiff:
    old = {_id_of(item): item for item in before}
    new = {_id_of(item): item for item in after}
    changed = {}
    for item_id, item in new.items():
        if item_id in old:
            node = diff(old[item_id], item)
            if node is not None:
                changed[item_id] = node
    common_old = [i for i in old if i in new]
    common_new = [i for i in new if i in old]
    return KeyedListDiff(
        order=tuple(new),
        added={i: v for i, v in new.items() if i not in old},
        removed={i: v for i, v in old.items() if i not in new},
        changed=changed,
        reordered=common_old != common_new,
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})


#: One encoder for every fingerprint: ``json.dumps`` with options builds a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, default=repr, allow_nan=True).encode


def _fingerprint(item: Any) -> Any:
    """Equal for items :func:`same` calls equal (1, True and 1.0 differ), and hashable."""
    if item.__class__ in _SCALARS:
        return (item.__class__, item)
    try:
        return _CANONICAL(item)
    except TypeError:  # keys of mixed types cannot be sorted (never after djust's round trip)
        return repr(item)


Opcode = tuple[str, int, int, int, int]


class _Unaligned(Exception):
    """A long stretch with no cheap alignment: compare by position or call it replaced."""


def _difflib(a: list[Any], b: list[Any], i: int, j: int) -> list[Opcode]:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return [(tag, i + i1, i + i2, j + j1, j + j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes()]


def _anchors(a: list[Any], b: list[Any]) -> list[tuple[int, int]]:
    """Positions of items found exactly once on each side, in an order both sides keep.

    The longest increasing run of such pairs (patience sorting, n log n) keeps
    the anchors that agree with each other.
    """
    count_a, count_b = Counter(a), Counter(b)
    where = {item: i for i, item in enumerate(a) if count_a[item] == 1}
    pairs = [(where[item], j) for j, item in enumerate(b) if count_b[item] == 1 and item in where]
    tails: list[int] = []  # tails[k]: index into pairs of the smallest end of a run of k + 1
    previous: list[int] = []
    for position, (i, _j) in enumerate(pairs):
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if pairs[tails[middle]][0] < i:
                low = middle + 1
            else:
                high = middle
        previous.append(tails[low - 1] if low else -1)
        if low == len(tails):
            tails.append(position)
        else:
            tails[low] = position
    run = []
    position = tails[-1] if tails else -1
    while position != -1:
        run.append(pairs[position])
        position = previous[position]
    return run[::-1]


def _align(
    a: list[Any], b: list[Any], i1: int, i2: int, j1: int, j2: int, anchor: bool
) -> list[Opcode]:
    """Opcodes for ``a[i1:i2]`` against ``b[j1:j2]``, in time linear in their length."""
    codes: list[Opcode] = []
    start_i, start_j = i1, j1
    while i1 < i2 and j1 < j2 and a[i1] == b[j1]:
        i1, j1 = i1 + 1, j1 + 1
    if i1 > start_i:
        codes.append(("equal", start_i, i1, start_j, j1))
    end_i, end_j = i2, j2
    while i2 > i1 and j2 > j1 and a[i2 - 1] == b[j2 - 1]:
        i2, j2 = i2 - 1, j2 - 1
    if i1 == i2 or j1 == j2:
        if i1 < i2 or j1 < j2:
            codes.append(("delete" if j1 == j2 else "insert", i1, i2, j1, j2))
    elif (i2 - i1) * (j2 - j1) <= ALIGN_BUDGET:
        codes += _difflib(a[i1:i2], b[j1:j2], i1, j1)
    elif anchor and (pairs := _anchors(a[i1:i2], b[j1:j2])):
        i, j = i1, j1
        for di, dj in pairs:
            codes += _align(a, b, i, i1 + di, j, j1 + dj, anchor=False)
            codes.append(("equal", i1 + di, i1 + di + 1, j1 + dj, j1 + dj + 1))
            i, j = i1 + di + 1, j1 + dj + 1
        codes += _align(a, b, i, i2, j, j2, anchor=False)
    elif i2 - i1 == j2 - j1:
        codes.append(("replace", i1, i2, j1, j2))  # compared position by position
    else:
        raise _Unaligned
    if i2 < end_i:
        codes.append(("equal", i2, end_i, j2, end_j))
    return codes


def _opcodes(before: list[Any], after: list[Any]) -> list[Opcode]:
    a = list(map(_fingerprint, before))
    b = list(map(_fingerprint, after))
    if max(len(a), len(b)) <= SHORT_LIST:
        return _difflib(a, b, 0, 0)
    return _align(a, b, 0, len(a), 0, len(b), anchor=True)


def _changed_positions(before: list[Any], after: list[Any]) -> int:
    return sum(not same(x, y) for x, y in zip(before, after, strict=False)) + abs(
        len(before) - len(after)
    )


def _diff_lists(before: list[Any], after: list[Any]) -> ListDiff | ListReplaced:
    try:
        codes = _opcodes(before, after)
    except _Unaligned:
        return ListReplaced(before, after, _changed_positions(before, after))
    segments = []
    edits = 0
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            segments.append(Segment("same", i1, i2, j1))
        elif tag == "replace" and i2 - i1 == j2 - j1:
            nodes = tuple(diff(before[i1 + k], after[j1 + k]) for k in range(i2 - i1))
            edits += sum(node is not None for node in nodes)
            if edits > EDIT_LIMIT and len(before) > SHORT_LIST:
                return ListReplaced(before, after, _changed_positions(before, after))
            segments.append(Segment("edit", i1, i2, j1, nodes))
        else:
            if i2 > i1:
                segments.append(Segment("remove", i1, i2, j1, tuple(before[i1:i2])))
            if j2 > j1:
                segments.append(Segment("insert", i2, i2, j1, tuple(after[j1:j2])))
    return ListDiff(tuple(segments))


# -- replaying ---------------------------------------------------------------------


def apply(before: Any, node: Node | None) -> Any:
    """Replay ``node`` onto ``before``; ``apply(a, diff(a, b))`` equals ``b``."""
    if node is None:
        return before
    if isinstance(node, Replaced):
        return node.after
    if isinstance(node, DictDiff):
        merged = {}
        for key, value in before.items():
            if key in node.removed:
                continue
            merged[key] = apply(value, node.changed.get(key))
        merged.update(node.added)
        return merged
    if isinstance(node, KeyedListDiff):
        old = {_id_of(item): item for item in before}
        return [
            node.added[i] if i in node.added else apply(old[i], node.changed.get(i))
            for i in node.order
        ]
    result = []
    for segment in node.segments:
        if segment.kind == "same":
            result.extend(before[segment.before_start : segment.before_stop])
        elif segment.kind == "edit":
            old_items = before[segment.before_start : segment.before_stop]
            result.extend(apply(v, n) for v, n in zip(old_items, segment.items, strict=True))
        elif segment.kind == "insert":
            result.extend(segment.items)
    return result


# -- display lines ----------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One display line of a diff: where, what kind, and the values on both sides."""

    path: tuple[Any, ...]  # keys (str), positions (int) and ("id", value) pairs
    kind: Literal["added", "removed", "changed", "reordered"]
    before: Any = MISSING
    after: Any = MISSING
    #: Said next to the line, e.g. how many positions of a replaced list changed.
    note: str = ""

    @property
    def text_path(self) -> str:
        """The path as the panel shows it and the key filter matches it."""
        return format_path(self.path)


def format_path(path: tuple[Any, ...]) -> str:
    """``items[id=3].done``, ``rows[2]``, ``["odd key"]`` for display and filtering."""
    text = ""
    for part in path:
        text += path_step(part, first=not text)
    return text


def path_step(part: Any, first: bool = False) -> str:
    """One step of :func:`format_path`: ``[id=3]``, ``[2]``, ``.done`` (``done`` first)."""
    if isinstance(part, tuple):
        return f"[{part[0]}={json.dumps(part[1])}]"
    if isinstance(part, int):
        return f"[{part}]"
    if isinstance(part, str) and part.isidentifier():
        return part if first else f".{part}"
    return f"[{json.dumps(str(part))}]"


def same_items(before: list[Any], after: list[Any]) -> bool:
    """The same items, counted with repeats, whatever their order (a reorder).

    Items with distinct ids are compared by id, as Python compares values (in C,
    without encoding anything): a reorder of a long list of records costs what
    its row's one-line summary is worth. Other items are counted by their JSON,
    which tells 1, True and 1.0 apart.
    """
    if len(before) != len(after):
        return False
    old_ids, new_ids = _distinct_ids(before), _distinct_ids(after)
    if old_ids is not None and new_ids is not None:
        by_id = dict(zip(new_ids, after, strict=True))
        return by_id.keys() == set(old_ids) and [by_id[i] for i in old_ids] == before
    return Counter(map(_fingerprint, before)) == Counter(map(_fingerprint, after))


def _distinct_ids(items: list[Any]) -> list[Any] | None:
    """The ids of ``items`` when each is a dict with its own id (as :func:`_keyed`), else None.

    Read with comprehensions and sets, not a Python loop per item: it runs on every
    long list a timeline row summarises.
    """
    if not all(item.__class__ is dict for item in items):
        return None
    ids = [item.get(ID_KEY) for item in items]
    if not set(map(type, ids)) <= {int, str} or len(set(ids)) != len(ids):
        return None
    return ids


def list_steps(items: list[Any]) -> list[Any]:
    """How paths name each of ``items``: by id when every item has a distinct one
    (``("id", 3)``, shown ``[id=3]``, as the diff names it), else by position."""
    if _keyed(items):
        return [(ID_KEY, _id_of(item)) for item in items]
    return list(range(len(items)))


def flatten(node: Node | None, path: tuple[Any, ...] = ()) -> Iterator[Line]:
    """Display lines of a diff, depth first, in the order of the data."""
    if node is None:
        return
    if isinstance(node, ListReplaced):
        yield Line(path, "changed", node.before, node.after, node.note)
    elif isinstance(node, Replaced):
        yield Line(path, "changed", node.before, node.after)
    elif isinstance(node, DictDiff):
        for key, value in node.removed.items():
            yield Line((*path, key), "removed", before=value)
        for key, child in node.changed.items():
            yield from flatten(child, (*path, key))
        for key, value in node.added.items():
            yield Line((*path, key), "added", after=value)
    elif isinstance(node, KeyedListDiff):
        for item_id, value in node.removed.items():
            yield Line((*path, (ID_KEY, item_id)), "removed", before=value)
        for item_id, child in node.changed.items():
            yield from flatten(child, (*path, (ID_KEY, item_id)))
        for item_id, value in node.added.items():
            yield Line((*path, (ID_KEY, item_id)), "added", after=value)
        if node.reordered:
            yield Line(path, "reordered", after=len(node.order))
    else:
        for segment in node.segments:
            if segment.kind == "edit":
                for offset, child in enumerate(segment.items):
                    yield from flatten(child, (*path, segment.after_start + offset))
            elif segment.kind == "remove":
                for offset, value in enumerate(segment.items):
                    yield Line((*path, segment.before_start + offset), "removed", before=value)
            elif segment.kind == "insert":
                for offset, value in enumerate(segment.items):
                    yield Line((*path, segment.after_start + offset), "added", after=value)
