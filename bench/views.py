"""LiveViews that exist only for the benchmarks: the cases the demo does not show."""

from djust import LiveView
from djust.decorators import event_handler

WIDE_KEYS = 200


class PlainCounterView(LiveView):
    """The demo's counter with time travel OFF: the path that must cost nothing."""

    template = '<div dj-root dj-view="bench.views.PlainCounterView"><p>{{ count }}</p></div>'
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        self.count += 1


class WideView(LiveView):
    """200 public keys of state; each event changes two of them."""

    template = '<div dj-root dj-view="bench.views.WideView"><p>{{ k000 }} {{ k001 }}</p></div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        for i in range(WIDE_KEYS):
            setattr(self, f"k{i:03d}", {"label": f"field {i}", "value": i, "tags": ["a", "b"]})
        self.ticks = 0

    @event_handler()
    def bump(self, **kwargs):
        self.ticks += 1
        key = f"k{self.ticks % WIDE_KEYS:03d}"
        current = getattr(self, key)
        setattr(self, key, {**current, "value": current["value"] + 1})


QUERIES_PER_EVENT = 10


def _run_queries() -> None:
    from django.contrib.sessions.models import Session

    for _ in range(QUERIES_PER_EVENT):
        Session.objects.filter(session_key="bench-none").exists()


class QueryCounterView(LiveView):
    """Time travel OFF, 10 SQL queries per event: the database path must cost nothing too."""

    template = '<div dj-root dj-view="bench.views.QueryCounterView"><p>{{ count }}</p></div>'
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        _run_queries()
        self.count += 1


RENDER_QUERIES = 5
HEAVY_RENDER_QUERIES = 100


def _count_sessions(times: int) -> int:
    from django.contrib.sessions.models import Session

    return sum(Session.objects.filter(session_key="bench-none").count() for _ in range(times))


class RenderQueryCounterView(LiveView):
    """Time travel ON, 10 SQL queries per event: 5 in the handler, 5 while it re-renders."""

    template = (
        '<div dj-root dj-view="bench.views.RenderQueryCounterView">'
        "<p>{{ count }} {{ rendered }}</p></div>"
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @property
    def rendered(self) -> int:
        """Evaluated by the template on every render, like a lazy queryset."""
        return _count_sessions(RENDER_QUERIES)

    @event_handler()
    def increment(self, **kwargs):
        _count_sessions(QUERIES_PER_EVENT - RENDER_QUERIES)
        self.count += 1


class RenderHeavyCounterView(RenderQueryCounterView):
    """Time travel ON, 100 SQL queries while the template re-renders, none in the handler."""

    template = (
        '<div dj-root dj-view="bench.views.RenderHeavyCounterView">'
        "<p>{{ count }} {{ rendered }}</p></div>"
    )

    @property
    def rendered(self) -> int:
        """100 queries per render: an N+1 over a 100-row page."""
        return _count_sessions(HEAVY_RENDER_QUERIES)

    @event_handler()
    def increment(self, **kwargs):
        self.count += 1


class HostileStateView(LiveView):
    """State built on the server from a small event: deep, wide, long or odd (bench/hostile.py).

    djust caps a client frame at 64 KB; a handler can still grow state to megabytes.
    """

    template = '<div dj-root dj-view="bench.views.HostileStateView"><p>{{ shape }}</p></div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.shape = ""
        self.value = None

    @event_handler()
    def build(self, shape: str = "", size: int = 0, variant: int = 0, **kwargs):
        from bench.hostile import build_value

        self.shape = shape
        self.value = build_value(shape, size, variant)
