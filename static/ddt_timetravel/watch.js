// Watchpoints, key history and charts: the panel's questions about state over time.
//
// The server evaluates and draws everything (watch/, key/ and charts/ endpoints);
// this module asks, marks the rows the answer names and moves the selection.

import { debounce } from "../debug_toolbar/js/utils.js";
import { report } from "./messages.js";
import { rowOf, rowsOf, selectedSeq, selectRow, setActiveRow } from "./rows.js";
import { endpointUrl, fetchFragment, panelFetch } from "./server.js";
import { readStored, store } from "./storage.js";
import { delegate, panelRoot } from "./toolbar.js";
import { view } from "./view_state.js";

const WATCH_KEY = "djtt.watch";
const WATCH_DELAY_MS = 300;
const CHARTS_MIN_GAP_MS = 2000; // redraw the open charts at most this often

const watchState = {
    expression: loadExpression(),
    holds: [], // event numbers where the expression holds, oldest first
    generation: 0, // bumped on every new expression: older answers are dropped
    chartsOpen: false,
    chartsAt: 0,
    chartsTimer: null,
    keyShown: "", // the key whose history is open
};

function loadExpression() {
    return readStored("sessionStorage", WATCH_KEY) || "";
}

function saveExpression() {
    store("sessionStorage", WATCH_KEY, watchState.expression);
}

function watchInput(root) {
    return root.querySelector("[data-djtt-watch]");
}

function sayWatch(root, text, kind = "") {
    const result = root.querySelector("[data-djtt-watch-result]");
    if (!result) return;
    result.textContent = text;
    if (kind) result.dataset.djttKind = kind;
    else delete result.dataset.djttKind;
}

function markRows(root) {
    const hits = new Set(watchState.holds.map(String));
    const first = watchState.holds.length ? String(watchState.holds[0]) : null;
    for (const row of rowsOf(root)) {
        const seq = row.dataset.ttSeq;
        row.classList.toggle("djtt-watch-hit", hits.has(seq));
        row.classList.toggle("djtt-watch-first", seq === first);
        if (hits.has(seq)) row.dataset.djttWatch = seq === first ? "first" : "hit";
        else delete row.dataset.djttWatch;
    }
    const steps = root.querySelector("[data-djtt-watch-steps]");
    if (steps) steps.hidden = watchState.holds.length < 1;
}

function describe(holds, held) {
    if (!holds.length) return `Holds in none of the ${held} held events.`;
    return `Holds in ${holds.length} of ${held} held events; first at #${holds[0]}.`;
}

async function evaluate(root, { select }) {
    const expression = watchState.expression;
    const generation = ++watchState.generation;
    if (!expression) {
        watchState.holds = [];
        sayWatch(root, "");
        markRows(root);
        return;
    }
    if (!view.sessionId) return;
    const url = endpointUrl(root, "djttWatchUrl", { expr: expression });
    let answer;
    try {
        const response = await panelFetch(url);
        answer = await response.json().catch(() => ({ error: `The panel request failed (${response.status}).` }));
    } catch (error) {
        if (generation === watchState.generation) sayWatch(root, error.message, "error");
        return;
    }
    if (generation !== watchState.generation) return; // a newer expression was typed
    if (answer.error) {
        watchState.holds = [];
        markRows(root);
        sayWatch(root, answer.error, "error");
        return;
    }
    watchState.holds = answer.holds;
    markRows(root);
    sayWatch(root, describe(answer.holds, answer.held));
    // While typing, the first match is shown but focus stays in the box; Enter moves there.
    if (select && answer.first !== null) selectEvent(root, answer.first, { focus: false });
}

// Select an event's row: open its detail, bring it into view and (unless told not to) focus it.
function selectEvent(root, seq, { focus = true } = {}) {
    const row = rowOf(root, seq);
    if (!row) {
        report("main", `Event #${seq} is not in the list (filtered out or no longer held).`);
        return;
    }
    setActiveRow(root, row);
    selectRow(row);
    if (focus) row.focus();
    row.scrollIntoView({ block: "nearest" });
}

// Alt+Down goes to the next older match in the list, Alt+Up to the next newer one.
function step(root, direction) {
    const holds = watchState.holds;
    if (!holds.length) return false;
    const focused = root.querySelector("[data-tt-seq]:focus");
    const current = focused ? Number(focused.dataset.ttSeq) : selectedSeq();
    let target;
    if (direction === "older") {
        const older = holds.filter((seq) => current !== null && seq < current);
        target = older.length ? older[older.length - 1] : holds[holds.length - 1];
    } else {
        target = holds.find((seq) => current !== null && seq > current) ?? holds[0];
    }
    selectEvent(root, target);
    return true;
}

// The expression being typed is evaluated once typing pauses.
const evaluateTyped = debounce((input) => {
    const root = panelRoot();
    watchState.expression = input.value.trim();
    saveExpression();
    if (root) evaluate(root, { select: true });
}, WATCH_DELAY_MS);

// New rows re-evaluate on their own timer: an expression being typed is not dropped.
const evaluateAfterRows = debounce((root) => evaluate(root, { select: false }), WATCH_DELAY_MS);

// "Clear" in the filter bar clears the watch too: it is saved with the filters.
function onFiltersReset() {
    const root = panelRoot();
    if (!root) return;
    watchState.expression = "";
    saveExpression();
    evaluate(root, { select: false });
}

function onWatchStep(button) {
    const root = panelRoot();
    if (root) step(root, button.dataset.djttWatchStep);
}

function onWatchKey(event) {
    const root = panelRoot();
    if (!root?.contains(event.target)) return;
    if (event.key === "Enter" && event.target.matches("[data-djtt-watch]") && watchState.holds.length) {
        event.preventDefault();
        selectEvent(root, watchState.holds[0]); // to the first match, to restore it with Enter
        return;
    }
    if (!event.altKey || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) return;
    if (step(root, event.key === "ArrowDown" ? "older" : "newer")) {
        event.preventDefault();
        event.stopPropagation();
    }
}

// The history opens in the detail of the row it was asked from, above its diff,
// so the list keeps its room; one history at a time.
function keyBox(root, from) {
    const detail = from?.closest("details[data-djtt-diff]");
    if (!detail) return null;
    for (const other of root.querySelectorAll("[data-djtt-key-box]")) {
        if (!detail.contains(other)) other.remove();
    }
    let box = detail.querySelector(":scope > [data-djtt-key-box]");
    if (!box) {
        box = document.createElement("div");
        box.className = "djtt-key-box";
        box.dataset.djttKeyBox = "";
        const summary = detail.querySelector(":scope > summary");
        if (summary) summary.after(box);
        else detail.prepend(box);
    }
    return box;
}

async function showKeyHistory(root, key, from) {
    const box = keyBox(root, from);
    if (!box) return;
    watchState.keyShown = key;
    box.textContent = "Loading…";
    try {
        const fragment = await fetchFragment(endpointUrl(root, "djttKeyUrl", { keypath: key }));
        if (watchState.keyShown !== key) return;
        const close = document.createElement("button");
        close.type = "button";
        close.dataset.djttKeyClose = "";
        close.textContent = "Close history";
        box.replaceChildren(fragment, close);
        const title = box.querySelector("h4");
        if (title) {
            title.tabIndex = -1;
            title.focus();
        }
    } catch (error) {
        box.textContent = error.message;
    }
}

function onKeyHistoryClick(button, event) {
    const root = panelRoot();
    if (!root) return;
    event.preventDefault();
    showKeyHistory(root, button.dataset.djttKeyHistory, button);
}

function onKeyCloseClick(close) {
    const box = close.closest("[data-djtt-key-box]");
    const button = box?.parentElement?.querySelector("[data-djtt-key-history]");
    watchState.keyShown = "";
    if (box) box.remove();
    if (button) button.focus();
}

function onSelectClick(target) {
    const root = panelRoot();
    if (root?.contains(target)) selectEvent(root, Number(target.dataset.djttSelect));
}

async function drawCharts(root) {
    const box = root.querySelector("[data-djtt-charts-box]");
    if (!box || !watchState.chartsOpen || !view.sessionId) return;
    watchState.chartsAt = Date.now();
    try {
        box.replaceChildren(await fetchFragment(endpointUrl(root, "djttChartsUrl", {})));
    } catch (error) {
        box.textContent = error.message;
    }
}

function showCharts(root, open) {
    const box = root.querySelector("[data-djtt-charts-box]");
    const toggle = root.querySelector("[data-djtt-charts-toggle]");
    watchState.chartsOpen = open;
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
    if (!box) return;
    box.hidden = !open;
    if (open) drawCharts(root);
}

function onChartsToggle() {
    const root = panelRoot();
    if (root) showCharts(root, !watchState.chartsOpen);
}

// New rows arrived (or the list was rebuilt): mark them, and redraw what is open.
export function rowsChanged(root) {
    markRows(root);
    if (watchState.expression) {
        evaluateAfterRows(root);
    }
    if (watchState.chartsOpen && !watchState.chartsTimer) {
        const wait = Math.max(0, CHARTS_MIN_GAP_MS - (Date.now() - watchState.chartsAt));
        watchState.chartsTimer = window.setTimeout(() => {
            watchState.chartsTimer = null;
            drawCharts(root);
        }, wait);
    }
}

// Once per page: listen on the toolbar. On every render of the panel: fill it in.
export function listenForWatch(djDebug) {
    delegate(djDebug, "input", "[data-djtt-watch]", evaluateTyped);
    delegate(djDebug, "reset", "[data-djtt-filters]", onFiltersReset);
    delegate(djDebug, "click", "[data-djtt-watch-step]", onWatchStep);
    delegate(djDebug, "click", "[data-djtt-key-history]", onKeyHistoryClick);
    delegate(djDebug, "click", "[data-djtt-key-close]", onKeyCloseClick);
    delegate(djDebug, "click", "[data-djtt-select]", onSelectClick);
    delegate(djDebug, "click", "[data-djtt-charts-toggle]", onChartsToggle);
    djDebug.addEventListener("keydown", onWatchKey, true); // before the list's own keys
}

export function initWatch(root) {
    const input = watchInput(root);
    if (input) input.value = watchState.expression;
    showCharts(root, watchState.chartsOpen);
}
