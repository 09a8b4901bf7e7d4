"""Run recorded events again on the code as it is now: "Check against current code".

Each event is checked on its own, from its recorded before-state, the way the
exported test replays it: a fresh instance of the view class (djust's
``LiveViewTestClient``), the recorded before-state put back with djust's
``restore_snapshot``, the handler run with the recorded params (on the
component a ``component_id`` names, awaited when async), and the result held
to the recording by :mod:`.replay_compare`. Events that do not depend on each
other let the panel ask in chunks, show progress and stop on Cancel.

It runs handler code, so for the run it contains what it can: database work,
in every configured database, runs in a transaction that is always rolled
back; email goes to Django's in-memory backend and is listed; ``push_event``
calls and channel-layer sends (broadcasts, ``push_to_view``) are captured and
listed, never delivered. Background work started with ``start_async`` is not
run. What it cannot contain is stated in :data:`NOT_CONTAINED`.
"""

from __future__ import annotations

import contextlib
import contextvars
import inspect
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core import mail
from django.db import connections, transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string
from djust.serialization import decimal_tags_to_strings
from djust.testing import LiveViewTestClient, NoHandlerFoundError
from djust.time_travel import EventSnapshot, restore_snapshot
from djust.validation import validate_handler_params

from .. import _djust
from ..core.masking import MASKED, Masker, contains_masked, is_masked
from ..core.numbering import Entry
from ..core.replay_compare import (
    MISSING,
    Mismatch,
    Skipped,
    changed_keys,
    expected_value,
    judge,
    unawaited_replay,
    unchecked_keys,
)

NOT_CONTAINED = (
    "Not contained: outbound HTTP requests, files written, and work in other "
    "processes (task queues, shared caches) really happen."
)
REFUSALS = frozenset({"permission_denied", "validation_failed"})
SHOWN_CHARS = 300
_checking = threading.Lock()
_sink: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "ddt_timetravel_check_sink", default=None
)


class CannotCheck(ValueError):
    """The selection cannot be checked at all; the message is safe to show."""


@dataclass(frozen=True)
class EventCheck:
    """How one recorded event fares on the current code."""

    seq: int
    name: str
    outcome: str  # "same", "diverged", "masked" (only masked changes) or "not-run"
    message: str
    mismatches: tuple[Mismatch, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    side_effects: tuple[str, ...] = ()

    @property
    def diverged(self) -> bool:
        """True when the current code no longer produces the recording."""
        return self.outcome == "diverged"


def view_class(view_path: str) -> type:
    """The view class as the code defines it now."""
    try:
        found = import_string(view_path)
    except ImportError as exc:
        raise CannotCheck(f"{view_path} cannot be imported any more: {exc}") from None
    if not isinstance(found, type):
        raise CannotCheck(f"{view_path} is no longer a class.")
    return found


def only_masked(entries: Sequence[Entry], masker: Masker) -> bool:
    """True when the selection changed something and every change is masked."""
    changed = False
    for entry in entries:
        before, after = _states(entry)
        for key in changed_keys(before, after):
            changed = True
            if not contains_masked(masker.mask({key: after.get(key, MISSING)})[key]):
                return False
    return changed


def _states(entry: Entry) -> tuple[dict[str, Any], dict[str, Any]]:
    snapshot = entry.snapshot
    return (
        decimal_tags_to_strings(snapshot.state_before or {}),
        decimal_tags_to_strings(snapshot.state_after or {}),
    )


# -- containment --------------------------------------------------------------------


class _CapturingLayer:
    """A channel layer that keeps sends made during a check instead of delivering them."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        sink = _sink.get()
        if sink is None:
            await self._real.send(channel, message)
            return
        sink.append(f"would have sent {message.get('type', 'a message')!s} to a channel")
        return None

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        sink = _sink.get()
        if sink is None:
            await self._real.group_send(group, message)
            return
        sink.append(f"would have broadcast {message.get('type', 'a message')!s} to {group}")
        return None


@contextlib.contextmanager
def _channel_layers_captured() -> Iterator[None]:
    from channels.layers import BaseChannelLayer, channel_layers

    originals = {}
    for alias in getattr(settings, "CHANNEL_LAYERS", None) or {}:
        layer = channel_layers[alias]
        if layer is not None and not isinstance(layer, _CapturingLayer):
            originals[alias] = layer
            channel_layers.backends[alias] = cast(BaseChannelLayer, _CapturingLayer(layer))
    try:
        yield
    finally:
        channel_layers.backends.update(originals)


@contextlib.contextmanager
def contained() -> Iterator[None]:
    """Email to memory and channel-layer sends captured, for one check run at a time."""
    with _checking, _channel_layers_captured():
        had_outbox = hasattr(mail, "outbox")
        saved = mail.outbox if had_outbox else []
        mail.outbox = []
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                yield
        finally:
            if had_outbox:
                mail.outbox = saved
            else:
                del mail.outbox


@contextlib.contextmanager
def _rolled_back() -> Iterator[None]:
    """Every configured database in a transaction that is rolled back, whatever happens."""
    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(transaction.atomic(using=alias))
        try:
            yield
        finally:
            for alias in connections:
                transaction.set_rollback(True, using=alias)


def _emails(sent: Sequence[Any]) -> list[str]:
    told = []
    for message in sent:
        to = ", ".join([*message.to, *message.cc, *message.bcc]) or "nobody"
        told.append(f"would have sent 1 email to {to} ({message.subject!s:.80})")
    return told


# -- one event ----------------------------------------------------------------------


def _run(client: LiveViewTestClient, name: str, params: dict[str, Any]) -> str | None:
    """Run event ``name`` as djust's socket does; its error text, or None."""
    params = dict(params)
    component_id = params.pop("component_id", None)
    view = client.view_instance
    target = view if component_id is None else _djust.component(view, str(component_id))
    if target is None:
        return f"Component {component_id!r} is not on the view any more."
    handler = getattr(target, name, None)
    if component_id is None and not inspect.iscoroutinefunction(handler):
        try:
            error: str | None = client.send_event(name, **params)["error"]
            return error
        except NoHandlerFoundError:
            return f"{type(view).__name__} has no handler {name!r} any more."
    if handler is None:
        return f"{type(target).__name__} has no handler {name!r} any more."
    validation = validate_handler_params(handler, params, name)
    if not validation["valid"]:
        return str(validation["error"])
    try:
        if inspect.iscoroutinefunction(handler):
            async_to_sync(handler)(**validation["coerced_params"])
        else:
            handler(**validation["coerced_params"])
    except Exception as exc:  # a raising handler is a result
        return str(exc) or type(exc).__name__
    return None


def _error_change(recorded: str | None, now: str | None) -> str | None:
    if recorded in REFUSALS:
        return None if now else f"djust refused it when recorded ({recorded}); now it runs."
    if recorded and not (now or "").startswith(recorded[:60]):
        return f"The handler raised when recorded ({recorded[:80]}); now: {now or 'no error'}."
    if not recorded and now:
        return f"The handler raises now: {now[:200]}"
    return None


def check_event(cls: type, entry: Entry, masker: Masker) -> EventCheck:
    """Replay ``entry`` on a fresh ``cls`` from its recorded before-state and judge it."""
    snapshot = entry.snapshot
    name = str(snapshot.event_name)
    before, after = _states(entry)
    skipped: list[Skipped] = []
    expected = {
        key: expected_value(key, after.get(key, MISSING), masker, skipped)
        for key in changed_keys(before, after)
    }
    unchecked = unchecked_keys([before, after], masker)
    if unawaited_replay(snapshot, getattr(cls, name, None)):
        message = (
            "Not run: a forward replay of an async handler, which djust's replay never "
            "awaited (it changed nothing when recorded)."
        )
        return EventCheck(entry.seq, name, "not-run", message)
    sink: list[str] = []
    token = _sink.set(sink)
    outbox_start = len(mail.outbox)
    try:
        with _rolled_back():
            client = LiveViewTestClient(cls)
            client.mount()
            values = {**client.get_state(), **(snapshot.state_before or {})}
            restore_snapshot(client.view_instance, EventSnapshot("check", {}, None, 0.0, values))
            actual_before = decimal_tags_to_strings(_djust.captured_state(client.view_instance))
            error = _run(client, name, dict(snapshot.params or {}))
            actual_after = decimal_tags_to_strings(_djust.captured_state(client.view_instance))
            pushed = _djust.pending_push_events(client.view_instance)
    except Exception as exc:  # mount or restore raised: that is the answer
        message = f"The view could not be set up from the recording: {exc!s:.200}"
        return EventCheck(entry.seq, name, "diverged", message, skipped=tuple(skipped))
    finally:
        _sink.reset(token)
    # What the event held (and what this run raised or sent) is masked as the event
    # would be: an email's subject may quote a token the event's params carry.
    context = [snapshot.params, snapshot.state_before, snapshot.state_after]
    effects = tuple(
        masker.mask_text(effect, context) or ""
        for effect in (
            *_emails(mail.outbox[outbox_start:]),
            *(f"would have pushed event {event!r} to the page" for event, _ in pushed),
            *sink,
        )
    )
    changed_error = masker.mask_text(_error_change(snapshot.error, error), context)
    if changed_error is not None:
        return EventCheck(entry.seq, name, "diverged", changed_error, (), tuple(skipped), effects)
    found = judge(expected, actual_before, actual_after, unchecked)
    if found is not None:
        mismatch = _masked_mismatch(found, masker, context)
        message = (
            f"{mismatch.path} changed, the recording says it kept its value."
            if mismatch.unchanged
            else f"{mismatch.path} differs from the recording."
        )
        return EventCheck(
            entry.seq, name, "diverged", message, (mismatch,), tuple(skipped), effects
        )
    if expected and all(_fully_masked(key, after, masker) for key in expected):
        message = "Only masked values changed: nothing was compared but the error."
        return EventCheck(entry.seq, name, "masked", message, (), tuple(skipped), effects)
    return EventCheck(entry.seq, name, "same", "Same as recorded.", (), tuple(skipped), effects)


def _fully_masked(key: str, state: Mapping[str, Any], masker: Masker) -> bool:
    return is_masked(masker.mask({key: state.get(key, MISSING)})[key])


def _masked_mismatch(found: Mismatch, masker: Masker, context: Sequence[Any] = ()) -> Mismatch:
    """The mismatch as it may be shown: secrets masked (with those known in ``context``,
    the event's params and states), long values cut."""
    leaf = found.path.rpartition(".")[2].partition("[")[0] or found.path

    def shown(value: Any) -> str:
        if value is MISSING:
            return "(not there)"
        masked = masker.mask([*context, {leaf: value}])[-1][leaf]
        if contains_masked(masked):
            return str(MASKED)
        text = json.dumps(masked, ensure_ascii=False, default=str)
        return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"

    return Mismatch(found.path, shown(found.expected), shown(found.actual), found.unchanged)


def check_events(view_path: str, entries: Sequence[Entry], masker: Masker) -> list[EventCheck]:
    """Check each entry (oldest first) against the code as it is now, contained."""
    cls = view_class(view_path)
    with contained():
        return [check_event(cls, entry, masker) for entry in entries]
