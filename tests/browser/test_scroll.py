"""A history longer than the panel's first page, in Chromium: older rows load on scroll."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, wait_for_live_view

pytestmark = pytest.mark.browser

EVENTS = 260
FILL = """(count) => {
  const lv = window.djust.liveViewInstance;
  for (let i = 0; i < count; i++) lv.sendMessage({type: "event", event: "increment", params: {}});
}"""
# Scroll the rows' scroller (their nearest scrolling ancestor: the list, or the panel in
# a narrow window) a screen at a time until row #1 is there.
SCROLL_TO_OLDEST = """async (panel) => {
  let box = panel.querySelector("[data-djtt-rows] > [data-tt-seq]");
  while (box && !(box.scrollHeight > box.clientHeight + 1
                  && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  for (let step = 0; step < 3000 && !panel.querySelector('[data-tt-seq="1"]'); step++) {
    box.scrollTop += box.clientHeight;
    await sleep(20);
  }
  return Boolean(panel.querySelector('[data-tt-seq="1"]'));
}"""
ROWS = """(rows) => rows.map((row) => [Number(row.dataset.ttSeq), Number(row.dataset.ttIndex),
                                  row.classList.contains("djtt-stripe")])"""


@pytest.mark.timeout(600)
def test_scrolling_loads_every_older_row_once_in_order(page, long_history_server_url):
    page.goto(f"{long_history_server_url}/counter/")
    wait_for_live_view(page)
    page.evaluate(FILL, EVENTS)
    expect(page.locator("#count")).to_have_text(str(EVENTS), timeout=120_000)
    panel = open_time_travel(page)
    rows = panel.locator("[data-djtt-rows] > [data-tt-seq]")
    expect(rows.first).to_have_attribute("data-tt-seq", str(EVENTS), timeout=30_000)
    assert rows.count() < EVENTS  # the newest page first, not the whole history

    assert panel.evaluate(SCROLL_TO_OLDEST), "row #1 never loaded while scrolling"

    shown = rows.evaluate_all(ROWS)
    assert [seq for seq, _, _ in shown] == list(range(EVENTS, 0, -1))
    assert [index for _, index, _ in shown] == list(range(EVENTS - 1, -1, -1))
    stripes = [striped for _, _, striped in shown]
    assert all(a != b for a, b in zip(stripes, stripes[1:], strict=False))
