"""One page of the timeline: the newest rows of a range first, older pages on request.

The panel asks for the newest ``limit`` rows it lacks (``after``) and, as the
user scrolls, for the rows older than the oldest it shows (``before``). Only the
page's rows are rendered, so opening a panel over 1000 held events costs what
one page costs. A page also says how far back it looked (``from_seq``): every
held event from there to the top of the range was considered, so the client
knows where the next older page starts and whether rows it never saw lie in
between (a gap, after a burst of more than ``limit`` events).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .numbering import Entry

#: ``match(entry)`` gives None for an entry filtered out, else what the row shows.
Matcher = Callable[[Entry], Any]


@dataclass(frozen=True)
class Page:
    """The entries of one page, oldest first, and the oldest event number considered."""

    entries: list[Entry]
    found: dict[int, Any]
    from_seq: int


def newest_page(
    entries: Sequence[Entry], limit: int | None, start_seq: int, match: Matcher | None = None
) -> Page:
    """The newest ``limit`` entries of ``entries`` (oldest first) that ``match`` keeps.

    ``start_seq`` is where ``entries`` begins (the range's first held event):
    when the page is not full, everything from there was considered.
    """
    if match is None:
        page = list(entries if limit is None else entries[max(0, len(entries) - limit) :])
        from_seq = page[0].seq if limit is not None and len(page) == limit else start_seq
        return Page(page, {}, from_seq)
    kept: list[Entry] = []
    found: dict[int, Any] = {}
    from_seq = start_seq
    for entry in reversed(entries):
        shown = match(entry)
        if shown is None:
            continue
        kept.append(entry)
        found[entry.seq] = shown
        if limit is not None and len(kept) == limit:
            from_seq = entry.seq
            break
    kept.reverse()
    return Page(kept, found, from_seq)
