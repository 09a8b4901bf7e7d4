"""Pictures of the timeline as plain geometry for server-rendered SVG.

No chart library and no script: Django templates draw ``<svg>`` from the numbers
computed here. Each chart comes with the rows of a table that says the same
in text, so a screen reader (and the panel's accessibility audit) gets it too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .formatting import human_bytes

WIDTH = 600
HEIGHT = 48
#: Fewer events than this many pixels apart get a thinner bar.
MIN_BAR_GAP = 1.0


@dataclass(frozen=True)
class Point:
    """One event on a line chart."""

    seq: int
    x: float
    y: float
    label: str  # the text alternative: "#4 increment: 7"


@dataclass(frozen=True)
class LineChart:
    """A line over the held events, with its scale for the axis labels."""

    points: tuple[Point, ...]
    low: float
    high: float
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def polyline(self) -> str:
        """The ``points`` attribute of the SVG polyline."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _scale(value: float, low: float, high: float, height: float) -> float:
    if high == low:
        return height / 2
    return height - 4 - (value - low) / (high - low) * (height - 8)


def _x(position: int, count: int, width: float) -> float:
    if count <= 1:
        return width / 2
    return 4 + position * (width - 8) / (count - 1)


def line_chart(values: Sequence[tuple[int, str, float | None]]) -> LineChart | None:
    """A line through ``(seq, label, value)``; events without a value are left out."""
    measured = [(i, seq, label, v) for i, (seq, label, v) in enumerate(values) if v is not None]
    if not measured:
        return None
    low = min(v for *_, v in measured)
    high = max(v for *_, v in measured)
    points = tuple(
        Point(seq, _x(i, len(values), WIDTH), _scale(v, low, high, HEIGHT), label)
        for i, seq, label, v in measured
    )
    return LineChart(points, low, high)


@dataclass(frozen=True)
class Bar:
    """One event in the strip chart: a stack of handler and render time, and queries."""

    seq: int
    event: str
    x: float
    width: float
    handler_y: float
    handler_h: float
    render_y: float
    render_h: float
    query_h: float
    slow: bool
    n_plus_one: bool
    handler_ms: float | None
    render_ms: float | None
    queries: int | None

    @property
    def label(self) -> str:
        """What the bar says, as text."""
        parts = [f"#{self.seq} {self.event}"]
        if self.handler_ms is not None:
            parts.append(f"handler {self.handler_ms:.1f} ms")
        if self.render_ms is not None:
            parts.append(f"render {self.render_ms:.1f} ms")
        if self.queries is not None:
            parts.append(f"{self.queries} quer{'y' if self.queries == 1 else 'ies'}")
        if self.n_plus_one:
            parts.append("likely N+1")
        if self.slow:
            parts.append("slow")
        return ", ".join(parts)


@dataclass(frozen=True)
class StripChart:
    """Time and queries per event, oldest left, with the scale it was drawn at."""

    bars: tuple[Bar, ...]
    max_ms: float
    max_queries: int
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def time_height(self) -> int:
        """Pixels for the time bars; the query ticks sit under them."""
        return self.height - 14


@dataclass(frozen=True)
class EventCostFigures:
    """The few numbers of one event the strip chart draws."""

    seq: int
    event: str
    handler_ms: float | None
    render_ms: float | None
    queries: int | None
    slow: bool
    n_plus_one: bool


def strip_chart(events: Sequence[EventCostFigures]) -> StripChart | None:
    """Stacked handler + render bars and query ticks, one per event."""
    if not events:
        return None
    max_ms = max(((e.handler_ms or 0) + (e.render_ms or 0) for e in events), default=0) or 1.0
    max_queries = max((e.queries or 0 for e in events), default=0)
    slot = WIDTH / len(events)
    bar_width = max(MIN_BAR_GAP, slot * 0.8)
    time_height = HEIGHT - 14
    bars = []
    for position, event in enumerate(events):
        handler_h = (event.handler_ms or 0) / max_ms * time_height
        render_h = (event.render_ms or 0) / max_ms * time_height
        bars.append(
            Bar(
                seq=event.seq,
                event=event.event,
                x=position * slot,
                width=bar_width,
                handler_y=time_height - handler_h,
                handler_h=handler_h,
                render_y=time_height - handler_h - render_h,
                render_h=render_h,
                query_h=(event.queries or 0) / max_queries * 12 if max_queries else 0,
                slow=event.slow,
                n_plus_one=event.n_plus_one,
                handler_ms=event.handler_ms,
                render_ms=event.render_ms,
                queries=event.queries,
            )
        )
    return StripChart(tuple(bars), max_ms, max_queries)


@dataclass(frozen=True)
class KeySize:
    """The JSON size of one top-level key over the events."""

    key: str
    chart: LineChart | None
    first: int
    last: int
    only_grows: bool

    @property
    def summary(self) -> str:
        """``1.2 KiB → 48 KiB, only grows``."""
        text = f"{human_bytes(self.first)} → {human_bytes(self.last)}"
        return f"{text}, only grows" if self.only_grows else text


def _json_size(value: Any) -> int:
    return len(json.dumps(value, default=str, ensure_ascii=False).encode("utf-8"))


def state_sizes(
    events: Sequence[tuple[int, str, dict[str, Any]]],
    is_secret: Callable[[str], bool],
    limit: int = 8,
) -> tuple[KeySize, ...]:
    """Per top-level key, its size after each event; the biggest ``limit`` keys.

    A key "only grows" when it never shrank and grew in at least two events:
    the shape of a list that is appended to and never trimmed. Secret keys are
    left out: the length of a password is a hint to it.
    """
    sizes: dict[str, list[tuple[int, str, int]]] = {}
    for seq, event, state in events:
        for key, value in (state or {}).items():
            if is_secret(str(key)):
                continue
            sizes.setdefault(str(key), []).append((seq, event, _json_size(value)))
    ranked = sorted(sizes.items(), key=lambda item: -max(size for *_, size in item[1]))[:limit]
    result = []
    for key, series in ranked:
        steps = [b[2] - a[2] for a, b in zip(series, series[1:], strict=False)]
        only_grows = (
            len(series) >= 3 and all(s >= 0 for s in steps) and sum(s > 0 for s in steps) >= 2
        )
        chart = line_chart(
            [(seq, f"#{seq} {event}: {human_bytes(size)}", size) for seq, event, size in series]
        )
        result.append(KeySize(key, chart, series[0][2], series[-1][2], only_grows))
    return tuple(result)
