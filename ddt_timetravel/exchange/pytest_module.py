"""Turn a stretch of the timeline into a pytest module that replays it.

The generated test uses djust's own ``LiveViewTestClient``: it runs the real
handlers with djust's parameter coercion and permission checks, needs no server
or socket, and so drops into any project's test suite. It mounts the view, puts
it in the state recorded before the first event (with djust's
``restore_snapshot``), sends each event with its recorded params and holds the
result to the recording by key path (:mod:`.replay_compare`).

The recorded history is not always one straight line: a restore, a forward
replay, a component restore or background work that finished between two
events leaves an event's before-state different from the previous event's
after-state. Wherever that happens the test restores the recorded before-state
too, with a comment that says why, so it passes on any history the panel shows.
A forward replay of an async handler, which djust never awaited, is not run.
Secrets never leave the server, so masked values are neither restored nor
asserted, and values that depend on time or chance are not asserted, at any
depth; a comment names each one.
"""

from __future__ import annotations

import json
import keyword
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from json.encoder import encode_basestring
from typing import Any

from django.utils.module_loading import import_string
from djust.serialization import decimal_tags_to_strings

from .._djust import COMPONENTS_KEY
from ..core.diff import same
from ..core.masking import MARK, Masker, contains_masked
from ..core.numbering import Entry
from ..core.replay_compare import (
    MISSING,
    UNCHECKED,
    Skipped,
    changed_keys,
    expected_value,
    is_volatile,
    unawaited_replay,
    unchecked_keys,
)
from .json_export import package_version

__all__ = ["is_volatile", "pytest_module", "test_name", "view_slug"]

LINE_LENGTH = 99
REFUSALS = frozenset({"permission_denied", "validation_failed"})


# -- Python literals, laid out the way ruff format lays them out --------------------


def _scalar(value: Any) -> str:
    if value is UNCHECKED:
        return "ANY"
    if value is MISSING:
        return "MISSING"
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, (int, float)):
        return repr(value)
    return encode_basestring(str(value))  # what json.dumps(..., ensure_ascii=False) writes


def literal(value: Any, indent: int = 0, room: int = LINE_LENGTH) -> str:
    """``value`` as Python source: one line when it fits in ``room``, else one item a line."""
    if isinstance(value, dict):
        items = [f"{_scalar(k)}: " for k in value]
        inner = [
            literal(v, indent + 4, LINE_LENGTH - indent - 5 - len(k))
            for k, v in zip(items, value.values(), strict=True)
        ]
        pairs = [k + v for k, v in zip(items, inner, strict=True)]
        opening, closing = "{", "}"
    elif isinstance(value, (list, tuple)):
        pairs = [literal(v, indent + 4, LINE_LENGTH - indent - 5) for v in value]
        opening, closing = "[", "]"
    else:
        return _scalar(value)
    one_line = opening + ", ".join(pairs) + closing
    if not pairs or ("\n" not in one_line and len(one_line) <= room):
        return one_line
    pad = " " * (indent + 4)
    body = "".join(f"{pad}{pair},\n" for pair in pairs)
    return f"{opening}\n{body}{' ' * indent}{closing}"


# -- what the test does, event by event ---------------------------------------------


@dataclass(frozen=True)
class Restore:
    """A recorded state the test puts back before an event, and why."""

    why: str
    changes: dict[str, Any]
    removed: tuple[str, ...] = ()
    masked: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportedEvent:
    """What the generated test does for one recorded event."""

    seq: int
    name: str
    params: dict[str, Any]
    skipped_params: tuple[str, ...]
    error: str | None
    expected: dict[str, Any]
    skipped: tuple[Skipped, ...]
    unchecked_keys: tuple[str, ...]
    restore: Restore | None
    not_run: bool = False


def _fingerprint(value: Any) -> str:
    try:
        return json.dumps(value, sort_keys=True, default=repr, allow_nan=True)
    except (TypeError, ValueError):  # keys of mixed types cannot be sorted
        return repr(value)


def _components(state: Mapping[str, Any]) -> Mapping[str, Any]:
    components = state.get(COMPONENTS_KEY)
    return components if isinstance(components, Mapping) else {}


class _Landmarks:
    """The states seen so far in the range, to name the one the page was restored to."""

    def __init__(self) -> None:
        self.after: dict[str, int] = {}
        self.before: dict[str, int] = {}
        self.handled: dict[tuple[str, str], int] = {}
        self.components: dict[tuple[str, str], str] = {}

    def add(self, seq: int, snapshot: Any) -> None:
        before, after = snapshot.state_before or {}, snapshot.state_after or {}
        self.before[_fingerprint(before)] = seq
        self.after[_fingerprint(after)] = seq
        if snapshot.ref is not None:
            self.handled[(str(snapshot.event_name), _fingerprint(before))] = seq
        for which, state in (("before", before), ("after", after)):
            for component_id, value in _components(state).items():
                self.components[(str(component_id), _fingerprint(value))] = f"{which} #{seq}"

    def why(self, seq: int, snapshot: Any, previous_after: Mapping[str, Any]) -> str:
        """Why event ``seq`` did not start where the event before it ended."""
        before = snapshot.state_before or {}
        fingerprint = _fingerprint(before)
        origin = self.handled.get((str(snapshot.event_name), fingerprint))
        if snapshot.ref is None and origin is not None:
            return (
                f"This event is a forward replay of #{origin}: djust restored the state "
                f"recorded before #{origin} and ran {snapshot.event_name} again."
            )
        after, before_seq = self.after.get(fingerprint), self.before.get(fingerprint)
        if after is not None and before_seq is not None:
            return (
                f"The page was restored here to the state after #{after}, which is also the "
                f'state before #{before_seq} ("Restore after" #{after} or "Restore before" '
                f"#{before_seq})."
            )
        if after is not None:
            return f'The page was restored here to the state after #{after} ("Restore after").'
        if before_seq is not None:
            return (
                f'The page was restored here to the state before #{before_seq} ("Restore before").'
            )
        components = self._component_restores(before, previous_after)
        if components:
            return " ".join(components)
        return (
            f"The state changed between the previous event and #{seq} without an event "
            "here: background work (such as start_async) that finished in between, or a "
            "restore to a state that is no longer held."
        )

    def _component_restores(
        self, before: Mapping[str, Any], previous_after: Mapping[str, Any]
    ) -> list[str]:
        others = set(before) | set(previous_after)
        others.discard(COMPONENTS_KEY)
        if any(not same(before.get(k), previous_after.get(k)) for k in others):
            return []
        now, then = _components(before), _components(previous_after)
        told = []
        for component_id, value in now.items():
            if same(value, then.get(component_id)):
                continue
            label = self.components.get((str(component_id), _fingerprint(value)))
            if label is None:
                return []
            told.append(f"Component {component_id!r} was restored to its state {label} here.")
        return told


def _kept(state: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``state`` (a masked copy) without the keys that hold a masked value, and those keys."""
    kept, masked = {}, []
    for key, value in state.items():
        if contains_masked(value):
            masked.append(key)
        else:
            kept[key] = value
    return kept, masked


def _restore(
    state: Mapping[str, Any], since: Mapping[str, Any], masker: Masker, why: str
) -> Restore:
    """Put back what differs in ``state`` from ``since`` (all of it when ``since`` is empty)."""
    differing = {k: v for k, v in state.items() if k not in since or not same(v, since[k])}
    changes, masked = _kept(differing)
    removed = tuple(k for k in since if k not in state) if since else ()
    return Restore(why=why, changes=changes, removed=removed, masked=tuple(masked))


def _exported_event(
    entry: Entry, masker: Masker, restore: Restore | None, view_class: type | None
) -> ExportedEvent:
    snapshot = entry.snapshot
    before = decimal_tags_to_strings(snapshot.state_before or {})
    after = decimal_tags_to_strings(snapshot.state_after or {})
    params = decimal_tags_to_strings(snapshot.params or {})
    masked_params = masker.mask(params)
    skipped: list[Skipped] = []
    expected, unchecked = {}, []
    for key in changed_keys(before, after):
        count = len(skipped)
        expected[key] = expected_value(key, after.get(key, MISSING), None, skipped)
        if len(skipped) > count:
            unchecked.append(key)
    return ExportedEvent(
        seq=entry.seq,
        name=str(snapshot.event_name),
        params={k: v for k, v in params.items() if masked_params.get(k) == v},
        skipped_params=tuple(k for k in params if masked_params.get(k) != params[k]),
        error=snapshot.error,
        expected=expected,
        skipped=tuple(skipped),
        unchecked_keys=tuple(unchecked),
        restore=restore,
        not_run=unawaited_replay(snapshot, getattr(view_class, snapshot.event_name, None)),
    )


def exported_events(
    entries: Sequence[Entry], masker: Masker, view_class: type | None = None
) -> list[ExportedEvent]:
    """Each entry with what the test sends, expects and restores before it, from the
    events' masked copies: a masked value is never sent, restored or asserted."""
    entries = [Entry(e.seq, e.index, masker.event(e.snapshot)) for e in entries]
    landmarks = _Landmarks()
    events = []
    previous: Entry | None = None
    for entry in entries:
        snapshot = entry.snapshot
        before = snapshot.state_before or {}
        restore = None
        if previous is None:
            why = (
                "Start from the state recorded before #1."
                if entry.seq == 1
                else f"The history before #{entry.seq} is not in this test (evicted from the "
                f"buffer, or outside the exported range): start from the state recorded "
                f"before #{entry.seq}."
            )
            restore = _restore(before, {}, masker, why)
        else:
            previous_after = previous.snapshot.state_after or {}
            if not same(before, previous_after):
                why = landmarks.why(entry.seq, snapshot, previous_after)
                restore = _restore(before, previous_after, masker, why)
        events.append(_exported_event(entry, masker, restore, view_class))
        landmarks.add(entry.seq, snapshot)
        previous = entry
    return events


def _identifier(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text)).strip("_")
    return name.lower() or "event"


def view_slug(view_path: str) -> str:
    """``counter_view`` for ``demo_app.views.CounterView``: names the test and the files."""
    return _identifier(view_path.rpartition(".")[2])


def test_name(view_path: str, events: Sequence[ExportedEvent]) -> str:
    """``test_counter_view_increment_add``: named after the view and its events."""
    names: list[str] = []
    for event in events:
        if _identifier(event.name) not in names:
            names.append(_identifier(event.name))
    shown = names[:4] + (["and_more"] if len(names) > 4 else [])
    return "test_" + "_".join([view_slug(view_path), *shown])


def _send(event: ExportedEvent) -> list[str]:
    name = json.dumps(event.name)
    simple = all(k.isidentifier() and not keyword.iskeyword(k) for k in event.params)
    if simple:
        args = "".join(f", {k}={literal(v)}" for k, v in event.params.items())
        call = f"    result = send(client, {name}{args})"
        if len(call) <= LINE_LENGTH and "\n" not in call:
            return [call]
    return [
        f"    params = {literal(event.params, 4, LINE_LENGTH - 13)}",
        f"    result = send(client, {name}, **params)",
    ]


def comment(text: str, indent: int = 4) -> list[str]:
    """``text`` as ``#`` comment lines that fit the line length."""
    pad = " " * indent + "# "
    printable = "".join(ch if ch.isprintable() else "?" for ch in text)
    return [pad + line for line in textwrap.wrap(printable, LINE_LENGTH - len(pad))]


def _restore_lines(event: ExportedEvent, constant: str) -> list[str]:
    restore = event.restore
    if restore is None:
        return []
    lines = comment(restore.why)
    if restore.masked:
        masked = ", ".join(restore.masked)
        lines += comment(f"Masked in the recording, so not restored: {masked}.")
    removed = f", removed={literal(restore.removed)}" if restore.removed else ""
    lines.append(f"    restore(client, {constant}{removed})")
    return lines


def _event_lines(event: ExportedEvent, before: str, after: str) -> list[str]:
    lines = _restore_lines(event, before)
    if lines:
        lines.append("")
    lines += comment(f"Event #{event.seq}: {event.name}")
    if event.not_run:
        return lines + comment(
            "A forward replay of an async handler: djust's replay calls it without "
            "awaiting it, so it never ran and changed nothing. Not run here either."
        )
    if event.skipped_params:
        skipped = ", ".join(event.skipped_params)
        lines += comment(f"Masked in the recording, so not sent: {skipped}. Pass values if needed.")
    lines += _send(event)
    if event.error in REFUSALS:
        lines += comment(f"djust refused this event when it was recorded ({event.error}).")
        lines.append('    assert result["error"] is not None')
    elif event.error:
        lines += comment("The handler raised when it was recorded.")
        known = event.error.split(MARK)[0][:60]  # only the text before a masked piece
        lines.append(f'    assert (result["error"] or "").startswith({literal(known)})')
    else:
        lines.append('    assert result["error"] is None, result["error"]')
    masked = [s.path for s in event.skipped if s.reason == "masked"]
    volatile = [s.path for s in event.skipped if s.reason == "volatile"]
    if masked:
        lines += comment(
            f"Masked (secrets never leave the server), not asserted: {', '.join(masked)}"
        )
    if volatile:
        lines += comment(f"Depends on time or chance, not asserted: {', '.join(volatile)}")
    label = literal(f"#{event.seq} {event.name}")
    lines.append(f"    expect_state(result, {label}, {after or '{}'})")
    return lines


HELPERS = """
class Missing:
    \"\"\"An absent key, kept apart from None.\"\"\"

    def __repr__(self):
        return "<missing>"


MISSING = Missing()


def state(client):
    \"\"\"The view's state as djust's time travel records it, components included.\"\"\"
    return decimal_tags_to_strings(client.view_instance._capture_snapshot_state())


def restore(client, recorded, removed=()):
    \"\"\"Put recorded values back with djust's restore_snapshot, as the panel's Restore does.\"\"\"
    values = {**client.get_state(), **recorded}
    values = {key: value for key, value in values.items() if key not in removed}
    snapshot = EventSnapshot("restore", {}, None, 0.0, state_before=values)
    restore_snapshot(client.view_instance, snapshot, "before")


def send(client, event, **params):
    \"\"\"Run ``event`` as djust's socket does; return its error and the states around it.

    A ``component_id`` routes the event to that component and an async handler is
    awaited: djust's consumer does both, ``send_event`` neither.
    \"\"\"
    before = state(client)
    component_id = params.pop("component_id", None)
    view = client.view_instance
    target = view if component_id is None else view._components[component_id]
    handler = getattr(target, event, None)
    if component_id is None and not inspect.iscoroutinefunction(handler):
        error = client.send_event(event, **params)["error"]
    else:
        error = call(handler, event, params)
    return {"error": error, "before": before, "after": state(client)}


def call(handler, event, params):
    \"\"\"Coerce the params as djust does and run the handler; its error, or None.\"\"\"
    validation = validate_handler_params(handler, params, event)
    if not validation["valid"]:
        return validation["error"]
    try:
        if inspect.iscoroutinefunction(handler):
            async_to_sync(handler)(**validation["coerced_params"])
        else:
            handler(**validation["coerced_params"])
    except Exception as exc:  # the recording holds the error text
        return str(exc)
    return None


def first_difference(want, got, path):
    \"\"\"The key path where ``got`` first differs from ``want``, and both values there.\"\"\"
    if isinstance(want, dict) and isinstance(got, dict):
        for key in [*want, *(key for key in got if key not in want)]:
            nested = f"{path}.{key}"
            found = first_difference(want.get(key, MISSING), got.get(key, MISSING), nested)
            if found[1] != found[2]:
                return found
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for index, (item, other) in enumerate(zip(want, got, strict=True)):
            found = first_difference(item, other, f"{path}[{index}]")
            if found[1] != found[2]:
                return found
    return path, want, got


def expect_state(result, event, expected):
    \"\"\"The keys the event changed hold the recorded values; every other key kept its value.

    ANY marks a value that is not compared (masked, or dependent on time or chance).
    \"\"\"
    before, after = result["before"], result["after"]
    others = [key for key in [*before, *after] if key not in expected]
    for key in [*expected, *(key for key in others if key not in NOT_COMPARED)]:
        want = expected[key] if key in expected else before.get(key, MISSING)
        path, want, got = first_difference(want, after.get(key, MISSING), key)
        assert got == want, f"{path} after event {event}"
"""


def _not_compared(
    events: Sequence[ExportedEvent], entries: Sequence[Entry], masker: Masker
) -> list[str]:
    """Top-level keys the "kept its value" check leaves alone: masked or volatile somewhere."""
    first = decimal_tags_to_strings(masker.event(entries[0].snapshot).state_before or {})
    keys = unchecked_keys([first], None)
    for event in events:
        keys.update(event.unchecked_keys)
        if event.restore is not None:
            keys.update(event.restore.masked)
    return sorted(keys, key=str)


def pytest_module(
    view_path: str, entries: Sequence[Entry], masker: Masker, captured_at: datetime | None = None
) -> str:
    """Source of a pytest module replaying ``entries`` (oldest first) on ``view_path``."""
    if not entries:
        raise ValueError("There are no events to export.")
    module, _, class_name = view_path.rpartition(".")
    try:
        view_class = import_string(view_path)
    except ImportError:
        view_class = None  # nothing to learn from the class: every event is sent
    events = exported_events(entries, masker, view_class)
    moment = (captured_at or datetime.now(tz=timezone.utc)).isoformat(timespec="seconds")
    span = f"#{events[0].seq}" + (f" to #{events[-1].seq}" if len(events) > 1 else "")
    about = (
        f"Recorded on {view_path}, events {span}, at {moment} with djust "
        f"{package_version('djust')}. It mounts the view with djust's LiveViewTestClient, "
        "restores the state recorded before the first event (and wherever the history "
        "was restored, replayed or changed in the background), sends each event with its "
        "recorded params and checks the state after it against the recording, by key path."
    )
    constants: list[str] = []
    not_compared = _not_compared(events, entries, masker)
    if not_compared:
        constants += comment(
            "Masked or dependent on time or chance: never compared as unchanged.", 0
        )
    constants.append(f"NOT_COMPARED = {literal(not_compared, 0, LINE_LENGTH - 15)}")
    befores, afters = {}, {}
    for event in events:
        if event.restore is not None:
            befores[event.seq] = f"BEFORE_{event.seq}"
            room = LINE_LENGTH - len(befores[event.seq]) - 3
            constants.append(f"{befores[event.seq]} = {literal(event.restore.changes, 0, room)}")
        if event.expected:
            afters[event.seq] = f"AFTER_{event.seq}"
            room = LINE_LENGTH - len(afters[event.seq]) - 3
            constants.append(f"{afters[event.seq]} = {literal(event.expected, 0, room)}")
    out = [
        '"""Regression test exported by ddt-timetravel.',
        "",
        *textwrap.wrap(about, LINE_LENGTH - 10),
        '"""',
        "",
        "import inspect",
        *(["from unittest.mock import ANY"] if any(e.skipped for e in events) else []),
        "",
        "import pytest",
        "from asgiref.sync import async_to_sync",
        "from djust.serialization import decimal_tags_to_strings",
        "from djust.testing import LiveViewTestClient",
        "from djust.time_travel import EventSnapshot, restore_snapshot",
        "from djust.validation import validate_handler_params",
        "",
        f"from {module} import {class_name}",
        "",
    ]
    out += constants
    out += ["", HELPERS, ""]
    out.append("@pytest.mark.django_db")
    out.append(f"def {test_name(view_path, events)}():")
    out.append(f'    """Events {span} of {class_name}, replayed as recorded."""')
    out.append(f"    client = LiveViewTestClient({class_name})")
    out.append("    client.mount()")
    for event in events:
        lines = _event_lines(event, befores.get(event.seq, ""), afters.get(event.seq, ""))
        out += ["", *lines] if out[-1] != "    client.mount()" else lines
    return "\n".join(out) + "\n"
