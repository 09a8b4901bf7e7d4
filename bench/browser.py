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

Times are taken inside the page with ``performance.now()``: from the click
(``element.click()``, which the toolbar and djust handle through the same
listeners as a mouse click) until the DOM shows the result, plus one animation
frame so the result is painted.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from contextlib import contextmanager
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
)
from bench.server import serve_demo

MAX_EVENTS = 1000
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

LIVE_JS = (
    "() => Boolean(window.djust && window.djust.liveViewInstance"
    " && window.djust.liveViewInstance.viewMounted)"
)


@dataclass
class Results:
    """Milliseconds per (panel, size)."""

    open: dict[tuple[str, int], list[float]] = field(default_factory=dict)
    restore: dict[tuple[str, int], list[float]] = field(default_factory=dict)

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
    return page


def show_toolbar(page: Any) -> None:
    """The toolbar opened (not timed), as tests/browser_steps.py does it."""
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
        count=count,
    )
    results.add("open", ("panel", count), elapsed)
    seqs = page.evaluate(
        """(rows) => [...document.getElementById("djDebugRoot").shadowRoot
            .querySelectorAll(rows)].map((row) => Number(row.dataset.ttSeq))""",
        rows,
    )
    head, newest = min(seqs), max(seqs)
    targets = [(head, "before", "0"), (newest, "after", str(count))]
    for number in range(restores):
        seq, which, shown = targets[number % 2]
        click = f"[data-tt-seq='{seq}'] [data-djtt-restore='{which}']"
        elapsed = measure(page, clickIn="toolbar", click=click, until="#count", text=shown)
        results.add("restore", ("panel", count), elapsed)
        settle(page)
    page.evaluate(
        """() => document.getElementById("djDebugRoot").shadowRoot
            .querySelector("#TimeTravelPanel .djDebugClose").click()"""
    )


def djust_panel(page: Any, count: int, restores: int, results: Results) -> None:
    """Open djust's debug panel (Ctrl+Shift+D), its Time Travel tab, then its jump buttons."""
    page.wait_for_function("() => Boolean(window.djustDebugPanel)")
    page.keyboard.press("Control+Shift+D")  # djust's documented shortcut
    page.wait_for_function("() => window.djustDebugPanel.state.isOpen")
    elapsed = measure(
        page,
        click=".djust-tab[data-tab='timeTravel']",
        until="#djust-debug-panel .tt-row",
        count=count,
    )
    results.add("open", ("djust", count), elapsed)
    targets = [(0, "before", "0"), (count - 1, "after", str(count))]
    for number in range(restores):
        index, which, shown = targets[number % 2]
        click = f".tt-jump[data-tt-jump='{index}'][data-tt-which='{which}']"
        elapsed = measure(page, click=click, until="#count", text=shown)
        results.add("restore", ("djust", count), elapsed)
        settle(page)
    page.keyboard.press("Control+Shift+D")
    page.wait_for_function("() => !window.djustDebugPanel.state.isOpen")


def settle(page: Any) -> None:
    """Let the panel finish reacting (refresh, highlight) before the next click."""
    page.wait_for_timeout(300)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium with the browser tests' launch arguments (one source of truth)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, CHROMIUM_PATH

    if not CHROMIUM_PATH.exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM_PATH}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def run(options: Options) -> Results:
    sizes = options.pick(full=(100, 1000), smoke=(5,))
    # Even: each panel leaves the page at the newest state, as it found it.
    restores = options.pick(full=4, smoke=2)
    results = Results()
    extra_env = {"BENCH_MAX_EVENTS": str(MAX_EVENTS)}
    with serve_demo(WITH_PANEL, extra_env) as base_url, chromium() as browser:
        for count in sizes:
            for rep in range(options.reps):
                # Both panels on the same page, the first one swapped every time.
                drives = [this_panel, djust_panel] if rep % 2 == 0 else [djust_panel, this_panel]
                page = page_with_events(browser, base_url, count)
                try:
                    for drive in drives:
                        drive(page, count, restores, results)
                finally:
                    page.context.close()
    return results


def _cell(values: list[float]) -> str:
    spread = f" (±{statistics.pstdev(values):.0f})" if len(values) > 1 else ""
    return ms(median(values) / 1000) + spread


def report(results: Results, options: Options) -> None:
    rows = []
    for kind, what in (("open", "open → rows on screen"), ("restore", "restore click → #count")):
        table = getattr(results, kind)
        for count in sorted({size for _, size in table}):
            ours, djust = table[("panel", count)], table[("djust", count)]
            rows.append(
                [
                    what,
                    count,
                    _cell(ours),
                    _cell(djust),
                    ratio(median(ours) / median(djust)),
                ]
            )
    print_table(
        "6. Browser (Chromium): Time Travel panel vs djust's own debug panel",
        ["step", "events", "this panel", "djust's panel", "ratio (this / djust)"],
        rows,
    )
    print_note(
        f"Median (± standard deviation) of {options.reps} fresh tab(s) per size for opening "
        "(each tab measures both panels), and of the restores in them (before/after in "
        "turns). This panel's restore "
        "includes its locate call; djust's panel sends the jump frame at once. Opening this "
        "panel fetches the panel shell and then every row from the server; djust's panel "
        "renders the rows it kept from djust's pushed frames."
    )


def main(argv: list[str] | None = None) -> None:
    options = parse_options(__doc__.splitlines()[0], default_reps=3, argv=argv)
    report(run(options), options)


if __name__ == "__main__":
    main()
