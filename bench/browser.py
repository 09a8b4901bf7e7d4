"""Benchmark 6: what a person waits for in the browser, this panel beside djust's own.

The demo runs under daphne (``bench.settings_with_panel``, buffer raised to 1000)
and Debian's Chromium is driven by Playwright. On the counter page, N events are
fired quickly through djust's client (``sendMessage`` in a loop, until the page
shows N); then, on that page, one panel after the other (the first swapped on
every repetition, each closed before the other opens):

* Time Travel panel (this package): open it from the toolbar, until its rows are
  on screen; then "Restore before" / "Restore after", until ``#count`` changes.
* djust's floating debug panel (DEBUG pages load it; Ctrl+Shift+D opens it):
  its Time Travel tab, until its rows are on screen; then its "before"/"after"
  jump buttons, until ``#count`` changes.

"Rows on screen" means the newest ``min(N, 100)`` rows are in the DOM and the
first is visible: 100 rows are several screens of either panel. djust's panel
renders every row at once; this one shows the newest page and loads older
pages as the list scrolls.

Then, in the same tab, with each panel open in turn:

* scrolling: the panel's list scrolled from top to bottom (200 px a frame, with
  this panel loading older pages on the way) until its oldest row is on screen,
  counting long tasks (over 50 ms) with the browser's ``PerformanceObserver``;
* a new event: one ``increment`` at a time, from djust's pushed
  ``time_travel_event`` frame arriving (a capturing listener on ``window``, which
  runs before any panel's) until the panel shows a new row.

Times are taken inside the page with ``performance.now()``: from the click
(``element.click()``, which the toolbar and djust handle through the same
listeners as a mouse click) until the DOM shows the result, plus one animation
frame so the result is painted.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from bench.common import (
    WITH_PANEL,
    Options,
    median,
    ms,
    parse_options,
    print_note,
    print_table,
    ratio,
    verdict,
)
from demo_harness import serve_demo
from demo_harness.chromium import chromium

MAX_EVENTS = 1000
#: Rows that count as "on screen" at most: what this panel fetches first.
SCREEN_ROWS = 100
#: Milliseconds between the last event and opening a panel.
LOOK_MS = 1000
#: Milliseconds to wait at most: filling 1000 events, or a 1000-row panel, on a busy machine.
SLOW = 180_000

# Click the element ``click`` (looked up in ``clickIn``: "toolbar" = the toolbar's
# shadow root, else the document) and resolve with the milliseconds until ``until``
# matches ``count`` visible elements (or has text ``text``), plus one frame.
MEASURE_JS = """
async ({clickIn, click, untilIn, until, count, text, timeout}) => {
  const scopeOf = (where) => {
    const host = document.getElementById("djDebugRoot");
    return where === "toolbar" && host && host.shadowRoot ? host.shadowRoot : document;
  };
  const done = () => {
    const scope = scopeOf(untilIn);
    if (text !== null) {
      const element = scope.querySelector(until);
      return Boolean(element) && element.textContent.trim() === text;
    }
    const found = scope.querySelectorAll(until);
    return found.length >= count && found[0].checkVisibility();
  };
  const target = scopeOf(clickIn).querySelector(click);
  if (!target) throw new Error(`nothing to click at ${click}`);
  const start = performance.now();
  target.click();
  await new Promise((resolve, reject) => {
    const observers = [];
    let finished = false;
    const finish = (error) => {
      finished = true;
      observers.forEach((observer) => observer.disconnect());
      if (error) reject(error);
      else requestAnimationFrame(() => resolve());
    };
    const check = () => {
      if (finished) return;
      if (done()) finish();
      else if (performance.now() - start > timeout) finish(new Error(`timeout: ${until}`));
    };
    for (const root of new Set([document, scopeOf("toolbar")])) {
      const observer = new MutationObserver(check);
      observer.observe(root, {subtree: true, childList: true, characterData: true});
      observers.push(observer);
    }
    const poll = () => { check(); if (!finished) setTimeout(poll, 20); };
    poll();
  });
  return performance.now() - start;
}
"""

FILL_JS = """
(count) => {
  const lv = window.djust.liveViewInstance;
  for (let i = 0; i < count; i++) {
    lv.sendMessage({type: "event", event: "increment", params: {}});
  }
}
"""

# Fire one event; resolve with the milliseconds from djust's pushed frame until a
# node matching ``row`` is added under ``scopeIn``, plus one frame; null on timeout.
NEW_EVENT_JS = """
async ({scopeIn, row, timeout}) => {
  const host = document.getElementById("djDebugRoot");
  const scope = scopeIn === "toolbar" && host && host.shadowRoot ? host.shadowRoot : document;
  let frameAt = null;
  window.addEventListener("djust:time-travel-event", () => { frameAt = performance.now(); },
                          {capture: true, once: true});
  const shown = new Promise((resolve) => {
    const observer = new MutationObserver((records) => {
      if (frameAt === null) return;
      for (const record of records) {
        for (const node of record.addedNodes) {
          if (node.nodeType === 1 && (node.matches(row) || node.querySelector(row))) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now()));
            return;
          }
        }
      }
    });
    observer.observe(scope, {subtree: true, childList: true});
    setTimeout(() => { observer.disconnect(); resolve(null); }, timeout);
  });
  window.djust.liveViewInstance.sendMessage({type: "event", event: "increment", params: {}});
  const shownAt = await shown;
  return shownAt === null || frameAt === null ? null : shownAt - frameAt;
}
"""

# Scroll the list holding ``row`` elements (its nearest scrolling ancestor) to the
# bottom, ``step`` px a frame, until ``last`` is in the DOM and the bottom is reached;
# resolve with the seconds taken and the long tasks (> 50 ms) seen meanwhile.
SCROLL_JS = """
async ({scopeIn, row, last, step, timeout}) => {
  const host = document.getElementById("djDebugRoot");
  const scope = scopeIn === "toolbar" && host && host.shadowRoot ? host.shadowRoot : document;
  let box = scope.querySelector(row);
  while (box && !(box.scrollHeight > box.clientHeight + 1
                  && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement || (box.getRootNode() && box.getRootNode().host);
  }
  if (!box) return {seconds: 0, longTasks: [], done: Boolean(scope.querySelector(last))};
  box.scrollTop = 0;
  const longTasks = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  });
  observer.observe({type: "longtask", buffered: false});
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const start = performance.now();
  while (performance.now() - start < timeout) {
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 2;
    if (atBottom && scope.querySelector(last)) break;
    box.scrollTop += step;
    await frame();
  }
  await frame();
  const seconds = (performance.now() - start) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 100));  // late long-task entries
  observer.disconnect();
  return {seconds, longTasks, done: Boolean(scope.querySelector(last))};
}
"""

LIVE_JS = (
    "() => Boolean(window.djust && window.djust.liveViewInstance"
    " && window.djust.liveViewInstance.viewMounted)"
)


@dataclass
class Results:
    """Milliseconds per (panel, size)."""

    open: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    restore: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    new_event: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    #: (seconds scrolled, long tasks seen) per scroll through the list.
    scroll: dict[tuple[str, int], list[tuple[float, int]]] = field(default_factory=dict)

    def add(self, kind: str, key: tuple[str, int], value: float) -> None:
        getattr(self, kind).setdefault(key, []).append(value)


def measure(page: Any, **spec: Any) -> float:
    """Milliseconds from a click to its result on screen (see ``MEASURE_JS``)."""
    args = {"clickIn": "document", "untilIn": "document", "count": 1, "text": None}
    return page.evaluate(MEASURE_JS, {**args, "timeout": SLOW, **spec})


def page_with_events(browser: Any, base_url: str, count: int) -> Any:
    """A fresh tab (own cookies and storage) on the counter, after ``count`` fast events."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(SLOW)
    page = context.new_page()
    page.goto(f"{base_url}/counter/")
    page.wait_for_function(LIVE_JS)
    page.evaluate(FILL_JS, count)
    page.wait_for_function(
        f"() => document.querySelector('#count').textContent.trim() === '{count}'", polling=100
    )
    page.wait_for_timeout(LOOK_MS)  # the developer looks at the page, then opens a panel
    return page


def show_toolbar(page: Any) -> None:
    """The toolbar opened (not timed), as tests/support/browser_steps.py does it."""
    toolbar = page.locator("#djDebugToolbar")
    handle = page.locator("#djShowToolBarButton")
    toolbar.or_(handle).filter(visible=True).first.wait_for()
    if not toolbar.is_visible():
        handle.click()
    toolbar.wait_for()


def this_panel(page: Any, count: int, restores: int, results: Results) -> None:
    """Open the Time Travel panel from the toolbar, then restore the oldest/newest rows."""
    show_toolbar(page)
    rows = "#TimeTravelPanel [data-djtt-rows] > [data-tt-seq]"
    elapsed = measure(
        page,
        clickIn="toolbar",
        click="#djdt-TimeTravelPanel a",
        untilIn="toolbar",
        until=rows,
        count=min(count, SCREEN_ROWS),
    )
    results.add("open", ("panel", count), elapsed)
    seqs = page.evaluate(
        """(rows) => [...document.getElementById("djDebugRoot").shadowRoot
            .querySelectorAll(rows)].map((row) => Number(row.dataset.ttSeq))""",
        rows,
    )
    # The counter's state before event #seq is seq - 1 (one increment per event).
    oldest, newest = min(seqs), max(seqs)
    targets = [(oldest, "before", str(oldest - 1)), (newest, "after", str(count))]
    for number in range(restores):
        seq, which, shown = targets[number % 2]
        click = f"[data-tt-seq='{seq}'] [data-djtt-restore='{which}']"
        elapsed = measure(page, clickIn="toolbar", click=click, until="#count", text=shown)
        results.add("restore", ("panel", count), elapsed)
        settle(page)
    close_this_panel(page)


def open_this_panel(page: Any) -> None:
    """Open the Time Travel panel again (not timed)."""
    page.locator("#djdt-TimeTravelPanel a").click()
    page.locator("#TimeTravelPanel [data-tt-seq]").first.wait_for()


def close_this_panel(page: Any) -> None:
    page.evaluate(
        """() => document.getElementById("djDebugRoot").shadowRoot
            .querySelector("#TimeTravelPanel .djDebugClose").click()"""
    )


def toggle_djust_panel(page: Any, is_open: bool) -> None:
    page.keyboard.press("Control+Shift+D")  # djust's documented shortcut
    state = "" if is_open else "!"
    page.wait_for_function(f"() => {state}window.djustDebugPanel.state.isOpen")


def djust_panel(page: Any, count: int, restores: int, results: Results) -> None:
    """Open djust's debug panel (Ctrl+Shift+D), its Time Travel tab, then its jump buttons."""
    page.wait_for_function("() => Boolean(window.djustDebugPanel)")
    page.keyboard.press("Control+Shift+D")  # djust's documented shortcut
    page.wait_for_function("() => window.djustDebugPanel.state.isOpen")
    elapsed = measure(
        page,
        click=".djust-tab[data-tab='timeTravel']",
        until="#djust-debug-panel .tt-row",
        count=min(count, SCREEN_ROWS),
    )
    results.add("open", ("djust", count), elapsed)
    targets = [(0, "before", "0"), (count - 1, "after", str(count))]
    for number in range(restores):
        index, which, shown = targets[number % 2]
        click = f".tt-jump[data-tt-jump='{index}'][data-tt-which='{which}']"
        elapsed = measure(page, click=click, until="#count", text=shown)
        results.add("restore", ("djust", count), elapsed)
        settle(page)
    toggle_djust_panel(page, is_open=False)


#: How each panel is found in the page for the scrolling and new-event phases.
PANELS = {
    "panel": {
        "scopeIn": "toolbar",
        "row": "#TimeTravelPanel [data-djtt-rows] > [data-tt-seq]",
        "open": open_this_panel,
        "close": close_this_panel,
    },
    "djust": {
        "scopeIn": "document",
        "row": "#djust-debug-panel .tt-row",
        "open": lambda page: toggle_djust_panel(page, is_open=True),
        "close": lambda page: toggle_djust_panel(page, is_open=False),
    },
}


def scroll_through(page: Any, count: int, results: Results) -> None:
    """Each panel open in turn, its list scrolled from the newest row to the oldest."""
    head = count - MAX_EVENTS + 1 if count > MAX_EVENTS else 1
    oldest = {
        "panel": f"#TimeTravelPanel [data-tt-seq='{head}']",
        "djust": "#djust-debug-panel .tt-jump[data-tt-jump='0']",
    }
    for name, panel in PANELS.items():
        panel["open"](page)
        outcome = page.evaluate(
            SCROLL_JS,
            {
                "scopeIn": panel["scopeIn"],
                "row": panel["row"],
                "last": oldest[name],
                "step": 200,
                "timeout": SLOW,
            },
        )
        if not outcome["done"]:
            raise RuntimeError(f"{name}: the oldest row never showed while scrolling")
        long_tasks = sum(1 for duration in outcome["longTasks"] if duration > 50)
        results.scroll.setdefault((name, count), []).append((outcome["seconds"], long_tasks))
        panel["close"](page)


def new_events(page: Any, count: int, events: int, results: Results) -> None:
    """Each panel open in turn: one event at a time, djust's frame to the new row shown."""
    for name, panel in PANELS.items():
        panel["open"](page)
        for _ in range(events):
            spec = {"scopeIn": panel["scopeIn"], "row": panel["row"], "timeout": 5000}
            elapsed = page.evaluate(NEW_EVENT_JS, spec)
            if elapsed is None:
                raise RuntimeError(f"{name}: no new row within 5 s of djust's frame")
            results.add("new_event", (name, count), elapsed)
            settle(page)
        panel["close"](page)


def settle(page: Any) -> None:
    """Let the panel finish reacting (refresh, highlight) before the next click."""
    page.wait_for_timeout(300)


def run(options: Options) -> Results:
    sizes = options.pick(full=(100, 1000), smoke=(5,))
    # Even: each panel leaves the page at the newest state, as it found it.
    restores = options.pick(full=4, smoke=2)
    events = options.pick(full=10, smoke=2)
    results = Results()
    # The page's own request stays in the toolbar's store through the burst of events.
    extra_env = {"BENCH_MAX_EVENTS": str(MAX_EVENTS), "BENCH_RESULTS_CACHE_SIZE": "1500"}
    with serve_demo(WITH_PANEL, extra_env=extra_env) as server, chromium() as browser:
        base_url = server.base_url
        for count in sizes:
            for rep in range(options.reps):
                # Both panels on the same page, the first one swapped every time.
                drives = [this_panel, djust_panel] if rep % 2 == 0 else [djust_panel, this_panel]
                page = page_with_events(browser, base_url, count)
                try:
                    for drive in drives:
                        drive(page, count, restores, results)
                    scroll_through(page, count, results)
                    new_events(page, count, events, results)
                finally:
                    page.context.close()
    return results


def _cell(values: list[float]) -> str:
    spread = f" (±{statistics.pstdev(values):.0f})" if len(values) > 1 else ""
    return ms(median(values) / 1000) + spread


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank): what one event in twenty waits at most."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


#: Goals of the side-by-side steps: ratio this / djust at most, per number of events.
RATIO_GOALS = {
    ("open", 100): 1.0,
    ("open", 1000): 0.5,
    ("restore", 100): 1.1,
    ("restore", 1000): 1.1,
}
NEW_EVENT_GOAL_MS = 50
LONG_TASKS_PER_SECOND_GOAL = 1.0


def _goal(kind: str, count: int, value: float, options: Options) -> list[str]:
    goal = RATIO_GOALS.get((kind, count))
    if goal is None:
        return ["report", ""]
    return [f"≤ {goal:.1f}×", verdict(value <= goal, options)]


def report(results: Results, options: Options) -> None:
    rows = []
    for kind, what in (("open", "open → rows on screen"), ("restore", "restore click → #count")):
        table = getattr(results, kind)
        for count in sorted({size for _, size in table}):
            ours, djust = table[("panel", count)], table[("djust", count)]
            value = median(ours) / median(djust)
            rows.append(
                [what, count, _cell(ours), _cell(djust), ratio(value)]
                + _goal(kind, count, value, options)
            )
    for count in sorted({size for _, size in results.new_event}):
        ours, djust = results.new_event[("panel", count)], results.new_event[("djust", count)]
        slowest = p95(ours)
        rows.append(
            [
                "djust's frame → new row shown (median; p95)",
                count,
                f"{ms(median(ours) / 1000)}; {ms(slowest / 1000)}",
                f"{ms(median(djust) / 1000)}; {ms(p95(djust) / 1000)}",
                ratio(median(ours) / median(djust)),
                f"≤ {NEW_EVENT_GOAL_MS} ms",
                verdict(max(median(ours), slowest) <= NEW_EVENT_GOAL_MS, options),
            ]
        )
    for count in sorted({size for _, size in results.scroll}):
        cells = []
        rates = {}
        for name in ("panel", "djust"):
            runs = results.scroll[(name, count)]
            seconds = sum(run[0] for run in runs)
            tasks = sum(run[1] for run in runs)
            rates[name] = tasks / seconds if seconds else 0.0
            cells.append(f"{rates[name]:.2f}/s ({tasks} in {seconds:.1f} s)")
        rows.append(
            [
                "scroll to the oldest row: long tasks (> 50 ms)",
                count,
                *cells,
                "",
                f"≤ {LONG_TASKS_PER_SECOND_GOAL:.0f}/s",
                verdict(rates["panel"] <= LONG_TASKS_PER_SECOND_GOAL, options),
            ]
        )
    print_table(
        "6. Browser (Chromium): Time Travel panel vs djust's own debug panel",
        ["step", "events", "this panel", "djust's panel", "ratio (this / djust)", "goal", ""],
        rows,
    )
    print_note(
        f"Median (± standard deviation) of {options.reps} fresh tab(s) per size for opening "
        "(each tab measures both panels), and of the restores in them (before/after in "
        "turns). Each panel opens 1 s after the last event. Rows on screen: the newest "
        "min(N, 100) rows in the DOM and the first visible. "
        "This panel fetches its content and the newest rows in the background as djust's "
        "frames arrive, so opening it shows what is already there; djust's panel renders the "
        "rows it kept from djust's pushed frames when its tab opens. New events: one at a time "
        "with each panel open, from djust's frame arriving to the panel's new row, plus a "
        "frame. Scrolling: 200 px a frame from the newest row until the oldest is on screen "
        "(this panel loads older pages on the way), long tasks from PerformanceObserver."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=3, argv=argv)
    report(run(options), options)


if __name__ == "__main__":
    main()
