"""Retake the README's screenshots of the panel on the demo: ``make screenshots``.

Light and dark, 1280x800: the counter after a few clicks, with the Time Travel panel
docked below it, one row restored (the page shows its state) and that event's diff
open in the detail pane beside the list.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
for _path in (str(REPO_ROOT), str(REPO_ROOT / "demo")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from playwright.sync_api import expect  # noqa: E402

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view  # noqa: E402

WIDTH, HEIGHT = 1280, 800
SHOTS = {"light": "panel-light.png", "dark": "panel-dark.png"}


def take(page: Any, base_url: str, path: Path) -> None:
    """Click through the demo counter in ``page`` and save the picture to ``path``."""
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{base_url}/counter/")
    wait_for_live_view(page)
    count = page.locator("#count")
    clicks = [("Increment", "1"), ("Increment", "2"), ("Increment", "3"), ("Add 5", "8")]
    clicks += [("Decrement", "7"), ("Increment", "8")]
    for name, shown in clicks:
        page.get_by_role("button", name=name, exact=True).click()
        expect(count).to_have_text(shown)
    panel = open_time_travel(page)
    expect(panel.locator("[data-tt-seq]")).to_have_count(len(clicks))
    row(panel, 4).get_by_role("button", name="Restore after").click()
    expect(count).to_have_text("8")
    expect(row(panel, 4)).to_have_attribute("aria-current", "true")
    row(panel, 4).locator(".djtt-seq").click()
    expect(row(panel, 4).locator("tr[data-djtt-path=count]")).to_be_visible()
    page.mouse.move(0, 0)  # no hover highlight in the picture
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def take_all(browser: Any, base_url: str, out_dir: Path) -> list[Path]:
    """Both themes into ``out_dir``; returns the files written."""
    written = []
    for scheme, name in SHOTS.items():
        context = browser.new_context(color_scheme=scheme)
        context.set_default_timeout(10_000)
        try:
            take(context.new_page(), base_url, out_dir / name)
        finally:
            context.close()
        written.append(out_dir / name)
    return written


def main() -> None:
    from demo_harness import serve_demo
    from demo_harness.chromium import chromium

    with serve_demo() as server, chromium() as browser:
        for path in take_all(browser, server.base_url, REPO_ROOT / "docs"):
            print(f"wrote {path.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
