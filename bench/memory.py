"""Benchmark 7: memory the panel keeps, against the djust buffer it describes.

The panel keeps two things per view: a memo of each expanded row's diff
(``ddt_timetravel.core.memo``) and one numbering record (``numbering._tails``). After
the timeline is read and every row's diff expanded, both are sized by walking
the objects they hold (objects already owned by djust's buffer, such as state
values a diff points at, are not counted twice) and set against the same walk
of the buffer's snapshots. ``tracemalloc`` cross-checks: memory still allocated
after numbering every event and memoising every diff, with garbage collected.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import tracemalloc
import types
import weakref
from dataclasses import dataclass
from typing import Any

from bench.common import (
    Options,
    kib,
    parse_options,
    print_note,
    print_table,
    setup_django,
    verdict,
)

GOAL_PERCENT = 10.0
_ATOMS = (str, bytes, int, float, bool, type(None), complex)
_SHARED = (type, types.ModuleType, types.CodeType, types.BuiltinFunctionType)


@dataclass(frozen=True)
class Case:
    label: str
    view_path: str
    url: str
    event: str
    events: int


@dataclass(frozen=True)
class Sizes:
    buffer: int
    memo: int
    tails: int
    traced: int
    memo_entries: int

    @property
    def extra_percent(self) -> float:
        return 100.0 * (self.memo + self.tails) / self.buffer


def _children(obj: Any) -> list[Any]:
    """What ``obj`` holds strongly, for a deep size (not modules, classes or globals)."""
    if isinstance(obj, dict):
        return [*obj.keys(), *obj.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)
    if isinstance(obj, weakref.ref):
        # The referent is not owned; a subclass's slots (the memo's value) are.
        held = [] if obj.__callback__ is None else [obj.__callback__]
        return held + _slot_values(obj)
    if isinstance(obj, types.FunctionType):
        return list(obj.__closure__ or ())  # not __globals__ or __code__: shared
    if isinstance(obj, types.CellType):
        try:
            return [obj.cell_contents]
        except ValueError:
            return []
    held = [vars(obj)] if hasattr(obj, "__dict__") else []
    return held + _slot_values(obj)


def _slot_values(obj: Any) -> list[Any]:
    return [
        getattr(obj, name)
        for cls in type(obj).__mro__
        for name in getattr(cls, "__slots__", ())
        if name not in ("__dict__", "__weakref__") and hasattr(obj, name)
    ]


def deep_size(roots: list[Any], seen: set[int]) -> int:
    """Bytes of ``roots`` and all they hold, skipping objects in (and adding to) ``seen``."""
    total = 0
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if not isinstance(obj, _ATOMS):
            stack.extend(_children(obj))
    return total


def memoise_all(view: Any) -> int:
    """Number every event and memoise every row's diff, as the endpoints do; bytes retained.

    Called directly (not through Django's test client, whose per-request
    template-rendered receiver keeps every rendered context alive and would
    swamp the measure), and traced by tracemalloc with garbage collected.
    """
    from ddt_timetravel import _djust
    from ddt_timetravel.core import numbering
    from ddt_timetravel.display import diff_view

    buffer = _djust.time_travel_buffer(view)
    gc.collect()
    tracemalloc.start()
    try:
        _, entries = numbering.read(view, buffer, first_seq=1)
        for entry in entries:
            diff_view.event_diff(entry.snapshot)
        del entries
        gc.collect()
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


async def fill_and_expand(case: Case) -> tuple[Any, int]:
    """A view holding ``case.events`` events, its timeline read and every row's diff expanded.

    Returns the socket and the bytes tracemalloc saw retained by the panel's core.
    """
    from bench.client import Panel, open_socket
    from bench.refresh import last_seq

    socket = await open_socket()
    await socket.mount(case.view_path, case.url)
    for _ in range(case.events):
        await socket.event(case.event)
    retained = memoise_all(socket.view)
    # Then as the panel does it: the timeline, and every row's diff expanded.
    panel = Panel(socket)
    newest = last_seq((await panel.get("timeline")).content)
    for seq in range(newest - case.events + 1, newest + 1):
        await panel.get("diff", seq=seq)
    return socket, retained


def sizes_of(socket: Any, traced: int) -> Sizes:
    from ddt_timetravel import _djust
    from ddt_timetravel.core import memo, numbering

    view = socket.view
    buffer = _djust.time_travel_buffer(view)
    snapshots = [buffer.jump(index) for index in range(len(buffer))]
    seen: set[int] = set()
    buffer_bytes = deep_size(snapshots, seen)
    entries = memo.held(snapshots)
    # One slot of the memo's table per entry, besides the entry itself.
    slot = sum(sys.getsizeof(table) for table in memo._tables.values()) // max(1, memo.size())
    memo_bytes = deep_size(entries, seen) + slot * len(entries)
    tail = numbering._tails.get(view)
    tails_bytes = deep_size([tail], seen) if tail is not None else 0
    return Sizes(buffer_bytes, memo_bytes, tails_bytes, traced, len(entries))


async def measure(cases: list[Case]) -> dict[Case, Sizes]:
    results = {}
    for case in cases:
        socket, traced = await fill_and_expand(case)
        results[case] = sizes_of(socket, traced)
        await socket.close()
    return results


def report(results: dict[Case, Sizes], options: Options) -> None:
    rows = []
    for case, sizes in results.items():
        rows.append(
            [
                case.label,
                kib(sizes.buffer),
                f"{sizes.memo_entries} values, {kib(sizes.memo)}",
                kib(sizes.tails),
                f"{sizes.extra_percent:.2f} %",
                kib(sizes.traced),
                f"≤ {GOAL_PERCENT:.0f} %",
                verdict(sizes.extra_percent <= GOAL_PERCENT, options),
            ]
        )
    print_table(
        "7. Memory: the panel's caches against the djust buffer they describe",
        [
            "buffer",
            "djust buffer (deep size)",
            "diff memo (cache)",
            "numbering (_tails)",
            "extra",
            "tracemalloc: retained by numbering + diffing all",
            "goal",
            "",
        ],
        rows,
    )
    print_note(
        "Deep sizes walk what each object holds (dicts, lists, dataclasses, closures), never "
        "counting an object twice: a diff that points at a state value djust already holds "
        "adds nothing. tracemalloc's column is the same work traced by allocation (the panel's "
        "core functions called directly, garbage collected): a cross-check of the deep size."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=1, argv=argv)
    setup_django()
    big, small = options.pick(full=50, smoke=2), options.pick(full=100, smoke=3)
    cases = [
        Case(
            f"CounterView, {small} events",
            "demo_app.views.CounterView",
            "/counter/",
            "increment",
            small,
        ),
        Case(
            f"BigView (1000 rows), {big} shuffles",
            "demo_app.views.BigView",
            "/big/",
            "shuffle",
            big,
        ),
        Case(
            f"WideView (200 keys), {small} events", "bench.views.WideView", "/wide/", "bump", small
        ),
    ]
    report(asyncio.run(measure(cases)), options)


if __name__ == "__main__":
    main()
