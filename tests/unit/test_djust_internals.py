"""The djust internals ``ddt_timetravel._djust`` relies on: each fails loudly when djust changes.

If one of these fails after a djust upgrade, the socket guard no longer sees (or
no longer checks) time-travel frames, or the per-event cost is no longer
measured: fix ``_djust.py`` before anything else.
"""

from __future__ import annotations

import inspect

import pytest
from djust.mixins.jit import JITMixin
from djust.mixins.template import TemplateMixin
from djust.runtime import WSConsumerTransport
from djust.websocket import LiveViewConsumer

from ddt_timetravel import _djust


def original(name: str):
    """djust's own method, under the package's wrapper if it is installed."""
    method = getattr(LiveViewConsumer, name)
    return getattr(method, _djust.ORIGINAL_ATTR, method)


@pytest.mark.parametrize("kind", _djust.KINDS, ids=lambda kind: kind.handler)
def test_the_wrapped_handlers_exist_with_their_signature(kind):
    handler = original(kind.handler)
    assert inspect.iscoroutinefunction(handler), f"{kind.handler} is no longer async"
    assert list(inspect.signature(handler).parameters) == ["self", "data"], (
        f"djust changed the signature of LiveViewConsumer.{kind.handler}"
    )


@pytest.mark.parametrize("kind", _djust.KINDS, ids=lambda kind: kind.handler)
def test_the_consumer_dispatches_each_frame_to_its_handler(kind):
    source = inspect.getsource(original("receive"))
    assert f'msg_type == "{kind.frame_type}"' in source, f"djust renamed {kind.frame_type}"
    assert f"self.{kind.handler}(data)" in source, f"djust no longer calls {kind.handler}"


@pytest.mark.parametrize("kind", _djust.KINDS, ids=lambda kind: kind.handler)
def test_the_handler_takes_the_snapshot_before_its_first_real_await(kind):
    """The guard's check and djust's ``buffer.jump`` run in one turn: nothing may await between."""
    lines = inspect.getsource(original(kind.handler)).splitlines()
    jump = next(i for i, line in enumerate(lines) if "buffer.jump(" in line)
    awaits = [line.strip() for line in lines[:jump] if "await " in line]
    assert awaits and all(line.startswith("await self.send_error(") for line in awaits), awaits
    assert f'data.get("{kind.index_key}")' in "\n".join(lines[:jump])
    assert "self.view_instance" in "\n".join(lines[:jump])


@pytest.mark.parametrize("kind", _djust.KINDS, ids=lambda kind: kind.handler)
def test_the_ack_is_built_by_the_wrapped_builder_once_applied(kind):
    source = inspect.getsource(original(kind.handler))
    assert source.count(f"self.{_djust.ACK_BUILDER}(") == 1
    last_statement = source.rstrip().splitlines()[-3:]
    assert any(_djust.ACK_BUILDER in line for line in last_statement), (
        "djust no longer ends the handler with the time_travel_state ack"
    )


def test_the_ack_builder_keeps_its_signature():
    builder = original(_djust.ACK_BUILDER)
    assert list(inspect.signature(builder).parameters) == [
        "self",
        "view",
        "buffer",
        "cursor",
        "which",
    ]


def test_send_error_takes_extra_fields():
    parameters = inspect.signature(LiveViewConsumer.send_error).parameters
    assert list(parameters)[:2] == ["self", "error"]
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


def test_the_guard_is_installed_once_at_app_ready():
    assert _djust.installed()
    wrapped = LiveViewConsumer.handle_time_travel_jump
    _djust.install()  # idempotent: a second install wraps nothing twice
    assert LiveViewConsumer.handle_time_travel_jump is wrapped
    assert not hasattr(original("handle_time_travel_jump"), _djust.ORIGINAL_ATTR)


def test_the_package_consumer_inherits_the_guard():
    from ddt_timetravel.workers import TimeTravelLiveViewConsumer

    assert _djust.installed(TimeTravelLiveViewConsumer)
    for kind in _djust.KINDS:
        assert getattr(TimeTravelLiveViewConsumer, kind.handler) is getattr(
            LiveViewConsumer, kind.handler
        )


# -- the turn measurement ------------------------------------------------------


def parameters(owner: type, name: str) -> list[str]:
    function = getattr(owner, name)
    function = getattr(function, "__wrapped__", function)
    return list(inspect.signature(function).parameters)


@pytest.mark.parametrize(
    ("owner", "name", "expected"),
    [
        (LiveViewConsumer, "_dispatch_runtime_owned", ["self", "data"]),
        (LiveViewConsumer, "handle_forward_replay", ["self", "data"]),
        (LiveViewConsumer, "handle_time_travel_jump", ["self", "data"]),
        (LiveViewConsumer, "handle_time_travel_component_jump", ["self", "data"]),
        (LiveViewConsumer, "_maybe_push_tt_event", ["self", "view", "snapshot"]),
        (LiveViewConsumer, "_send_frame", ["self", "text_data", "bytes_data"]),
        (LiveViewConsumer, "_build_time_travel_state", ["self", "view", "buffer", "cursor"]),
        (WSConsumerTransport, "on_handler_timing", ["self", "view", "event_name", "duration_ms"]),
    ],
)
def test_wrapped_djust_methods_keep_their_shape(owner, name, expected):
    assert parameters(owner, name)[: len(expected)] == expected, f"{owner.__name__}.{name}"


def test_the_render_is_one_method_of_the_template_mixin():
    from djust import LiveView

    assert LiveView.render_with_diff is TemplateMixin.render_with_diff
    assert parameters(TemplateMixin, "render_with_diff")[0] == "self"


def test_the_measured_methods_are_wrapped_once():
    _djust.install_turn_hooks()  # a second install must not wrap again
    for owner, name in [
        (LiveViewConsumer, "_dispatch_runtime_owned"),
        (LiveViewConsumer, "_send_frame"),
        (TemplateMixin, "render_with_diff"),
    ]:
        function = getattr(owner, name)
        assert getattr(function, _djust._MARK, False), name
        assert not getattr(function.__wrapped__, _djust._MARK, False), name


@pytest.mark.parametrize("name", sorted(_djust.SERIALIZERS))
def test_jit_serializers_name_the_variable_they_serialize(name):
    assert "variable_name" in parameters(JITMixin, name)
    assert getattr(JITMixin, name).__code__.co_filename.endswith("jit.py")


# -- "Check against current code" ---------------------------------------------------


def test_the_check_reads_state_components_and_push_events_as_djust_keeps_them():
    from djust.testing import LiveViewTestClient
    from djust.time_travel import EventSnapshot, restore_snapshot

    from demo_app.views import ComponentsView, CounterView

    client = LiveViewTestClient(CounterView).mount()
    client.view_instance.push_event("flash", {"text": "hi"})
    assert _djust.captured_state(client.view_instance) == {"count": 0}
    assert _djust.pending_push_events(client.view_instance) == [("flash", {"text": "hi"})]

    view = LiveViewTestClient(ComponentsView).mount().view_instance
    state = {"__components__": {"counter": {"label": "Counter", "count": 3}}}
    restore_snapshot(view, EventSnapshot("x", {}, None, 0.0, state_before=state))
    assert _djust.component(view, "counter").state.count == 3
    assert _djust.captured_state(view)["__components__"]["counter"]["count"] == 3


# -- an earlier session's state into the current page (_djust.restore_earlier) ---------


def test_restore_earlier_runs_the_same_steps_as_djusts_jump():
    """``restore_earlier`` repeats djust's jump on a snapshot of its own: the same calls."""
    source = inspect.getsource(original("handle_time_travel_jump"))
    for step in (
        "restore_snapshot)(self.view_instance, snapshot, which)",
        "self.view_instance.render_with_diff)()",
        "await self._send_update(",
        "version=self._next_version_armed(html)",
        'event_name="__time_travel_jump__"',
        "fast_json_loads(patches) if patches else []",
    ):
        assert step in source, f"djust's jump no longer does {step}"
    update = inspect.signature(LiveViewConsumer._send_update).parameters
    assert {"patches", "html", "version", "event_name"} <= set(update)
    assert list(inspect.signature(LiveViewConsumer._next_version_armed).parameters) == [
        "self",
        "html",
    ]


# -- embedded LiveViews (_djust.child_views) ----------------------------------------------


def test_embedded_children_are_registered_where_the_consumer_routes_events():
    from djust import LiveView
    from djust.runtime import ViewRuntime
    from djust.templatetags import live_tags

    assert "parent._register_child(view_id, child)" in inspect.getsource(live_tags.live_render)
    router = inspect.getsource(ViewRuntime._dispatch_sticky_child_event)
    assert "view._get_all_child_views()" in router and 'params.pop("view_id"' in router

    parent, child = LiveView(), LiveView()
    parent._register_child("cart", child)
    assert _djust.child_views(parent) == {"cart": child}
    assert _djust.child_views(object()) == {}


def test_restore_child_re_renders_a_child_as_djust_answers_its_events():
    """``restore_child`` sends what djust sends after a child's event: the same frame."""
    from djust.runtime import ViewRuntime
    from djust.websocket import render_embedded_child_html

    router = inspect.getsource(ViewRuntime._dispatch_sticky_child_event)
    assert "await sync_to_async(render_embedded_child_html)(target_view)" in router
    for key in ('"type": "embedded_update"', '"view_id": view_id', '"html": html'):
        assert key in router, f"djust's embedded_update frame no longer has {key}"
    assert list(inspect.signature(render_embedded_child_html).parameters) == ["child_view"]


# -- a view's time-travel attributes (_djust.time_travel_buffer and friends) --------


@pytest.mark.django_db(transaction=True)
async def test_a_mounted_view_keeps_its_buffer_branch_and_owner_where_the_panel_reads_them(
    live_socket,
):
    from djust.time_travel import TimeTravelBuffer

    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    view = live_socket.view
    for name in (_djust.BUFFER_ATTR, _djust.BRANCH_ATTR, _djust.SESSION_KEY_ATTR):
        assert name in vars(view), f"djust no longer sets {name} on a mounted view"
    assert isinstance(_djust.time_travel_buffer(view), TimeTravelBuffer)
    assert _djust.branch_id(view) == "main"
    assert _djust.mounting_session_key(view) == live_socket.django_session_key


@pytest.mark.django_db(transaction=True)
async def test_a_forward_replay_moves_the_view_to_the_branch_the_panel_reads(live_socket):
    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    await live_socket.event("increment")
    await live_socket.event("increment")
    await live_socket.send({"type": "forward_replay", "from_index": 0})
    state = (await live_socket.receive_until("time_travel_state"))[-1]

    assert _djust.branch_id(live_socket.view) != "main"
    assert _djust.branch_id(live_socket.view) == state["branch_id"]


@pytest.mark.django_db(transaction=True)
async def test_djusts_own_view_attributes_are_never_named_unrecorded(live_socket):
    from ddt_timetravel.core import numbering

    await live_socket.mount("demo_app.views.CounterView", "/counter/")
    await live_socket.event("increment")
    view = live_socket.view
    buffer = _djust.time_travel_buffer(view)
    assert buffer is not None

    assert numbering.unrecorded_attributes(view, buffer, _djust.framework_attributes()) == []
    # Without djust's list its own public attributes would be named (the list is real).
    assert numbering.unrecorded_attributes(view, buffer, frozenset())


@pytest.mark.django_db(transaction=True)
async def test_component_states_are_recorded_under_the_components_key(live_socket):
    await live_socket.mount("demo_app.views.ComponentsView", "/components/")

    state = _djust.captured_state(live_socket.view)
    assert "counter" in state.get(_djust.COMPONENTS_KEY, {}), "djust moved component states"
