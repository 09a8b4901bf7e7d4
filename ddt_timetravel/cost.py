"""What one event cost: handler time, SQL queries, state size.

Nothing here measures anything itself: djust already times every handler
(``djust.observability.timings``) and, with DEBUG on, logs every query of an
event turn tagged with the socket's session id (``djust.observability.sql``).
This module picks out the samples that belong to one recorded event: the same
session, between this event's start and the next one's. Only this session's
queries are ever read. djust keeps the last 500 queries and 100 timings per
handler, so the cost of old events may no longer be known.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import sqlparse
from djust.observability import sql as djust_sql

from . import sql_source
from .conf import get_setting
from .formatting import human_bytes


@dataclass(frozen=True)
class Query:
    """One query an event ran, as djust logged it (params are never shown), with the
    line of user code that issued it."""

    sql: str
    duration_ms: float
    stack_top: str

    @property
    def formatted(self) -> str:
        """The SQL laid out on several lines, keywords in capitals."""
        return sqlparse.format(self.sql, reindent=True, keyword_case="upper")


@dataclass(frozen=True)
class Repeated:
    """The same SQL run more than once in one event: a likely N+1."""

    sql: str
    count: int


@dataclass(frozen=True)
class EventCost:
    """Per-event numbers for one row; None where djust no longer has the data."""

    handler_ms: float | None
    queries: tuple[Query, ...]
    repeated: tuple[Repeated, ...]
    state_bytes: int
    state_growth: int
    slow: bool
    heavy: bool

    @property
    def query_ms(self) -> float:
        """Total time of the event's queries."""
        return sum(query.duration_ms for query in self.queries)

    @property
    def duplicated(self) -> int:
        """How many queries ran more than once (all their runs)."""
        return sum(item.count for item in self.repeated)

    @property
    def state_size(self) -> str:
        """Size of the state after the event, readable."""
        return human_bytes(self.state_bytes)

    @property
    def growth(self) -> str:
        """How much the state grew (or shrank) in this event, readable."""
        sign = "+" if self.state_growth >= 0 else "−"
        return f"{sign}{human_bytes(abs(self.state_growth))}"


def _handler_samples(view_class: str, handler: str) -> list[tuple[int, float]]:
    """djust's rolling (timestamp_ms, duration_ms) samples for one handler.

    The per-sample window is private in djust 1.2.6 (its public API only gives
    percentiles); this is the one place that reads it.
    """
    from djust.observability import timings

    with timings._lock:
        return list(timings._samples.get((view_class, handler), ()))


def _size(state: Any) -> int:
    return len(json.dumps(state or {}, default=str).encode("utf-8"))


def _event_queries(session_id: str, start_ms: int, end_ms: int) -> list[dict[str, Any]]:
    """The queries of the one event turn that started in [start, end) for this session."""
    logged = djust_sql.get_queries_since(since_ms=start_ms - 1, session_id=session_id)
    window = [q for q in logged if start_ms <= q["timestamp_ms"] < end_ms]
    if not window:
        return []
    turn = window[0].get("event_id")
    return [q for q in window if q.get("event_id") == turn]


def _callers(logged: list[dict[str, Any]]) -> list[str]:
    """The user code line of each logged query, matched in order by SQL text."""
    if not logged:
        return []
    pending = list(sql_source.sources_for(logged[0].get("event_id")))
    callers = []
    for query in logged:
        position = next((i for i, (sql, _) in enumerate(pending) if sql == query["sql"]), None)
        callers.append(pending.pop(position)[1] if position is not None else "")
    return callers


def event_cost(snapshot: Any, next_ts: float | None, session_id: str, view_class: str) -> EventCost:
    """The cost of one recorded event, from what djust logged for this session."""
    start_ms = int(snapshot.ts * 1000)
    end_ms = int((next_ts if next_ts is not None else time.time() + 1) * 1000)
    samples = [
        duration
        for stamp, duration in _handler_samples(view_class, str(snapshot.event_name))
        if start_ms <= stamp < end_ms
    ]
    logged = _event_queries(session_id, start_ms, end_ms)
    callers = _callers(logged)
    queries = tuple(
        Query(str(q["sql"]), float(q["duration_ms"]), caller)
        for q, caller in zip(logged, callers, strict=True)
    )
    counts = Counter(query.sql for query in queries)
    repeated = tuple(Repeated(sql, n) for sql, n in counts.most_common() if n > 1)
    handler_ms = samples[0] if samples else None
    after, before = _size(snapshot.state_after), _size(snapshot.state_before)
    return EventCost(
        handler_ms=handler_ms,
        queries=queries,
        repeated=repeated,
        state_bytes=after,
        state_growth=after - before,
        slow=handler_ms is not None and handler_ms >= get_setting("SLOW_EVENT_MS"),
        heavy=len(queries) >= get_setting("MANY_QUERIES") or bool(repeated),
    )
