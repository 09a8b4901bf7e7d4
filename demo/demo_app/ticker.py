"""A page that sends itself events at a steady rate, as a live dashboard does.

Once started, djust's ``dj-poll`` fires the ``tick`` event every
``interval_ms`` milliseconds (the interval can be changed on the page, or with
``?every=<ms>`` in the URL), so events keep arriving while you restore and
replay. The page starts paused: djust's client sends a poll that fires before
its socket has mounted the view over HTTP instead, which confuses its patch
versions. Pausing keeps the poll element and gives it a day-long interval:
djust's client keeps polling from an element a patch removed. With the ring buffer
full, every tick evicts the oldest event: the panel still restores and
replays exactly the event its row shows, or says why it did not.
"""

from djust import LiveView
from djust.decorators import event_handler

MIN_INTERVAL_MS = 20
MAX_INTERVAL_MS = 5000
DEFAULT_INTERVAL_MS = 100
PAUSED_INTERVAL_MS = 24 * 60 * 60 * 1000


def interval_from(raw: object) -> int:
    """A poll interval in milliseconds, kept within what djust's rate limit allows."""
    try:
        value = int(str(raw))
    except ValueError:
        return DEFAULT_INTERVAL_MS
    return max(MIN_INTERVAL_MS, min(MAX_INTERVAL_MS, value))


class TickerView(LiveView):
    """A ticking counter: each tick adds its step; buttons start, pause, add and set the rate."""

    template_name = "demo_app/ticker.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.ticks = 0
        self.total = 0
        self.running = False
        self.interval_ms = interval_from(request.GET.get("every", DEFAULT_INTERVAL_MS))

    @property
    def poll_interval_ms(self) -> int:
        """What the poll element asks djust's client for: the rate, or a day while paused."""
        return self.interval_ms if self.running else PAUSED_INTERVAL_MS

    @event_handler()
    def tick(self, step: int = 1, **kwargs):
        self.ticks += 1
        self.total += int(step)

    @event_handler()
    def add(self, amount: int = 10, **kwargs):
        self.total += int(amount)

    @event_handler()
    def set_interval(self, value: str = "", **kwargs):
        self.interval_ms = interval_from(value)

    @event_handler()
    def toggle(self, **kwargs):
        self.running = not self.running
