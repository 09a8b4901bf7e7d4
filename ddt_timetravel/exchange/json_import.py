"""Open an exported timeline read-only: validate the document, rebuild snapshots.

The snapshots built here belong to no view and no buffer, so nothing can be
restored from them; they feed the same row and diff renderers as live ones.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.http import HttpRequest
from djust.time_travel import EventSnapshot

from ..core.limits import MAX_DEPTH, json_too_deep
from ..core.numbering import Entry
from ..recording import turns
from .json_export import READABLE_FORMATS

MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: An export nests its states three levels down (document, events, event).
MAX_IMPORT_DEPTH = MAX_DEPTH + 3
TOO_BIG = "The file is larger than 20 MB: export fewer events (the 'from' and 'to' fields)."
#: Year 9999: later times cannot be shown as dates.
MAX_TIMESTAMP = 253_402_300_799


class BadImport(ValueError):
    """The file cannot be opened; the message says why and is safe to show."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BadImport(message)


def _event(raw: Any, position: int) -> Entry:
    where = f"Event {position + 1} of the file"
    _require(isinstance(raw, dict), f"{where} is not an object.")
    seq = raw.get("seq")
    name = raw.get("event_name")
    _require(
        isinstance(seq, int) and not isinstance(seq, bool) and seq > 0,
        f"{where} has no valid 'seq'.",
    )
    _require(isinstance(name, str) and bool(name), f"{where} has no 'event_name'.")
    for key in ("params", "state_before", "state_after"):
        _require(isinstance(raw.get(key, {}), dict), f"{where}: '{key}' must be an object.")
    ts = raw.get("ts", 0)
    _require(
        isinstance(ts, (int, float))
        and not isinstance(ts, bool)
        and math.isfinite(ts)
        and 0 <= ts <= MAX_TIMESTAMP,
        f"{where}: 'ts' must be a Unix time in seconds.",
    )
    error = raw.get("error")
    ref = raw.get("ref")
    snapshot = EventSnapshot(
        event_name=name,
        params=raw.get("params") or {},
        ref=ref if isinstance(ref, int) and not isinstance(ref, bool) else None,
        ts=float(ts),
        state_before=raw.get("state_before") or {},
        state_after=raw.get("state_after") or {},
        error=str(error) if error is not None else None,
    )
    measured = _cost(raw.get("cost"), where)
    if measured is not None:
        # Held as long as the snapshot: the rows of this import show it.
        turns.keep_for_snapshot(snapshot, measured)
    return Entry(seq=seq, index=position, snapshot=snapshot)


def _number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


def _cost(raw: Any, where: str) -> turns.TurnCost | None:
    """An exported ``cost`` as the turn it describes; None when it was not measured."""
    if raw is None:
        return None
    _require(isinstance(raw, dict), f"{where}: 'cost' must be an object.")
    for key in ("handler_ms", "render_ms", "patch_bytes"):
        value = raw.get(key)
        _require(value is None or _number(value), f"{where}: cost '{key}' must be a number.")
    queries = raw.get("queries")
    if queries is None:
        return None
    _require(isinstance(queries, list), f"{where}: cost 'queries' must be a list.")
    return turns.TurnCost(
        kind="imported",
        handler_ms=raw.get("handler_ms"),
        render_ms=raw.get("render_ms"),
        patch_bytes=raw.get("patch_bytes"),
        queries=tuple(_query(query, where) for query in queries),
    )


def _query(raw: Any, where: str) -> turns.TurnQuery:
    _require(isinstance(raw, dict), f"{where}: each cost query must be an object.")
    sql, params, ms = raw.get("sql"), raw.get("params", []), raw.get("ms")
    _require(isinstance(sql, str), f"{where}: a cost query has no 'sql'.")
    _require(isinstance(params, list), f"{where}: a cost query's 'params' must be a list.")
    _require(_number(ms), f"{where}: a cost query's 'ms' must be a number.")
    texts = [raw.get(key, "") for key in ("source", "template", "phase")]
    _require(all(isinstance(text, str) for text in texts), f"{where}: a cost query is malformed.")
    source, template, phase = texts
    return turns.TurnQuery(
        sql=sql, params=tuple(params), ms=float(ms), source=source, template=template, phase=phase
    )


def load(data: bytes, expected_view: str | None) -> tuple[dict[str, Any], list[Entry]]:
    """The document's header and its events as entries, oldest first."""
    _require(len(data) <= MAX_IMPORT_BYTES, TOO_BIG)
    _require(
        not json_too_deep(data, MAX_IMPORT_DEPTH),
        f"The file nests values more than {MAX_IMPORT_DEPTH} levels deep; "
        f"the panel opens states nested up to {MAX_DEPTH} levels.",
    )
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadImport("The file is not JSON: export it again with “Export JSON”.") from None
    _require(isinstance(document, dict), "The file is not a ddt-timetravel export.")
    found = document.get("format")
    _require(
        found in READABLE_FORMATS,
        f"The file's format is {found!r}; this panel opens "
        f"{' and '.join(map(repr, READABLE_FORMATS))} exports only.",
    )
    view = document.get("view")
    _require(isinstance(view, str), "The file does not name its view.")
    _require(
        expected_view is None or view == expected_view,
        f"The file was captured on {view}; this page shows {expected_view}. "
        "Open it on a page of the same view.",
    )
    events = document.get("events")
    _require(isinstance(events, list), "The file has no list of events.")
    entries = [_event(raw, position) for position, raw in enumerate(events)]
    seqs = [entry.seq for entry in entries]
    _require(seqs == sorted(set(seqs)), "The file's events are not in order.")
    return {k: v for k, v in document.items() if k != "events"}, entries


def read_upload(request: HttpRequest) -> bytes:
    """The posted file, read here so that this package's limit applies.

    ``request.body`` would stop at Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``
    (2.5 MB by default, smaller than an export of a big state) and log a
    ``django.security`` error for the developer's own file.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    _require(declared <= MAX_IMPORT_BYTES, TOO_BIG)
    return request.read(MAX_IMPORT_BYTES + 1)
