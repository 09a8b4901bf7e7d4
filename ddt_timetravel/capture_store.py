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
"""

from __future__ import annotations

from typing import Any

from .masking import Masker, contains_masked


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


def write(toolbar: Any, store: Any, masker: Masker, event: Any) -> None:
    """Save every panel's stats of ``toolbar`` into ``store``, masked for ``event``."""
    panel_ids = list(toolbar.stats)
    # One walk for all panels: a secret seen in one panel is hidden in every other.
    masked = masker.beside_event([toolbar.stats[panel_id] for panel_id in panel_ids], event)
    for panel_id, stats in zip(panel_ids, masked, strict=True):
        if panel_id == "SQLPanel" and isinstance(stats, dict):
            _placeholders_only(stats.get("queries"))
        store.save_panel(toolbar.request_id, panel_id, stats)
