"""The demo's LiveViews: small, realistic examples of what the Time Travel panel shows."""

import asyncio
import random

from django.shortcuts import render
from djust import LiveView
from djust.decorators import event_handler

from demo_app.components import Counter, Toggle
from demo_app.models import Book, ensure_library

PAGES = [
    ("/counter/", "Counter", "a number, params and a handler that raises"),
    ("/todos/", "Todos", "a list of dicts: add, toggle and remove items"),
    ("/profile/", "Profile", "a password and an API token in public state, for masking"),
    ("/signup/", "Sign up", "a djust form validated live, a password typed twice"),
    ("/big/", "Big list", "1000 rows of state, 20 rendered"),
    ("/components/", "Components", "two LiveComponents, each with its own state"),
    ("/async/", "Async", "an async handler and background work"),
    ("/library/", "Library", "an N+1 query loop next to its select_related fix"),
    ("/books/", "Books", "a template that walks a queryset: an N+1 in the render, and its fix"),
    ("/ticker/", "Ticker", "sends itself events at a rate you set: restore while they arrive"),
    ("/shop/", "Shop", "an embedded LiveView (live_render) with a timeline of its own"),
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


class TodosView(LiveView):
    """A todo list: state is a list of dicts that handlers add to, flip and filter."""

    template_name = "demo_app/todos.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.items = [
            {"id": 1, "text": "Write the demo", "done": True},
            {"id": 2, "text": "Try time travel", "done": False},
        ]
        self.next_id = 3

    @event_handler()
    def add_todo(self, text: str = "", **kwargs):
        text = text.strip()
        if text:
            self.items = [*self.items, {"id": self.next_id, "text": text, "done": False}]
            self.next_id += 1

    @event_handler()
    def toggle_todo(self, todo_id: int = 0, **kwargs):
        self.items = [
            {**item, "done": not item["done"]} if item["id"] == todo_id else item
            for item in self.items
        ]

    @event_handler()
    def remove_todo(self, todo_id: int = 0, **kwargs):
        self.items = [item for item in self.items if item["id"] != todo_id]


class ProfileView(LiveView):
    """A profile form that keeps a password and an API token in public state, on purpose."""

    template_name = "demo_app/profile.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.username = ""
        self.email = ""
        self.password = ""
        self.api_token = ""
        self.saved = False

    @event_handler()
    def save(
        self, username: str = "", email: str = "", password: str = "", api_token: str = "", **kwargs
    ):
        self.username = username
        self.email = email
        self.password = password
        self.api_token = api_token
        self.saved = True


class BigView(LiveView):
    """A 1000-row list in state, of which the page renders only the first 20 rows."""

    template_name = "demo_app/big.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.rows = [{"id": i, "name": f"Row {i}", "score": (i * 37) % 101} for i in range(1, 1001)]
        self.shuffles = 0

    @event_handler()
    def shuffle(self, **kwargs):
        self.shuffles += 1
        # Seeded by the click count, so the same click always gives the same order.
        self.rows = random.Random(self.shuffles).sample(self.rows, len(self.rows))


class ComponentsView(LiveView):
    """Two LiveComponents on one view; their state is recorded under __components__."""

    template_name = "demo_app/components.html"
    time_travel_enabled = True
    login_required = False

    counter = Counter(label="Counter")
    lamp = Toggle(label="Lamp")

    def mount(self, request, **kwargs):
        pass


class AsyncView(LiveView):
    """An async handler, and a handler that finishes its work in the background."""

    template_name = "demo_app/async.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.fetches = 0
        self.fetch_status = "not fetched yet"
        self.job_runs = 0
        self.job_status = "idle"

    @event_handler()
    async def fetch(self, **kwargs):
        await asyncio.sleep(0.05)
        self.fetches += 1
        self.fetch_status = f"fetched {self.fetches} time(s)"

    @event_handler()
    def start_job(self, **kwargs):
        self.job_status = "running"
        self.start_async(self._finish_job, name="job")

    async def _finish_job(self):
        await asyncio.sleep(0.5)
        self.job_runs += 1
        self.job_status = f"done ({self.job_runs} run(s))"


class LibraryView(LiveView):
    """Lists books with their authors: once with an N+1 loop, once with select_related."""

    template_name = "demo_app/library.html"
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        ensure_library()
        self.titles = []
        self.loads = 0

    @event_handler()
    def load_slow(self, **kwargs):
        # One query for the books, then one more per book for its author.
        self.titles = [f"{book.title} by {book.author.name}" for book in Book.objects.all()]
        self.loads += 1

    @event_handler()
    def load_fast(self, **kwargs):
        books = Book.objects.select_related("author")
        self.titles = [f"{book.title} by {book.author.name}" for book in books]
        self.loads += 1
