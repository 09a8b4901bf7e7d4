"""Walk a recorded state one level at a time, for the lazily expanded tree.

A path is a JSON list: strings are dict keys, integers list positions, and
``{"id": value}`` picks the item of a list of dicts by its ``id``, the way the
diff names it. Nothing under a secret key is ever walked into.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..core import limits
from ..core.diff import ID_KEY, MISSING, format_path
from ..core.masking import MASKED, Masker, is_masked
from .formatting import compact, describe_size, size_only

MAX_DEPTH = limits.MAX_DEPTH
#: Characters in a path: room for every part to be a long key.
MAX_PATH_LENGTH = 64 * 1024
PAGE_SIZE = 100


class BadPath(ValueError):
    """The path is malformed or leads nowhere; the message is safe to show."""


def parse_path(raw: str | None) -> list[Any]:
    """Validate a JSON path from a query string."""
    if not raw:
        return []
    if len(raw) > MAX_PATH_LENGTH or limits.json_too_deep(raw.encode("utf-8", "replace"), 2):
        raise BadPath(f"The 'path' parameter must be a JSON list of at most {MAX_DEPTH} parts.")
    try:
        path = json.loads(raw)
    except ValueError:
        raise BadPath("The 'path' parameter must be a JSON list.") from None
    if not isinstance(path, list) or len(path) > MAX_DEPTH:
        raise BadPath(f"The 'path' parameter must be a JSON list of at most {MAX_DEPTH} parts.")
    for part in path:
        is_id = isinstance(part, dict) and list(part) == [ID_KEY]
        if not (isinstance(part, (str, int)) and not isinstance(part, bool)) and not is_id:
            raise BadPath('Path parts must be keys, positions or {"id": value}.')
    return path


def _step(value: Any, part: Any) -> Any:
    if isinstance(part, dict) and isinstance(value, list):
        wanted = part[ID_KEY]
        for item in value:
            if isinstance(item, dict) and item.get(ID_KEY) == wanted:
                return item
        return MISSING
    if isinstance(part, int) and isinstance(value, list):
        return value[part] if 0 <= part < len(value) else MISSING
    if isinstance(part, str) and isinstance(value, dict):
        return value.get(part, MISSING)
    return MISSING


def resolve(state: Any, path: list[Any], masker: Masker) -> Any:
    """The value at ``path``; :data:`MASKED` once the path crosses a secret key."""
    value = state
    for part in path:
        if isinstance(part, str) and masker.is_secret_key(part) or is_masked(value):
            return MASKED
        value = _step(value, part)
        if value is MISSING:
            raise BadPath("Nothing is recorded at that path in this state.")
    return value


@dataclass(frozen=True)
class TreeItem:
    """One child in the tree: a leaf with its value, or a node that can be expanded."""

    label: str
    path: str  # JSON, for the next request
    text: str
    size: str
    expandable: bool
    masked: bool
    key_path: str = ""  # the panel's syntax (items[id=3].done), for "History of this key"


def key_parts(path: list[Any], state: Any) -> tuple[Any, ...]:
    """A tree path in the diff's terms: list items of dicts with an id named by that id."""
    parts: list[Any] = []
    value = state
    for part in path:
        parts.append(_keyed_part(value, part))
        value = _step(value, part) if value is not MISSING else MISSING
    return tuple(parts)


def _keyed_part(container: Any, part: Any) -> Any:
    if isinstance(part, dict):
        return (ID_KEY, part[ID_KEY])
    if isinstance(part, int) and isinstance(container, list) and 0 <= part < len(container):
        item = container[part]
        if isinstance(item, dict) and _scalar(item.get(ID_KEY, [])):
            return (ID_KEY, item[ID_KEY])
    return part


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _item(
    label: str, path: list[Any], value: Any, masked: bool, masker: Masker, key: str = ""
) -> TreeItem:
    if masked or is_masked(value):
        return TreeItem(label, "", str(MASKED), "", False, True, key)
    expandable = bool(value) and isinstance(value, (dict, list)) or bool(describe_size(value))
    return TreeItem(
        label,
        json.dumps(path, ensure_ascii=False),
        size_only(value) or compact(masker.mask(value)),
        describe_size(value),
        expandable,
        False,
        key,
    )


def children(
    value: Any, path: list[Any], masker: Masker, offset: int = 0, base: tuple[Any, ...] = ()
) -> tuple[list[TreeItem], int]:
    """One page of the children of ``value`` and how many come after the page.

    ``base`` is the path of ``value`` in the diff's terms (:func:`key_parts`): each
    child also gets its path in the panel's syntax, for "History of this key".
    """
    if isinstance(value, dict):
        keys = list(value)
        page = keys[offset : offset + PAGE_SIZE]
        items = [
            _item(
                str(k),
                [*path, k],
                value[k],
                masker.is_secret_key(k),
                masker,
                format_path((*base, k)),
            )
            for k in page
        ]
        return items, max(0, len(keys) - offset - PAGE_SIZE)
    if isinstance(value, list):
        page = value[offset : offset + PAGE_SIZE]
        items = [
            _item(
                f"[{offset + i}]",
                [*path, offset + i],
                item,
                False,
                masker,
                format_path((*base, _keyed_part(value, offset + i))),
            )
            for i, item in enumerate(page)
        ]
        return items, max(0, len(value) - offset - PAGE_SIZE)
    return [], 0


def full_text(value: Any, masker: Masker) -> str:
    """The whole of a leaf (a long string), masked if it looks like a card number."""
    shown = masker.mask(value)
    return str(shown) if isinstance(shown, str) or is_masked(shown) else compact(shown, 10**6)
