"""What one event cost: handler and render time, SQL queries, patch and state size.

The numbers come from the event's own turn on this socket (measured by
:mod:`ddt_timetravel.recording.turns`, which passes them in with the thresholds):
the handler, the re-render with every query the template caused, and the
patch sent back. An event whose turn was not measured (recorded before the
panel was installed, or held by another process) shows no numbers at all,
only the state size read from the snapshot itself: never someone else's.

Queries are grouped the way the toolbar's SQL panel groups them: *similar*
queries share their SQL, *duplicates* also share their params. SQL run more
than once in one event is the N+1 flag.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.safestring import SafeString, mark_safe

from ..display.formatting import compact, human_bytes
from .masking import Masker

if TYPE_CHECKING:
    from ..recording.turns import TurnCost, TurnQuery


class MaskedParams:
    """The params of all of one event's queries, masked together with the event.

    A value known to be secret anywhere in the event (a typed password in its
    params or state) is hidden in the SQL params too. Masked once, on first
    read: the timeline rows never read params.
    """

    def __init__(self, snapshot: Any, params: list[tuple[Any, ...]], masker: Masker) -> None:
        self._inputs = (snapshot, params, masker)
        self._masked: list[Any] | None = None

    def of(self, position: int) -> tuple[Any, ...]:
        """The masked params of query number ``position`` (0-based) of the event."""
        if self._masked is None:
            snapshot, params, masker = self._inputs
            event = [snapshot.params, snapshot.state_before, snapshot.state_after]
            self._masked = masker.mask([*event, [list(p) for p in params]])[-1]
        return tuple(self._masked[position])


@dataclass(frozen=True)
class Query:
    """One query of the event with its source line; params are masked when read."""

    sql: str
    raw_params: tuple[Any, ...]
    position: int
    masked_params: MaskedParams
    duration_ms: float
    source: str
    template: str
    phase: str
    similar: int
    duplicates: int

    @property
    def params(self) -> tuple[Any, ...]:
        """The params as shown and exported, masked like the event's state."""
        return self.masked_params.of(self.position)

    @property
    def formatted(self) -> SafeString:
        """The SQL laid out and highlighted by the toolbar's own formatter (HTML-escaped)."""
        # Imported here: the toolbar's SQL panel loads its models, and the package
        # (its worker consumer in asgi.py) loads before Django's app registry.
        from debug_toolbar.panels.sql.utils import reformat_sql

        html: str = reformat_sql(self.sql, with_toggle=False)
        return mark_safe(html)  # the toolbar's formatter escapes the SQL

    @property
    def params_text(self) -> str:
        """The params, short, as shown beside the SQL."""
        return compact(list(self.params), 200) if self.raw_params else ""


@dataclass(frozen=True)
class Repeated:
    """SQL run more than once in one event: a likely N+1."""

    sql: str
    count: int
    duplicates: int


@dataclass(frozen=True)
class EventCost:
    """Per-event numbers for one row; None where the turn did not measure them."""

    measured: bool
    handler_ms: float | None
    render_ms: float | None
    patch_bytes: int | None
    queries: tuple[Query, ...]
    repeated: tuple[Repeated, ...]
    state_bytes: int
    state_growth: int
    slow: bool
    heavy: bool
    queries_cut: bool = False
    #: The toolbar's request id of this event's capture: "Open in toolbar" switches to it.
    toolbar_id: str | None = None

    @property
    def query_ms(self) -> float:
        """Total time of the event's queries."""
        return sum(query.duration_ms for query in self.queries)

    @property
    def duplicated(self) -> int:
        """How many queries ran more than once with the same SQL (all their runs)."""
        return sum(item.count for item in self.repeated)

    @property
    def render_queries(self) -> int:
        """How many of the queries the re-render ran (the template's)."""
        return sum(1 for query in self.queries if query.phase == "render")

    @property
    def patch_size(self) -> str:
        """Size of the patch sent to the browser, readable."""
        return human_bytes(self.patch_bytes or 0)

    @property
    def state_size(self) -> str:
        """Size of the state after the event, readable."""
        return human_bytes(self.state_bytes)

    @property
    def growth(self) -> str:
        """How much the state grew (or shrank) in this event, readable."""
        sign = "+" if self.state_growth >= 0 else "−"
        return f"{sign}{human_bytes(abs(self.state_growth))}"


def state_size(state: Any) -> int:
    """Bytes of a recorded state as JSON."""
    return len(json.dumps(state or {}, default=str).encode("utf-8"))


def _key(query: TurnQuery) -> tuple[str, str]:
    # repr() as the toolbar does: params may hold unhashable values.
    return query.sql, repr(query.params)


@dataclass(frozen=True)
class Thresholds:
    """From which handler time an event is slow, from how many queries it is heavy."""

    slow_ms: float
    many_queries: int


def build_cost(
    snapshot: Any,
    measured: TurnCost | None,
    masker: Masker,
    thresholds: Thresholds,
    before_bytes: int | None = None,
) -> EventCost:
    """The cost of one recorded event from its measured turn (if any) and its states.

    ``before_bytes``, when known, is the size of the state before (consecutive
    events often share it).
    """
    recorded = measured.queries if measured is not None else ()
    similar = Counter(query.sql for query in recorded)
    duplicates = Counter(_key(query) for query in recorded)
    masked = MaskedParams(snapshot, [query.params for query in recorded], masker)
    queries = tuple(
        Query(
            sql=query.sql,
            raw_params=query.params,
            position=position,
            masked_params=masked,
            duration_ms=query.ms,
            source=query.source,
            template=query.template,
            phase=query.phase,
            similar=similar[query.sql],
            duplicates=duplicates[_key(query)],
        )
        for position, query in enumerate(recorded)
    )
    duplicated_by_sql = Counter(q.sql for q in queries if q.duplicates > 1)
    repeated = tuple(
        Repeated(sql, count, duplicated_by_sql[sql])
        for sql, count in similar.most_common()
        if count > 1
    )
    handler_ms = measured.handler_ms if measured is not None else None
    after = state_size(snapshot.state_after)
    before = state_size(snapshot.state_before) if before_bytes is None else before_bytes
    return EventCost(
        measured=measured is not None,
        handler_ms=handler_ms,
        render_ms=measured.render_ms if measured is not None else None,
        patch_bytes=measured.patch_bytes if measured is not None else None,
        queries=queries,
        repeated=repeated,
        state_bytes=after,
        state_growth=after - before,
        slow=handler_ms is not None and handler_ms >= thresholds.slow_ms,
        heavy=len(queries) >= thresholds.many_queries or bool(repeated),
        queries_cut=measured.queries_cut if measured is not None else False,
        toolbar_id=measured.toolbar_id if measured is not None else None,
    )
