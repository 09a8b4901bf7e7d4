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


class RecordingQueryCounterView(QueryCounterView):
    """Time travel ON, 10 SQL queries per event."""

    template = (
        '<div dj-root dj-view="bench.views.RecordingQueryCounterView"><p>{{ count }}</p></div>'
    )
    time_travel_enabled = True
