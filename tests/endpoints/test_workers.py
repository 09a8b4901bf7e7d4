"""The cross-worker pieces in one process, over channels' in-memory layer.

``tests/reliability/test_multiprocess.py`` proves the whole path across real workers and
redis; these cover the edges fast: the consumer answering as the owner (and only
the owner), malformed messages, the endpoint's timeout and layer failures, the
settings, and what the mixin leaves alone.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import msgpack
import pytest
from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import AsyncClient
from django.urls import resolve, reverse

from ddt_timetravel.asgi_routes import routes_to_live_view_consumer
from ddt_timetravel.checks import check_settings
from ddt_timetravel.workers import TimeTravelConsumerMixin, TimeTravelLiveViewConsumer, transport
from ddt_timetravel.workers.transport import REQUEST_TYPE, Answer, PanelRequest
from demo_harness import free_port
from tests.support.live_socket import LiveSocket, create_django_session

pytestmark = pytest.mark.django_db(transaction=True)

COUNTER = "demo_app.views.CounterView"
TIMELINE = "ddt_timetravel_timeline"


@pytest.fixture
def remote_lookup(settings) -> dict[str, object]:
    """REMOTE_LOOKUP on (before any socket connects), with a short timeout."""
    settings.DDT_TIMETRAVEL = {"REMOTE_LOOKUP": True, "REMOTE_TIMEOUT": 0.3}
    return settings.DDT_TIMETRAVEL


@pytest.fixture
async def open_remote_socket(
    transactional_db: None,
) -> AsyncIterator[Callable[..., Awaitable[LiveSocket]]]:
    """Like conftest's ``open_live_socket``, behind ``TimeTravelLiveViewConsumer``."""
    from demo_project.asgi_workers import application

    sockets: list[LiveSocket] = []

    async def open_socket(session_data: dict[str, str] | None = None) -> LiveSocket:
        session_key = await sync_to_async(create_django_session)(session_data)
        headers = [
            (b"origin", b"http://127.0.0.1"),
            (b"host", b"127.0.0.1"),
            (b"cookie", f"sessionid={session_key}".encode()),
        ]
        communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        live = LiveSocket(communicator, session_key)
        sockets.append(live)
        await live.connect()
        return live

    yield open_socket

    for live in reversed(sockets):
        await live.close()


def timeline_request(live: LiveSocket, **identity: str | None) -> PanelRequest:
    return PanelRequest(
        endpoint=TIMELINE,
        query={"session": [live.session_id or ""]},
        session_key=identity.get("session_key", live.django_session_key),
        user_pk=identity.get("user_pk"),
    )


async def test_the_socket_answers_a_forwarded_request_as_its_owner_only(
    remote_lookup, open_remote_socket
):
    live = await open_remote_socket()
    await live.mount(COUNTER, "/counter/")
    await live.event("increment")
    await live.event("add", amount=5)

    answer = await transport.ask(live.session_id, timeline_request(live), timeout=5)
    stranger = await transport.ask(
        live.session_id, timeline_request(live, session_key="x" * 32), timeout=5
    )

    assert answer is not None and answer.status == 200
    assert answer.content_type.startswith("text/html")
    assert 'data-tt-seq="2"' in answer.body.decode() and "count: 1 → 6" in answer.body.decode()
    assert stranger is not None and stranger.status == 404
    assert b"No live view of this browser" in stranger.body


async def test_a_logged_in_owner_is_matched_by_the_forwarded_user_pk(
    remote_lookup, open_remote_socket, django_user_model
):
    def make_users():
        return [
            django_user_model.objects.create_user(name, password="pw-for-tests")
            for name in ("ada", "bob")
        ]

    ada, bob = await sync_to_async(make_users)()
    live = await open_remote_socket(
        {
            "_auth_user_id": str(ada.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": ada.get_session_auth_hash(),
        }
    )
    await live.mount(COUNTER, "/counter/")
    await live.event("increment")

    async def status(**identity: str | None) -> int:
        answer = await transport.ask(live.session_id, timeline_request(live, **identity), timeout=5)
        assert answer is not None
        return answer.status

    # The session key changes at login: the user decides, as in live.may_see.
    assert await status(session_key="y" * 32, user_pk=str(ada.pk)) == 200
    assert await status(user_pk=str(bob.pk)) == 404
    assert await status(user_pk=None) == 404


async def test_malformed_requests_get_clear_answers_and_the_socket_lives_on(
    remote_lookup, open_remote_socket
):
    live = await open_remote_socket()
    await live.mount(COUNTER, "/counter/")
    layer = get_channel_layer()
    group = transport.group_name(live.session_id)

    async def reply_to(message: dict[str, object]) -> Answer:
        reply_channel = await layer.new_channel()
        await layer.group_send(group, {**message, "reply_channel": reply_channel})
        return Answer.from_message(await asyncio.wait_for(layer.receive(reply_channel), 5))

    await layer.group_send(group, {"type": REQUEST_TYPE})  # no reply channel: ignored
    bad_query = await reply_to({"type": REQUEST_TYPE, "endpoint": TIMELINE, "query": "session"})
    guarded = timeline_request(live).as_message("unused")
    # The import endpoint takes a POST body: it is never answered for another worker.
    post_only = await reply_to({**guarded, "endpoint": "ddt_timetravel_import"})
    bad_param = await reply_to(bad_param_message(guarded, live))

    assert bad_query.status == 400 and b"could not be read" in bad_query.body
    assert post_only.status == 404 and b"Unknown panel endpoint" in post_only.body
    assert bad_param.status == 400 and b"whole number" in bad_param.body
    frames = await live.event("increment")  # djust never saw those messages
    assert frames[-1]["type"] == "patch"


def bad_param_message(message: dict[str, object], live: LiveSocket) -> dict[str, object]:
    """A locate request with a malformed ``seq``: the endpoint's own 400."""
    query = {"session": [live.session_id], "seq": ["x"]}
    return {**message, "endpoint": "ddt_timetravel_locate", "query": query}


async def test_with_remote_lookup_off_the_socket_joins_no_group(settings, open_remote_socket):
    settings.DDT_TIMETRAVEL = {"REMOTE_LOOKUP": False}
    live = await open_remote_socket()
    await live.mount(COUNTER, "/counter/")

    assert await transport.ask(live.session_id, timeline_request(live), timeout=0.3) is None


async def test_nobody_answering_is_a_clear_504_within_the_timeout(remote_lookup):
    client = AsyncClient()
    query = {"session": str(uuid.uuid4()), "seq": 1}

    started = time.monotonic()
    timeline = await client.get(reverse("djdt:ddt_timetravel_timeline"), query)
    elapsed = time.monotonic() - started
    located = await client.get(reverse("djdt:ddt_timetravel_locate"), query)

    assert timeline.status_code == 504
    assert timeline.content.decode() == (
        "The worker that holds this page's socket did not answer within 0.3 s. "
        "Is it still running? Reload the page."
    )
    assert 0.25 <= elapsed < 2, elapsed
    assert located.status_code == 504 and "did not answer" in located.json()["error"]


async def test_remote_lookup_off_answers_404_at_once(settings):
    settings.DDT_TIMETRAVEL = {"REMOTE_LOOKUP": False, "REMOTE_TIMEOUT": 5.0}
    started = time.monotonic()
    response = await AsyncClient().get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": str(uuid.uuid4())}
    )
    assert response.status_code == 404 and time.monotonic() - started < 1


async def test_an_unreachable_layer_is_a_clear_503(remote_lookup, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [f"redis://127.0.0.1:{free_port()}/0"]},
        }
    }
    settings.DDT_TIMETRAVEL = {**remote_lookup, "REMOTE_TIMEOUT": 5.0}
    response = await AsyncClient().get(
        reverse("djdt:ddt_timetravel_timeline"), {"session": str(uuid.uuid4())}
    )
    assert response.status_code == 503, response.content
    assert "Could not ask the other workers over the channel layer" in response.content.decode()


def test_messages_survive_the_redis_layer_serialisation():
    request = PanelRequest(TIMELINE, {"session": ["s"], "q": ["a", "b"]}, "key", str(uuid.uuid4()))
    answer = Answer(200, "application/json", b"\x00{}", (("Content-Disposition", "attachment"),))

    def through_msgpack(message: dict[str, object]) -> dict[str, object]:
        return msgpack.unpackb(msgpack.packb(message, use_bin_type=True), raw=False)

    assert PanelRequest.from_message(through_msgpack(request.as_message("r"))) == request
    assert Answer.from_message(through_msgpack(answer.as_message())) == answer
    with pytest.raises(ValueError):
        PanelRequest.from_message({**request.as_message("r"), "user_pk": 5})


def test_the_mixin_touches_nothing_of_djusts_event_path():
    from djust.websocket import LiveViewConsumer

    own = {name for name in vars(TimeTravelConsumerMixin) if not name.startswith("__")}
    overridden = {name for name in own if hasattr(LiveViewConsumer, name)}
    assert overridden == {"connect", "disconnect"}, "only joining and leaving the group"
    for name in ("receive", "handle_event", "send_json"):
        assert getattr(TimeTravelLiveViewConsumer, name) is getattr(LiveViewConsumer, name)
    handler = get_handler_name({"type": REQUEST_TYPE})
    assert callable(getattr(TimeTravelLiveViewConsumer, handler, None))

    from demo_project.asgi_workers import application

    assert routes_to_live_view_consumer(application) is True  # check W006 still sees djust


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("REMOTE_LOOKUP", "yes"),
        ("REMOTE_LOOKUP", 1),
        ("REMOTE_TIMEOUT", 0),
        ("REMOTE_TIMEOUT", -1.0),
        ("REMOTE_TIMEOUT", "2"),
        ("REMOTE_TIMEOUT", True),
        ("REMOTE_TIMEOUT", 2000),
        ("REMOTE_TIMEOUT", float("nan")),
    ],
)
def test_wrong_remote_settings_are_reported(key, value):
    messages = check_settings({key: value})
    assert [m.id for m in messages] == ["ddt_timetravel.E004"] and key in messages[0].msg


def test_right_remote_settings_pass():
    assert check_settings({"REMOTE_LOOKUP": True, "REMOTE_TIMEOUT": 0.5}) == []
    assert check_settings({"REMOTE_LOOKUP": False, "REMOTE_TIMEOUT": 10}) == []


def test_the_asking_side_forwards_endpoint_query_and_identity(rf, django_user_model):
    user = django_user_model.objects.create_user("ada", password="pw-for-tests")
    request = rf.get(reverse("djdt:ddt_timetravel_diff"), {"session": "s", "seq": ["1", "2"]})
    request.resolver_match = resolve(request.path)
    request.session = SessionStore(session_key="k" * 32)
    request.user = user

    forwarded = PanelRequest.from_request(request)

    assert forwarded == PanelRequest(
        "ddt_timetravel_diff", {"session": ["s"], "seq": ["1", "2"]}, "k" * 32, str(user.pk)
    )
    request.user = AnonymousUser()
    assert PanelRequest.from_request(request).user_pk is None


def test_the_old_import_path_still_gives_the_consumers_and_says_where_they_moved():
    """``ddt_timetravel.remote`` was the documented path in ``asgi.py`` files."""
    import importlib
    import sys

    import ddt_timetravel.workers as workers

    sys.modules.pop("ddt_timetravel.remote", None)
    with pytest.warns(DeprecationWarning, match="ddt_timetravel.workers"):
        old = importlib.import_module("ddt_timetravel.remote")

    assert old.TimeTravelLiveViewConsumer is workers.TimeTravelLiveViewConsumer
    assert old.TimeTravelConsumerMixin is workers.TimeTravelConsumerMixin


def _in_a_fresh_interpreter(code: str) -> str:
    """What ``code`` prints in a new Python with the test settings named, Django not set up."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.support.settings", "PYTHONPATH": ".:demo"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_asking_side_loads_without_the_endpoints_it_serves():
    """No cycle: the endpoint table imports the asking side, never the other way round."""
    loaded = _in_a_fresh_interpreter(
        "import sys, ddt_timetravel.workers.transport\n"
        "print(sorted(m for m in sys.modules if m.startswith('ddt_timetravel.')))"
    )
    for module in ("endpoints", "views", "panels", "workers.consumer"):
        assert f"'ddt_timetravel.{module}'" not in loaded, loaded


def test_asgi_py_may_import_the_consumer_before_django_is_set_up():
    """As the documented ``asgi.py`` does: the import comes before ``get_asgi_application()``."""
    printed = _in_a_fresh_interpreter(
        "from ddt_timetravel.workers import TimeTravelLiveViewConsumer\n"
        "print(TimeTravelLiveViewConsumer.__name__)"
    )
    assert printed.strip() == "TimeTravelLiveViewConsumer"
