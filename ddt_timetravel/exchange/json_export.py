"""The timeline as a JSON document: for a teammate, a bug report, or an import.

Masking applies exactly as on screen: a masked value is the marker string
``"•••• masked"``. Decimals that djust tagged for restoring are written as
their digit strings; every other value is the JSON djust recorded.

Format 2 adds each event's ``cost``: handler and render time, patch and state
bytes, and its queries with params (masked), time and source line; the numbers
are null (and ``queries`` is null) where the event's turn was not measured.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from djust.serialization import decimal_tags_to_strings

from .. import __version__
from ..core.masking import MASKED, Masked, Masker, PartlyMasked
from ..core.numbering import Entry
from ..recording.turns import event_cost

FORMAT = "ddt-timetravel/2"
#: Every format this version opens: format 1 has no ``cost``.
READABLE_FORMATS = ("ddt-timetravel/1", FORMAT)


def package_version(name: str) -> str:
    """Installed version of a distribution, or ``unknown``."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def _plain(value: Any) -> Any:
    """Masked markers become their text so the document is plain JSON."""
    if isinstance(value, (Masked, PartlyMasked)):
        return str.__str__(value) if isinstance(value, str) else str(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds")


def cost_record(snapshot: Any, masker: Masker) -> dict[str, Any]:
    """What one event cost, as exported: the numbers its turn measured."""
    cost = event_cost(snapshot, masker)
    queries = None
    if cost.measured:
        queries = [
            {
                "sql": query.sql,
                "params": _plain(list(query.params)),
                "ms": round(query.duration_ms, 3),
                "source": query.source,
                "template": query.template,
                "phase": query.phase,
            }
            for query in cost.queries
        ]
    return {
        "handler_ms": cost.handler_ms,
        "render_ms": cost.render_ms,
        "patch_bytes": cost.patch_bytes,
        "state_bytes": cost.state_bytes,
        "queries": queries,
    }


def event_record(entry: Entry, masker: Masker) -> dict[str, Any]:
    """One event as exported, from its masked copy: name, params, ref, time, error,
    both states, cost.

    The states keep their masked values as they are (one pass less over a big
    state): written with ``json.dumps(..., default=str)`` they read as the marker.
    """
    snapshot = masker.event(entry.snapshot)

    def shown(value: Any) -> Any:
        return decimal_tags_to_strings(value or {})

    return {
        "seq": entry.seq,
        "event_name": snapshot.event_name,
        "params": shown(snapshot.params),
        "ref": snapshot.ref,
        "ts": snapshot.ts,
        "time": _iso(snapshot.ts),
        "error": _plain(snapshot.error),
        "state_before": shown(snapshot.state_before),
        "state_after": shown(snapshot.state_after),
        "cost": cost_record(entry.snapshot, masker),  # measured for the recorded event
    }


def timeline_document(
    view_path: str, entries: Sequence[Entry], masker: Masker, captured_at: datetime | None = None
) -> dict[str, Any]:
    """The whole export document for ``entries`` (oldest first); write it with
    ``json.dumps(..., default=str)``."""
    return {
        "format": FORMAT,
        "view": view_path,
        "versions": {
            "djust": package_version("djust"),
            "ddt_timetravel": __version__,
        },
        "captured_at": (captured_at or datetime.now(tz=timezone.utc)).isoformat(timespec="seconds"),
        "masked_marker": str(MASKED),
        "events": [event_record(entry, masker) for entry in entries],
    }
