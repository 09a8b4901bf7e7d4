"""Turn a stretch of the timeline into a pytest module that replays it.

The generated test uses djust's own ``LiveViewTestClient``: it runs the real
handlers with djust's parameter coercion and permission checks, needs no server
or socket, and so drops into any project's test suite. It mounts the view, puts
it in the state recorded before the first event (with djust's
``restore_snapshot``), sends each event with its recorded params and checks the
keys the recording says changed. Secrets never leave the server, so masked
values are not asserted (a comment says so), and neither are values that
depend on time or chance: keys named like ``created_at``, ``timestamp`` or
``uuid``, and values shaped like ISO datetimes or UUIDs.
"""

from __future__ import annotations

import json
import keyword
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from djust.serialization import decimal_tags_to_strings

from .diff import same
from .export import package_version
from .history import Entry
from .masking import Masker, name_parts

LINE_LENGTH = 99
COMPONENTS_KEY = "__components__"
REFUSALS = frozenset({"permission_denied", "validation_failed"})
VOLATILE_NAME_PARTS = frozenset(
    {
        "time",
        "timestamp",
        "date",
        "datetime",
        "now",
        "at",
        "created",
        "updated",
        "modified",
        "uuid",
        "guid",
        "nonce",
        "random",
        "seed",
        "elapsed",
    }
)
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def is_volatile(key: str, value: Any) -> bool:
    """True for values that depend on time or chance, never asserted by default."""
    if VOLATILE_NAME_PARTS & set(name_parts(key)):
        return True
    return isinstance(value, str) and bool(_ISO_DATETIME.match(value) or _UUID.match(value))


# -- Python literals, laid out the way ruff format lays them out --------------------


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


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


# -- the module ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedEvent:
    """What the generated test does for one recorded event."""

    seq: int
    name: str
    params: dict[str, Any]
    skipped_params: tuple[str, ...]
    error: str | None
    expected: dict[str, Any]
    masked_keys: tuple[str, ...]
    volatile_keys: tuple[str, ...]


def _changed_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    keys = [k for k in after if k != COMPONENTS_KEY]
    keys += [k for k in before if k not in after and k != COMPONENTS_KEY]
    return [k for k in keys if not same(before.get(k), after.get(k))]


def _exported_event(entry: Entry, masker: Masker) -> ExportedEvent:
    snapshot = entry.snapshot
    before = decimal_tags_to_strings(snapshot.state_before or {})
    after = decimal_tags_to_strings(snapshot.state_after or {})
    params = decimal_tags_to_strings(snapshot.params or {})
    masked_params = masker.mask(params)
    expected, masked, volatile = {}, [], []
    for key in _changed_keys(before, after):
        value = after.get(key)
        if masker.mask({key: value})[key] != value or masker.is_secret_key(key):
            masked.append(key)
        elif is_volatile(key, value):
            volatile.append(key)
        else:
            expected[key] = value
    return ExportedEvent(
        seq=entry.seq,
        name=str(snapshot.event_name),
        params={k: v for k, v in params.items() if masked_params.get(k) == v},
        skipped_params=tuple(k for k in params if masked_params.get(k) != params[k]),
        error=snapshot.error,
        expected=expected,
        masked_keys=tuple(masked),
        volatile_keys=tuple(volatile),
    )


def _start_state(entry: Entry, masker: Masker) -> tuple[dict[str, Any], list[str]]:
    state = decimal_tags_to_strings(entry.snapshot.state_before or {})
    masked_state = masker.mask(state)
    kept = {k: v for k, v in state.items() if masked_state.get(k) == v}
    return kept, [k for k in state if k not in kept]


def _identifier(text: str) -> str:
    name = re.sub(r"[^0-9a-zA-Z]+", "_", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", text)).strip("_")
    return name.lower() or "event"


def test_name(view_path: str, events: Sequence[ExportedEvent]) -> str:
    """``test_counter_view_increment_add``: named after the view and its events."""
    names: list[str] = []
    for event in events:
        if _identifier(event.name) not in names:
            names.append(_identifier(event.name))
    shown = names[:4] + (["and_more"] if len(names) > 4 else [])
    return "test_" + "_".join([_identifier(view_path.rpartition(".")[2]), *shown])


def _send(event: ExportedEvent) -> list[str]:
    name = json.dumps(event.name)
    simple = all(k.isidentifier() and not keyword.iskeyword(k) for k in event.params)
    if simple:
        args = "".join(f", {k}={literal(v)}" for k, v in event.params.items())
        call = f"    result = client.send_event({name}{args})"
        if len(call) <= LINE_LENGTH and "\n" not in call:
            return [call]
    return [
        f"    params = {literal(event.params, 4, LINE_LENGTH - 13)}",
        f"    result = client.send_event({name}, **params)",
    ]


def comment(text: str, indent: int = 4) -> list[str]:
    """``text`` as ``#`` comment lines that fit the line length."""
    pad = " " * indent + "# "
    printable = "".join(ch if ch.isprintable() else "?" for ch in text)
    return [pad + line for line in textwrap.wrap(printable, LINE_LENGTH - len(pad))]


def _event_lines(event: ExportedEvent, constant: str) -> list[str]:
    lines = comment(f"Event #{event.seq}: {event.name}")
    if event.skipped_params:
        skipped = ", ".join(event.skipped_params)
        lines += comment(f"Masked in the recording, so not sent: {skipped}. Pass values if needed.")
    lines += _send(event)
    if event.error in REFUSALS:
        lines += comment(f"djust refused this event when it was recorded ({event.error}).")
        lines.append('    assert result["error"] is not None')
    elif event.error:
        lines += comment("The handler raised when it was recorded.")
        lines.append(f'    assert (result["error"] or "").startswith({literal(event.error[:60])})')
    else:
        lines.append('    assert result["error"] is None, result["error"]')
    if event.masked_keys:
        masked = ", ".join(event.masked_keys)
        lines += comment(f"Masked (secrets never leave the server), not asserted: {masked}")
    if event.volatile_keys:
        volatile = ", ".join(event.volatile_keys)
        lines += comment(f"Depends on time or chance, not asserted: {volatile}")
    if event.expected:
        label = literal(f"#{event.seq} {event.name}")
        lines.append(f"    expect_state(client, {label}, {constant})")
    return lines


HELPER = '''def expect_state(client, event, expected):
    """Check the keys an event changed against the values recorded for them."""
    state = client.get_state()
    for key, value in expected.items():
        assert state.get(key) == value, f"{key} after event {event}"
'''


def pytest_module(
    view_path: str, entries: Sequence[Entry], masker: Masker, captured_at: datetime | None = None
) -> str:
    """Source of a pytest module replaying ``entries`` (oldest first) on ``view_path``."""
    if not entries:
        raise ValueError("There are no events to export.")
    module, _, class_name = view_path.rpartition(".")
    events = [_exported_event(entry, masker) for entry in entries]
    start, masked_start = _start_state(entries[0], masker)
    moment = (captured_at or datetime.now(tz=timezone.utc)).isoformat(timespec="seconds")
    span = f"#{events[0].seq}" + (f" to #{events[-1].seq}" if len(events) > 1 else "")
    about = (
        f"Recorded on {view_path}, events {span}, at {moment} with djust "
        f"{package_version('djust')}. It mounts the view with djust's LiveViewTestClient, "
        "restores the state recorded before the first event, sends each event with its "
        "recorded params and checks the keys the recording says changed."
    )
    out = [
        '"""Regression test exported by ddt-timetravel.',
        "",
        *textwrap.wrap(about, LINE_LENGTH - 10),
        '"""',
        "",
        "from djust.testing import LiveViewTestClient",
        "from djust.time_travel import EventSnapshot, restore_snapshot",
        "",
        f"from {module} import {class_name}",
        "",
    ]
    if masked_start:
        masked = ", ".join(masked_start)
        out += comment(f"Masked in the recording, left at the mounted value: {masked}", 0)
    out.append(f"START = {literal(start, 0, LINE_LENGTH - 8)}")
    constants = {}
    for event in events:
        if event.expected:
            constants[event.seq] = f"AFTER_{event.seq}"
            value = literal(event.expected, 0, LINE_LENGTH - len(constants[event.seq]) - 3)
            out.append(f"{constants[event.seq]} = {value}")
    out += ["", "", HELPER, ""]
    out.append(f"def {test_name(view_path, events)}():")
    out.append(f'    """Events {span} of {class_name}, replayed as recorded."""')
    out.append(f"    client = LiveViewTestClient({class_name})")
    out.append("    client.mount()")
    out.append("    start = {**client.get_state(), **START}")
    out.append('    snapshot = EventSnapshot("start", {}, None, 0.0, state_before=start)')
    out.append('    restore_snapshot(client.view_instance, snapshot, "before")')
    for event in events:
        out.append("")
        out += _event_lines(event, constants.get(event.seq, ""))
    return "\n".join(out) + "\n"
