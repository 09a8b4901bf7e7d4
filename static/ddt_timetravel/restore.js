// Restore and replay: djust's own frames sent over the page's socket with the
// row's identity, djust's answers to them, and the list's keys (Enter restores).
// The server checks the identity where djust applies the frame, so a click acts
// on the event its row shows, or on nothing.

import { report, say } from "./messages.js";
import { markViewing, rowOf, rowsOf, selectedSeq, selectRow, setActiveRow } from "./rows.js";
import { endpointUrl, fetchFragment } from "./server.js";
import { liveView, sendRefusal, socketReady, usesSse } from "./socket.js";
import { refresh, statusLine } from "./timeline.js";
import { PANEL_ID, panelRoot } from "./toolbar.js";
import { view } from "./view_state.js";

let pendingReplay = null; // the replay form whose frame was sent, not yet acknowledged

// Why a jump or replay cannot be sent; a new session refreshes the rows.
function notLive(lv) {
    const trouble = sendRefusal(lv);
    if (trouble) return trouble;
    refresh();
    return "The LiveView socket reconnected: djust mounted a new view with an empty history. These rows were of the previous one.";
}

// What a row shows of its event. The server checks it where djust applies the frame
// and moves the frame to wherever the event is by then, or refuses it.
function identityOf(row) {
    const ref = row.dataset.ttRef;
    return {
        seq: Number(row.dataset.ttSeq),
        ts: Number(row.dataset.ttTs),
        event: row.dataset.ttEvent,
        ref: ref === undefined ? null : Number(ref),
    };
}

// The page's socket when a jump frame can go through it; otherwise says why, and null.
function jumpSocket() {
    const lv = liveView();
    report("main", null);
    if (usesSse(lv)) {
        report("main", "This page uses djust's SSE fallback: djust accepts time-travel jumps only over the WebSocket.");
        return null;
    }
    if (!socketReady(lv) || lv.sessionId !== view.sessionId) {
        report("main", notLive(lv));
        return null;
    }
    return lv;
}

// Sends one of djust's jump frames for event ``seq`` (null: the newest, for Back to live),
// with the row's identity; the position in it is only the panel's guess.
function jump(seq, which, label, frameFor) {
    const root = panelRoot();
    if (!root) return;
    const lv = jumpSocket();
    if (!lv) return;
    const row = seq === null ? null : rowOf(root, seq);
    if (seq !== null && !row) {
        report("main", `Event #${seq} is no longer listed: nothing was restored.`);
        return;
    }
    const index = (seq === null ? view.lastSeq : seq) - view.headSeq;
    const frame = frameFor(index, row ? identityOf(row) : { newest: true });
    if (view.child) {
        // An embedded view is restored whole, by its view_id; djust's frames for one
        // component or a replay act on the socket's view alone.
        if (frame.type !== "time_travel_jump") {
            report("main", "Only a whole restore works on an embedded view: nothing was sent.");
            return;
        }
        frame.ddt_child = view.child;
    }
    view.pendingJump = { seq, which };
    say(`Restoring ${label} (${which})…`);
    lv.sendMessage(frame);
}

function restore(seq, which) {
    jump(seq, which, `#${seq}`, (index, ddtEvent) => ({
        type: "time_travel_jump",
        index,
        which,
        ddt_event: ddtEvent,
    }));
}

/** "Back to live": the newest event's after-state. */
function backToLive() {
    if (view.lastSeq < view.headSeq) {
        report("main", "No events yet: the page is live.", "result");
        return;
    }
    jump(null, "after", "the newest state", (index, ddtEvent) => ({
        type: "time_travel_jump",
        index,
        which: "after",
        ddt_event: ddtEvent,
    }));
}

export function onRestoreClick(button) {
    const row = button.closest("[data-tt-seq]");
    if (row) restore(Number(row.dataset.ttSeq), button.dataset.djttRestore);
}

export function onLiveClick() {
    backToLive();
}

export function onComponentRestoreClick(button) {
    const row = button.closest("[data-tt-seq]");
    if (!row) return;
    const seq = Number(row.dataset.ttSeq);
    const componentId = button.dataset.djttComponentId;
    const which = button.dataset.djttComponentRestore;
    jump(seq, which, `component ${componentId} from #${seq}`, (index, ddtEvent) => ({
        type: "time_travel_component_jump",
        index,
        component_id: componentId,
        which,
        ddt_event: ddtEvent,
    }));
}

/** "Restore this state into the current page": djust's jump frame naming a kept
 * earlier session's state; the server puts it back (from the states as recorded, unmasked). */
export function onEarlierRestoreClick(button) {
    const row = button.closest("[data-tt-seq]");
    const title = button.closest("[data-djtt-imported]")?.querySelector("[data-djtt-earlier-open]");
    if (!row || !title) return;
    const lv = jumpSocket();
    if (!lv) return;
    const seq = Number(row.dataset.ttSeq);
    const which = button.dataset.djttEarlierRestore;
    say(`Restoring the state ${which} #${seq} of the earlier session…`);
    lv.sendMessage({
        type: "time_travel_jump",
        index: 0,
        which,
        ddt_earlier: { id: title.dataset.djttEarlierOpen, seq, which },
    });
}

function restoreCostText(cost) {
    // Measured by the server in the restore's own turn; nothing when it was not.
    if (!cost || typeof cost.render_ms !== "number") return "";
    const queries = Number(cost.queries) || 0;
    const patch = typeof cost.patch_bytes === "number" ? `, a ${cost.patch_bytes} B patch` : "";
    return ` The restore re-rendered in ${cost.render_ms.toFixed(1)} ms with ${queries} quer${queries === 1 ? "y" : "ies"}${patch}.`;
}

/** djust acknowledged a restore or replay (``time_travel_state``); the server says
 * which event it applied. */
export function stateApplied(frame) {
    if (frame.ddt_earlier) {
        earlierStateApplied(frame);
        return;
    }
    const applied = frame.ddt_event || {};
    if (applied.replay_of !== undefined) {
        const form = pendingReplay;
        pendingReplay = null;
        if (form) toggleReplayForm(form.closest("[data-tt-seq]"), false);
        view.viewing = null;
        view.restoreCost = "";
        view.shownSerial = Math.max(view.shownSerial, Number(applied.serial || 0));
        const as = applied.seq ? ` as #${applied.seq}` : "";
        report(
            "main",
            `Replayed #${applied.replay_of}${as} on branch ${frame.branch_id}. The new event is at the top.`,
            "result",
        );
        return;
    }
    view.pendingJump = null;
    if (applied.seq !== undefined) {
        view.shownSerial = Math.max(view.shownSerial, Number(applied.serial || 0));
        view.viewing = applied.live
            ? null
            : { seq: applied.seq, which: applied.which, componentId: applied.component_id || null };
    }
    view.restoreCost = restoreCostText(frame.ddt_timetravel_cost);
    const root = panelRoot();
    if (root) markViewing(root);
    say(statusLine());
}

// The page now shows a state of an earlier session: no row of this timeline.
function earlierStateApplied(frame) {
    const applied = frame.ddt_earlier;
    view.pendingJump = null;
    view.viewing = null;
    view.shownSerial = Math.max(view.shownSerial, Number(applied.serial || 0));
    view.restoreCost = restoreCostText(frame.ddt_timetravel_cost);
    report(
        "main",
        `The page shows the state ${applied.which} #${applied.seq} of the earlier session; new events continue from it.`,
        "result",
    );
}

/** djust recorded a new event: the page is live again. */
export function eventRecorded() {
    view.viewing = null;
    view.restoreCost = "";
}

const TIME_TRAVEL_FRAMES = ["time_travel_jump", "time_travel_component_jump", "forward_replay"];
const DJUST_REFUSALS = /^(time_travel|forward_replay|View not mounted)/;

// An error from the server is the answer to a restore or replay when the server's
// guard sent it (it names the frame) or djust's handler did (its messages say so);
// any other error (a handler that raised on a busy page) is not.
export function onDjustError(event) {
    const lv = liveView();
    if (lv && !lv.viewMounted && !usesSse(lv)) {
        refresh(); // djust refused the mount: say why now, not at the next poll
        return;
    }
    const detail = event.detail || {};
    const message = detail.error || "unknown error";
    const fromGuard = TIME_TRAVEL_FRAMES.includes(detail.event);
    if (!fromGuard && !DJUST_REFUSALS.test(message)) return;
    const form = pendingReplay;
    const replay = fromGuard ? detail.event === "forward_replay" : Boolean(form);
    const text = fromGuard ? message : `djust refused the ${replay ? "replay" : "restore"}: ${message}`;
    if (replay) {
        pendingReplay = null;
        const error = form?.querySelector("[data-djtt-replay-error]");
        if (error) error.textContent = text;
    } else {
        view.pendingJump = null;
    }
    report("main", text);
    say(statusLine());
}

function containsMarker(value, marker) {
    if (typeof value === "string") return value.includes(marker);
    if (Array.isArray(value)) return value.some((item) => containsMarker(item, marker));
    if (value && typeof value === "object") {
        return Object.values(value).some((item) => containsMarker(item, marker));
    }
    return false;
}

function parseReplayParams(text, marker) {
    let params;
    try {
        params = JSON.parse(text);
    } catch (error) {
        throw new Error(`The params are not valid JSON: ${error.message}`);
    }
    if (!params || typeof params !== "object" || Array.isArray(params)) {
        throw new Error('The params must be a JSON object, like {"amount": 5}.');
    }
    if (marker && containsMarker(params, marker)) {
        throw new Error(`Replace each “${marker}” with a real value: masked values never reach the browser.`);
    }
    return params;
}

function toggleReplayForm(row, open) {
    const form = row.querySelector("[data-djtt-replay]");
    const button = row.querySelector("[data-djtt-replay-open]");
    if (!form) return;
    form.hidden = !open;
    if (button) button.setAttribute("aria-expanded", String(open));
    if (open) form.querySelector("textarea").focus();
}

// The replay editor comes from the server when a row's Replay is first pressed:
// rows carry only the button, so a long list stays light.
async function loadReplayForm(row, root) {
    const url = endpointUrl(root, "djttReplayUrl", { seq: row.dataset.ttSeq });
    const form = (await fetchFragment(url)).querySelector("[data-djtt-replay]");
    if (!form) throw new Error("The server sent no replay editor.");
    form.hidden = true;
    row.querySelector(":scope > .djtt-details").after(form);
}

export async function onReplayOpenClick(button) {
    const row = button.closest("[data-tt-seq]");
    const root = panelRoot();
    if (!row || !root || button.getAttribute("aria-busy") === "true") return;
    if (!row.querySelector("[data-djtt-replay]")) {
        button.setAttribute("aria-busy", "true");
        try {
            await loadReplayForm(row, root);
        } catch (error) {
            report("main", error.message);
            return;
        } finally {
            button.removeAttribute("aria-busy");
        }
    }
    toggleReplayForm(row, row.querySelector("[data-djtt-replay]").hidden);
}

export function onReplayCancelClick(button) {
    const row = button.closest("[data-tt-seq]");
    if (row) toggleReplayForm(row, false);
}

export function onReplaySubmit(form, event) {
    const root = panelRoot();
    if (!root) return;
    event.preventDefault();
    const error = form.querySelector("[data-djtt-replay-error]");
    const row = form.closest("[data-tt-seq]");
    const seq = Number(row.dataset.ttSeq);
    error.textContent = "";
    let params;
    try {
        params = parseReplayParams(form.elements.namedItem("params").value, root.dataset.djttMaskMarker);
    } catch (problem) {
        error.textContent = problem.message;
        return;
    }
    const lv = liveView();
    if (!socketReady(lv) || lv.sessionId !== view.sessionId) {
        error.textContent = notLive(lv);
        return;
    }
    report("main", null);
    pendingReplay = form;
    say(`Replaying #${seq}…`);
    lv.sendMessage({
        type: "forward_replay",
        from_index: seq - view.headSeq,
        override_params: params,
        ddt_event: identityOf(row),
    });
}

const MOVES = ["ArrowDown", "ArrowUp", "Home", "End"];

/** The list's keys: the arrows move between rows, Space opens a row's detail, Enter
 * restores after (Shift+Enter before), Esc goes back to live. */
export function onKeyDown(event) {
    const root = panelRoot();
    const panel = root?.closest(`#${PANEL_ID}`);
    if (!panel?.contains(event.target)) return;
    if (event.target.closest("[data-djtt-imported]")) return; // imported rows cannot be restored
    if (event.target.closest("[data-djtt-resize]")) return; // the dock's handle has its own keys
    const row = event.target.matches?.("[data-tt-seq]") ? event.target : null;
    const rows = rowsOf(root);
    if (MOVES.includes(event.key)) {
        const inField = event.target.closest("input, textarea, select, summary, [data-djtt-diff] > *");
        if (inField || !rows.length || (!row && (event.key === "Home" || event.key === "End"))) return;
        event.preventDefault();
        const position = row ? rows.indexOf(row) : -1;
        const targets = {
            ArrowDown: Math.min(position + 1, rows.length - 1),
            ArrowUp: Math.max(position - 1, 0),
            Home: 0,
            End: rows.length - 1,
        };
        const next = rows[targets[event.key]];
        setActiveRow(root, next);
        next.focus();
        if (selectedSeq() !== null) selectRow(next); // the open detail follows
        return;
    }
    if (!row) return;
    if (event.key === " ") {
        event.preventDefault();
        selectRow(row);
    } else if (event.key === "Enter") {
        event.preventDefault();
        restore(Number(row.dataset.ttSeq), event.shiftKey ? "before" : "after");
    } else if (event.key === "Escape") {
        // Handled here, so the toolbar does not also close the panel.
        event.preventDefault();
        event.stopPropagation();
        backToLive();
    }
}
