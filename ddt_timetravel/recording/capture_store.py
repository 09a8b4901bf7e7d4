"""What a captured turn leaves in the toolbar's store: each panel's stats, masked, once.

The toolbar's panels save their stats as they go (every ``record_stats`` call
writes the store again). A turn's toolbar holds those writes (:class:`HeldStore`)
until the turn is over; :func:`write` then saves each panel's stats once, through
the package's :class:`~.masking.Masker` with the event's own secrets known, as
the Time Travel panel shows that event: the SQL panel's params and SQL text,
template contexts, cache keys and values, the History data, and whatever any
other panel recorded. A query with a masked param keeps its SQL with
placeholders only, since quoting can change how the secret reads inside the SQL
text; the SQL panel's EXPLAIN and SELECT then run with the mark in its place.

Stack traces (without frame locals) and a query's template lines are code, not
the event's data: they are set aside from the masking walk, which on a turn
with queries would otherwise read mostly source lines. Panels that describe the
process rather than the turn (:data:`PER_SOCKET_PANELS`) are masked once, on a
view's first captured turn, and written as they were for its later turns.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

from ..core.masking import Masker, contains_masked

#: Panels whose stats are the same for every turn of a socket: the signals and their
#: receivers (not the signals sent).
PER_SOCKET_PANELS = frozenset({"SignalsPanel"})


class HeldStore:
    """The toolbar's store as one turn's toolbar sees it: panel saves wait for :func:`write`."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def save_panel(self, request_id: str, panel_id: str, data: Any = None) -> None:
        """Nothing yet: the toolbar's ``stats`` hold what the panel recorded."""


def _placeholders_only(queries: Any) -> None:
    """A query whose params were masked shows its SQL with placeholders, not values."""
    for query in queries if isinstance(queries, list) else ():
        if isinstance(query, dict) and contains_masked(query.get("params")):
            query["sql"] = query.get("raw_sql")


def _code_keys() -> tuple[str, ...]:
    from debug_toolbar.settings import get_config

    # With frame locals, a stack trace holds the turn's data: it is masked then.
    if get_config().get("ENABLE_STACKTRACES_LOCALS"):
        return ("template_info",)
    return ("stacktrace", "template_info")


Aside = list[tuple[int, str, int, str, Any]]


def _set_code_aside(stats: list[Any]) -> Aside:
    """Take the code out of each query's or call's record: (panel, key, item, code key, code)."""
    aside: Aside = []
    code_keys = _code_keys()
    for position, panel_stats in enumerate(stats):
        for key, records in panel_stats.items() if isinstance(panel_stats, dict) else ():
            for index, record in enumerate(records if isinstance(records, list) else ()):
                for code_key in code_keys if isinstance(record, dict) else ():
                    if code_key in record:
                        aside.append((position, key, index, code_key, record[code_key]))
    for position, key, index, code_key, _ in aside:
        stats[position] = dict(stats[position])
        records = stats[position][key] = list(stats[position][key])
        records[index] = {k: v for k, v in records[index].items() if k != code_key}
    return aside


def _put_back(stats: list[Any], aside: Aside) -> None:
    for position, key, index, code_key, code in aside:
        stats[position][key][index][code_key] = code


#: Captured turns' request ids in the store, oldest first (see :func:`make_room`).
_captured: deque[str] = deque()
_captured_lock = threading.Lock()


def events_share() -> int:
    """How many captured turns the store keeps: half its ``RESULTS_CACHE_SIZE``."""
    from debug_toolbar.settings import get_config

    return max(1, int(get_config()["RESULTS_CACHE_SIZE"]) // 2)


def make_room(store: Any, request_id: str) -> None:
    """Count ``request_id`` in, and drop the oldest captured turns beyond the share.

    The toolbar's store drops its oldest entry when full, whatever it is: a page
    that ticks would push its own request out within seconds, and with it this
    panel and every toolbar panel of the page. Events drop each other instead.
    """
    share = events_share()
    with _captured_lock:
        if request_id not in _captured:
            _captured.append(request_id)
        dropped = [_captured.popleft() for _ in range(len(_captured) - share)]
    for old in dropped:
        store.delete(old)


def write(toolbar: Any, store: Any, masker: Masker, event: Any, masked: Mapping[str, Any]) -> None:
    """Save every panel's stats of ``toolbar`` into ``store``, masked for ``event``.

    ``masked`` holds panels' stats already masked (:data:`PER_SOCKET_PANELS`).
    """
    make_room(store, toolbar.request_id)
    panel_ids = [panel_id for panel_id in toolbar.stats if panel_id not in masked]
    stats = [toolbar.stats[panel_id] for panel_id in panel_ids]
    aside = _set_code_aside(stats)
    # One walk for all panels: a secret seen in one panel is hidden in every other.
    stats = masker.beside_event(stats, event)
    _put_back(stats, aside)
    for panel_id, panel_stats in zip(panel_ids, stats, strict=True):
        if panel_id == "SQLPanel" and isinstance(panel_stats, dict):
            _placeholders_only(panel_stats.get("queries"))
        store.save_panel(toolbar.request_id, panel_id, panel_stats)
    for panel_id, panel_stats in masked.items():
        store.save_panel(toolbar.request_id, panel_id, panel_stats)


def mask_once(masker: Masker, stats: Any) -> Any:
    """A per-socket panel's stats, masked by name and shape (they hold no event's data)."""
    return masker.beside_event(stats, None)
