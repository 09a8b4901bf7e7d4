"""The demo's LiveViews: small, realistic examples of what the Time Travel panel shows."""

from django.shortcuts import render
from djust import LiveView
from djust.decorators import event_handler

PAGES = [
    ("/counter/", "Counter", "a number, params and a handler that raises"),
]


def index(request):
    """List the demo pages."""
    return render(request, "demo_app/index.html", {"pages": PAGES})


class CounterView(LiveView):
    """A counter: the smallest view with time travel on."""

    template_name = "demo_app/counter.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        self.count += 1

    @event_handler()
    def decrement(self, **kwargs):
        self.count -= 1

    @event_handler()
    def reset(self, **kwargs):
        self.count = 0

    @event_handler()
    def add(self, amount: int = 1, **kwargs):
        self.count += int(amount)

    @event_handler()
    def explode(self, **kwargs):
        raise RuntimeError("Explode was clicked: this handler always raises")
