"""LiveViews that exist only for tests: the cases the demo does not show."""

from djust import LiveView
from djust.decorators import event_handler


class NoTimeTravelView(LiveView):
    """A view that never opted in to time travel."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.NoTimeTravelView"><p>{{ count }}</p></div>'
    )
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        self.count += 1


class UnserializableView(LiveView):
    """Holds a public attribute djust cannot record (not JSON-serializable)."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.UnserializableView">{{ touched }}</div>'
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        import threading

        self.lock = threading.Lock()
        self.touched = 0

    @event_handler()
    def touch(self, **kwargs):
        self.touched += 1


class HostileView(LiveView):
    """Stores whatever it is sent, under whatever key, and raises with any message:
    hostile text in state keys, values, params and error messages."""

    template = '<div dj-root dj-view="tests.support.live_views.HostileView">{{ data|length }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.data = {}
        self.items = []

    @event_handler()
    def store(self, key: str = "", value: str = "", **kwargs):
        self.data = {**self.data, key: value}
        self.items = [*self.items, {"id": len(self.items) + 1, "text": value}]

    @event_handler()
    def explode(self, message: str = "", **kwargs):
        raise RuntimeError(message)


class NoTimeTravelQueryView(LiveView):
    """Time travel OFF, one SQL query per event: no turn may be measured for it."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.NoTimeTravelQueryView">{{ count }}</div>'
    )
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @event_handler()
    def increment(self, **kwargs):
        from django.contrib.sessions.models import Session

        self.count += Session.objects.count()


class DeepView(LiveView):
    """Keeps whatever value it is sent: states as deep or as odd as djust will record."""

    template = '<div dj-root dj-view="tests.support.live_views.DeepView">{{ kind }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.kind = "empty"
        self.value = None

    @event_handler()
    def put(self, value=None, **kwargs):
        self.kind = type(value).__name__
        self.value = value


class NotesView(LiveView):
    """Notes stamped with the time and a random id: values an exported test cannot expect."""

    template = '<div dj-root dj-view="tests.support.live_views.NotesView">{{ notes|length }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.notes = []
        self.title = "Notes"

    @event_handler()
    def add_note(self, text: str = "", **kwargs):
        import time
        import uuid

        note = {"text": text, "timestamp": time.strftime("%H:%M:%S"), "ref": str(uuid.uuid4())}
        self.notes = [*self.notes, {**note, "meta": {"updated_at": time.time_ns()}}]

    @event_handler()
    def rename(self, title: str = "", **kwargs):
        self.title = title


class SideEffectsView(LiveView):
    """A handler that writes to the database, sends email, pushes and broadcasts."""

    template = '<div dj-root dj-view="tests.support.live_views.SideEffectsView">{{ sent }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.sent = 0

    @event_handler()
    def notify(self, to: str = "ada@example.com", subject: str = "Hello", **kwargs):
        from django.contrib.auth.models import User
        from django.core.mail import send_mail
        from djust.push import push_to_view

        User.objects.create(username=f"notified-{User.objects.count() + 1}")
        send_mail(subject, "A note", "app@example.com", [to])
        self.push_event("flash", {"text": "sent"})
        push_to_view("tests.support.live_views.NoTimeTravelView", state={"count": 0})
        self.sent += 1


class BackgroundQueryView(LiveView):
    """One query in the handler, three more in background work it starts."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.BackgroundQueryView">{{ status }}</div>'
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.status = "idle"

    @event_handler()
    def start(self, **kwargs):
        from django.contrib.sessions.models import Session

        Session.objects.count()
        self.status = "running"
        self.start_async(self._finish, name="finish")

    async def _finish(self):
        from asgiref.sync import sync_to_async
        from django.contrib.sessions.models import Session

        for _ in range(3):
            await sync_to_async(Session.objects.count)()
        self.status = "done"


class SecretQueryView(LiveView):
    """A handler that looks a typed token up in the database: the token is a query param."""

    template = '<div dj-root dj-view="tests.support.live_views.SecretQueryView">{{ found }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.found = 0

    @event_handler()
    def look_up(self, api_token: str = "", **kwargs):
        from django.contrib.sessions.models import Session

        self.found = Session.objects.filter(session_key=api_token).count()


class HandlerAndRenderQueryView(LiveView):
    """One query in the handler, one in the re-render: a turn whose SQL has both."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.HandlerAndRenderQueryView">{{ count }}'
        "{% for name in names %}<i>{{ name }}</i>{% endfor %}</div>"
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.count = 0

    @property
    def names(self):
        """Evaluated when the template walks it: the render's query."""
        from django.contrib.auth.models import Group

        return Group.objects.filter(name__startswith="ddt-").values_list("name", flat=True)

    @event_handler()
    def increment(self, **kwargs):
        from django.contrib.sessions.models import Session

        self.count += Session.objects.filter(session_key="no-such-key").count() + 1


class DjangoTemplateQueryView(LiveView):
    """A handler that renders a Django template whose variable runs a query."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.DjangoTemplateQueryView">{{ text }}</div>'
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.text = ""

    @event_handler()
    def summarise(self, **kwargs):
        from django.contrib.sessions.models import Session
        from django.template import Context, Template

        template = Template("Sessions:\n{{ sessions.count }}\n")
        self.text = template.render(Context({"sessions": Session.objects.all()}))


class CacheView(LiveView):
    """Reads and writes Django's cache in its handler: the event's Cache panel has both."""

    template = '<div dj-root dj-view="tests.support.live_views.CacheView">{{ hits }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.hits = 0

    @event_handler()
    def remember(self, **kwargs):
        from django.core.cache import cache

        if cache.get("ddt-capture-test") is not None:
            self.hits += 1
        cache.set("ddt-capture-test", 1)


class TokenLengthView(LiveView):
    """Derives a public value from a masked one: its token's length."""

    template = (
        '<div dj-root dj-view="tests.support.live_views.TokenLengthView">{{ token_length }}</div>'
    )
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.api_token = ""
        self.token_length = 0

    @event_handler()
    def set_token(self, value: str = "", **kwargs):
        self.api_token = value

    @event_handler()
    def measure(self, **kwargs):
        self.token_length = len(self.api_token)


class SecretTurnView(LiveView):
    """A sign-in form whose turn carries the typed password wherever a toolbar panel looks:
    a SQL param, a cache key and value, a Django template's context, the view's state."""

    template = '<div dj-root dj-view="tests.support.live_views.SecretTurnView">{{ attempts }}</div>'
    time_travel_enabled = True
    login_required = False

    def mount(self, request, **kwargs):
        self.attempts = 0
        self.echo = ""

    @event_handler()
    def validate_field(self, field: str = "", value: str = "", **kwargs):
        from django.contrib.auth.models import User
        from django.core.cache import cache
        from django.template import Context, Template

        self.attempts += User.objects.filter(username=value).count() + 1
        cache.set(f"attempt:{value}", value)
        self.echo = Template("You typed {{ typed }}").render(Context({"typed": value}))


class QuietShopView(LiveView):
    """Records nothing itself, and embeds the demo's cart, which records."""

    template = (
        '{% load live_tags %}<div dj-root dj-view="tests.support.live_views.QuietShopView">'
        '{% live_render "demo_app.embedded.CartView" sticky=True %}</div>'
    )
    login_required = False


class DeepChildView(LiveView):
    """An embedded view that keeps whatever value it is sent, as deep as djust records."""

    template = "{# djust:partial #}<div>{{ kind }}</div>"
    time_travel_enabled = True
    login_required = False
    sticky = True
    sticky_id = "deep"

    def mount(self, request, **kwargs):
        self.kind = "empty"
        self.value = None

    @event_handler()
    def put(self, value=None, **kwargs):
        self.kind = type(value).__name__
        self.value = value


class DeepParentView(LiveView):
    """Embeds :class:`DeepChildView`."""

    template = (
        '{% load live_tags %}<div dj-root dj-view="tests.support.live_views.DeepParentView">'
        '{% live_render "tests.support.live_views.DeepChildView" sticky=True %}</div>'
    )
    time_travel_enabled = True
    login_required = False
