"""Restore and replay on a busy page, in Chromium: every click acts on its row, or on nothing.

The demo's ticker sends itself an event every few tens of milliseconds (djust's
``dj-poll``) and its buffer is full, so every tick evicts the oldest event while
the panel is being clicked. Each restore and replay is checked against the
panel's own JSON export: the event that came right after a restore continued
from that row's state, a replay started from that row's state before with the
edited params. Or djust's answer is the refusal, and nothing was restored.
"""

from __future__ import annotations

import json
import random

import pytest
from playwright.sync_api import expect

from tests.support.browser_steps import open_time_travel, row, wait_for_live_view

pytestmark = pytest.mark.browser

TICK_MS = 100
RESTORES = 50
REPLAYS = 20
STATE_KEYS = ("ticks", "total", "running", "interval_ms")

# djust's answers to the page, as the panel hears them.
LISTEN = """() => {
    window.__tt = { answers: [] };
    const answers = window.__tt.answers;
    document.addEventListener("djust:time-travel-state", (e) => answers.push({ ack: e.detail }));
    window.addEventListener("djust:error", (e) => answers.push({ error: e.detail.error }));
}"""

# One click on a row picked at ``pick`` (0..1) down the list, on the row's own button,
# with what the JSON export says of that event before, and of the event it led to after.
CLICK_AND_CHECK = """async (panel, [pick, action, params]) => {
    const root = panel.querySelector("[data-djtt-root]");
    const exported = async (seq) => {
        const url = new URL(root.dataset.djttExportUrl, location.href);
        url.searchParams.set("session", window.djust.liveViewInstance.sessionId);
        url.searchParams.set("from", seq);
        url.searchParams.set("to", seq);
        const response = await fetch(url, { credentials: "same-origin" });
        return response.ok ? (await response.json()).events[0] : null;
    };
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const rows = [...panel.querySelectorAll("[data-djtt-rows] > [data-tt-seq]")];
    const seq = Number(rows[Math.floor(pick * rows.length)].dataset.ttSeq);
    const original = await exported(seq);
    const row = panel.querySelector(`[data-djtt-rows] > [data-tt-seq="${seq}"]`);
    if (!original || !row) return { seq, skipped: true }; // gone before the click
    const count = window.__tt.answers.length;
    if (action === "replay") {
        row.querySelector("[data-djtt-replay-open]").click(); // the editor comes on demand
        let editor = null;
        for (let tries = 0; !(editor = row.querySelector("[data-djtt-replay] textarea")); tries++) {
            if (tries > 500 || !row.isConnected) return { seq, skipped: true }; // evicted first
            await sleep(20);
        }
        editor.value = params;
        row.querySelector("[data-djtt-replay] button[type=submit]").click();
    } else {
        row.querySelector(`[data-djtt-restore="${action}"]`).click();
    }
    for (let tries = 0; window.__tt.answers.length === count; tries++) {
        if (tries > 500) return { seq, original, timedOut: true };
        await sleep(20);
    }
    const answer = window.__tt.answers[count];
    const message = panel.querySelector("[data-djtt-msg=main]").textContent;
    if (answer.error) return { seq, original, answer, message };
    const { ddt_event: applied, history_len: length, cursor } = answer.ack;
    // A restore: the event recorded next continued from the restored state.
    const next = action === "replay" ? applied.seq : seq + length - cursor;
    for (let tries = 0; tries < 500; tries++) {
        const checked = await exported(next);
        if (checked) return { seq, original, answer, checked };
        await sleep(20);
    }
    return { seq, original, answer, timedOut: true };
}"""


def state(record, which):
    return {key: record[f"state_{which}"][key] for key in STATE_KEYS}


# About a minute on an idle 2-core machine; several times that when it is shared.
@pytest.mark.timeout(900)
def test_every_restore_and_replay_acts_on_its_row_while_events_arrive(page, live_server_url):
    page.goto(f"{live_server_url}/ticker/?every={TICK_MS}")
    wait_for_live_view(page)
    page.get_by_role("button", name="Start").click()
    panel = open_time_travel(page)
    expect(panel.locator("[data-djtt-count]")).to_have_text("100 / 100 events", timeout=60_000)
    page.evaluate(LISTEN)
    rng = random.Random(14)
    actions = ["before", "after"] * (RESTORES // 2) + ["replay"] * REPLAYS
    rng.shuffle(actions)
    acted = refused = skipped = 0

    for action in actions:
        step = rng.randint(100, 999)
        result = panel.evaluate(CLICK_AND_CHECK, [rng.random(), action, json.dumps({"step": step})])
        seq = result["seq"]
        assert not result.get("timedOut"), result
        if result.get("skipped"):
            skipped += 1
            continue
        original, answer = result["original"], result["answer"]
        if "error" in answer:
            verb = "replayed" if action == "replay" else "restored"
            refusal = f"Event #{seq} was evicted while you clicked; nothing was {verb}."
            assert answer["error"] == refusal, result
            assert refusal in result["message"]
            refused += 1
            continue
        applied, checked = answer["ack"]["ddt_event"], result["checked"]
        if action == "replay":
            assert applied["replay_of"] == seq, result
            assert checked["event_name"] == original["event_name"] == "tick"
            assert checked["params"] == {"step": step}
            assert state(checked, "before") == state(original, "before"), result
            assert checked["state_after"]["total"] == original["state_before"]["total"] + step
        else:
            assert (applied["seq"], applied["which"]) == (seq, action), result
            assert state(checked, "before") == state(original, action), result
        acted += 1

    assert skipped <= 5, (acted, refused, skipped)
    assert acted >= len(actions) * 0.8, (acted, refused, skipped)
    expect(panel.locator("[data-djtt-replay-of]").first).to_be_visible()


def test_a_component_restore_names_the_component_and_marks_no_row(page, live_server_url):
    page.goto(f"{live_server_url}/components/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Toggle Lamp").click()
    expect(page.locator("#lamp-state")).to_have_text("on")
    page.get_by_role("button", name="Increment").click()
    expect(page.locator("#counter-count")).to_have_text("1")
    panel = open_time_travel(page)
    first = row(panel, 1)
    first.locator("summary", has_text="Diff").click()
    lamp = first.locator("[data-djtt-component=lamp]")
    lamp.get_by_role("button", name="Restore component before").click()

    expect(page.locator("#lamp-state")).to_have_text("off")
    expect(page.locator("#counter-count")).to_have_text("1")  # the rest of the page is live
    expect(panel.locator("[data-djtt-header]")).to_contain_text("Component lamp as before #1")
    expect(panel.locator("[aria-current]")).to_have_count(0)


def test_a_restore_made_before_the_panel_opened_is_shown(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    for expected in ("1", "2", "3"):
        page.get_by_role("button", name="Increment", exact=True).click()
        expect(page.locator("#count")).to_have_text(expected)
    # As djust's own panel does it: its bare frame, before this panel ever opened.
    page.evaluate(
        "() => window.djust.liveViewInstance.sendMessage("
        "{type: 'time_travel_jump', index: 1, which: 'before'})"
    )
    expect(page.locator("#count")).to_have_text("1")

    panel = open_time_travel(page)

    expect(panel.locator("[data-djtt-header]")).to_contain_text("Viewing #2 (before)")
    expect(row(panel, 2)).to_have_attribute("aria-current", "true")


def test_a_click_after_the_socket_closed_sends_nothing(page, live_server_url):
    page.goto(f"{live_server_url}/counter/")
    wait_for_live_view(page)
    page.get_by_role("button", name="Increment", exact=True).click()
    expect(page.locator("#count")).to_have_text("1")
    panel = open_time_travel(page)
    expect(row(panel, 1)).to_be_visible()

    # In one turn, so the click comes before the page hears of the close.
    said, sent = panel.evaluate(
        """(panel) => {
            const lv = window.djust.liveViewInstance;
            lv.enabled = false; // no reconnect during the test
            lv.ws.close();
            panel.querySelector('[data-tt-seq="1"] [data-djtt-restore="before"]').click();
            return [panel.querySelector("[data-djtt-msg=main]").textContent, lv.stats.sent];
        }"""
    )

    assert "The LiveView socket closed" in said  # the panel's words for a closed socket
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.djust.liveViewInstance.stats.sent") == sent
    expect(page.locator("#count")).to_have_text("1")
