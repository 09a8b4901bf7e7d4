// Time Travel panel for django-debug-toolbar: a thin client.
//
// All HTML comes from the server (Django templates). This module fetches
// fragments, sends djust frames through the page's own LiveView socket and
// listens to djust's and the toolbar's events. State lives in module scope so
// the toolbar may replace the panel's DOM (UPDATE_ON_FETCH) at any time.

import { initCheck } from "./check.js";
import { initDock } from "./dock.js";
import { earlierCount, initEarlier, listenForEarlier, sessionChanged, tabId } from "./earlier.js";
import { readStored, store } from "./storage.js";
import { initToolbarSwitch, showState } from "./toolbar_switch.js";
import { initWatch, listenForWatch, rowsChanged } from "./watch.js";

const PANEL_ID = "TimeTravelPanel";
const FILTERS_KEY = "djtt.filters";
const FILTER_NAMES = ["event", "key", "q", "errors"];
const SERVER_DOWN = "The server did not answer. Is it still running? Reload the page once it is back.";
const ANNOUNCE_MS = 1000; // at most one "new events" announcement a second
// Rows fetched at a time: the newest first, older pages as the list scrolls near its end.
const PAGE = 100;
// Rows before the end of the list whose coming into view loads the next older page.
const LOOKAHEAD_ROWS = 30;
// How long a closed panel waits after djust's frame before fetching quietly.
const QUIET_DELAY_MS = 150;

const state = {
    sessionId: null,
    viewInstance: null, // the view instance the rows belong to (a live_redirect mounts another)
    lastSeq: 0,
    headSeq: 1,
    fromSeq: 1, // the oldest event the rows shown cover: older pages ask before it
    list: null, // the element holding the rows, kept across re-rendered panels
    loadingOlder: false,
    olderObserver: null,
    shellLoading: false,
    quietTimer: null,
    viewing: null, // {seq, which, componentId} of the restored state the page shows
    shownSerial: 0, // the server's count of restores and replays behind ``viewing``
    pendingJump: null, // {seq, which} sent, not yet acknowledged
    pendingReplay: null, // the replay form whose frame was sent, not yet acknowledged
    importedFile: null, // text of an opened export, sent once: filters then run on its rows
    refreshing: false,
    again: false,
    timer: null,
    listening: false,
    filters: loadFilters(),
    filterTimer: null,
    generation: 0, // bumped when the rows start again (filters, session): older answers are dropped
    total: 0, // events held by the view, whatever the filters
    reconnected: false, // a new view instance replaced the one whose rows were shown
    messages: {}, // slot -> {text, kind}: errors and results, kept until dismissed
    pollFailed: false, // the main message is the poll's own "server down"
    selected: null, // seq of the row whose detail is open
    activeSeq: null, // seq of the row that is the list's Tab stop, once the user chose one
    primed: false, // the list has had its first answer: later rows are new events
    unannounced: 0, // new rows not yet announced to screen readers
    newestUnannounced: null,
    announceTimer: null,
    toolsOpen: false, // compare, export and import are folded away until asked for
    restoreCost: "", // what the last restore's re-render cost, said after the status
};

function loadFilters() {
    let saved = {};
    try {
        saved = JSON.parse(readStored("sessionStorage", FILTERS_KEY) || "{}") || {};
    } catch (error) {
        // not JSON (written by something else): start without filters
    }
    return Object.fromEntries(FILTER_NAMES.map((name) => [name, String(saved[name] || "")]));
}

function saveFilters() {
    store("sessionStorage", FILTERS_KEY, JSON.stringify(state.filters));
}

function toolbar() {
    const host = document.getElementById("djDebugRoot");
    const scope = host ? host.shadowRoot || host : document;
    return scope.querySelector("#djDebug") || document.getElementById("djDebug");
}

function panelRoot() {
    const djDebug = toolbar();
    return djDebug ? djDebug.querySelector(`#${PANEL_ID} [data-djtt-root]`) : null;
}

function panelIsOpen() {
    const djDebug = toolbar();
    const panel = djDebug && djDebug.querySelector(`#${PANEL_ID}`);
    return Boolean(panel && !panel.classList.contains("djdt-hidden"));
}

function liveView() {
    return (window.djust && window.djust.liveViewInstance) || null;
}

function usesSse(lv) {
    return Boolean(lv) && !("ws" in lv);
}

function socketReady(lv) {
    return Boolean(
        lv && lv.ws && lv.ws.readyState === WebSocket.OPEN && lv.viewMounted && lv.sessionId
    );
}

// How the page's socket is doing, from djust's client state (djust 1.2.6,
// static/djust/src/03-websocket.js): ws.readyState, sessionId and viewMounted;
// reconnectAttempts of maxReconnectAttempts, enabled (false once it gave up);
// stats.connectedAt (set when a socket first opened) and stats.messages (the
// last frames, newest first, as its inspector keeps them). Null when the view is
// mounted, or the page uses the SSE fallback (handled where it matters).
function socketTrouble(lv) {
    if (!lv || usesSse(lv) || socketReady(lv)) return null;
    const open = Boolean(lv.ws && lv.ws.readyState === WebSocket.OPEN);
    const everOpened = Boolean(lv.stats && lv.stats.connectedAt);
    const gaveUp = lv.enabled === false;
    const attempt = lv.reconnectAttempts;
    const attempts = lv.maxReconnectAttempts;
    if (open) {
        const refusal = mountRefusal(lv);
        if (refusal !== null) return refusalMessage(refusal);
        return "The LiveView socket is open; waiting for djust to mount the view…";
    }
    if (!everOpened && (attempt > 0 || gaveUp)) {
        const retry = gaveUp ? "djust's client stopped trying." : `djust's client keeps trying (attempt ${attempt} of ${attempts}).`;
        return `This server does not speak WebSocket: run it under ASGI (daphne first in INSTALLED_APPS, or uvicorn with a websockets library). If it does, route ws/live/ to djust's LiveViewConsumer (check W006). ${retry}`;
    }
    if (!everOpened) return "Waiting for the LiveView socket to connect…";
    if (gaveUp) {
        return "The LiveView socket closed and djust's client stopped reconnecting. Is the server still running? Reload the page once it is back.";
    }
    return `The LiveView socket closed; djust's client is reconnecting (attempt ${attempt} of ${attempts}). The view it mounts again starts with an empty history.`;
}

// djust's error frame since the socket's last "connect" frame, if the view did not
// mount: djust answered the mount with it (e.g. a module not allowed).
function mountRefusal(lv) {
    const frames = (lv.stats && lv.stats.messages) || [];
    for (const frame of frames) {
        if (frame.direction !== "received") continue;
        if (frame.type === "connect" || frame.type === "mount") break;
        if (frame.type === "error") return String((frame.data && frame.data.error) || "no reason given");
    }
    return null;
}

function refusalMessage(error) {
    const root = document.querySelector("[dj-view]");
    const view = (root && root.getAttribute("dj-view")) || "the view";
    if (/not allowed/i.test(error)) {
        return `djust refused to mount ${view}: its module is not in LIVEVIEW_ALLOWED_MODULES (djust says: “${error}”). Add it there (check W007), then reload the page.`;
    }
    return `djust refused to mount ${view}: ${error}`;
}

function switchedOff() {
    // The toolbar's checkbox for this panel; the server then answers 404 too.
    return /(?:^|;\s*)djdtTimeTravelPanel=off(?:;|$)/.test(document.cookie);
}

function say(message) {
    const root = panelRoot();
    const status = root && root.querySelector("[data-djtt-status]");
    if (status) status.textContent = message;
}

// Errors and results, apart from the live/viewing status: each sits next to the
// control that caused it and stays until dismissed or that control is used again.
function report(slot, text, kind = "error") {
    state.messages[slot] = text ? { text, kind } : null;
    if (slot === "main") state.pollFailed = false;
    const root = panelRoot();
    if (root) renderMessage(root, slot);
}

function renderMessage(root, slot) {
    const box = root.querySelector(`[data-djtt-msg="${slot}"]`);
    if (!box) return;
    const message = state.messages[slot];
    if (!message) {
        box.replaceChildren();
        delete box.dataset.kind;
        return;
    }
    const text = document.createElement("span");
    text.className = "djtt-msg-text";
    text.textContent = message.text;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.dataset.djttDismiss = slot;
    dismiss.textContent = "Dismiss";
    box.dataset.kind = message.kind;
    box.replaceChildren(text, dismiss);
}

function onDismissClick(event) {
    const button = event.target.closest("[data-djtt-dismiss]");
    if (button) report(button.dataset.djttDismiss, null);
}

function rowsList(root) {
    return root.querySelector("[data-djtt-rows]");
}

function startRowsAgain(root) {
    state.generation += 1;
    state.primed = false;
    state.lastSeq = 0;
    state.fromSeq = 1;
    rowsList(root).replaceChildren();
}

function resetTimeline(root, sessionId) {
    // A second session on the same page is a new view instance: its history starts empty.
    state.reconnected = state.sessionId !== null;
    state.selected = null;
    state.activeSeq = null;
    state.sessionId = sessionId;
    state.viewInstance = null;
    state.headSeq = 1;
    state.viewing = null;
    state.shownSerial = 0;
    state.pendingJump = null;
    startRowsAgain(root);
    if (!switchedOff()) sessionChanged(root); // an unticked panel asks the server nothing
}

// True when the socket's view is another instance than the rows show (a live_redirect).
function remounted(fragment) {
    const shown = state.viewInstance;
    state.viewInstance = fragment.dataset.viewInstance || null;
    return Boolean(shown && state.viewInstance && shown !== state.viewInstance);
}

function parseFragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.querySelector("[data-djtt-fragment]");
}

// Only a whole-view restore makes a row the page's state; a component restore does not.
function markViewing(root) {
    const whole = state.viewing && !state.viewing.componentId ? state.viewing : null;
    for (const row of rowsList(root).children) {
        const current = whole && Number(row.dataset.ttSeq) === whole.seq;
        row.classList.toggle("djdt-highlighted", Boolean(current));
        if (current) {
            row.setAttribute("aria-current", "true");
            row.dataset.ttWhich = whole.which;
        } else {
            row.removeAttribute("aria-current");
            delete row.dataset.ttWhich;
        }
    }
}

// Puts one page of rows in the list: new rows on top, or (``older``) a page at the bottom.
// The list always holds one contiguous run of events, from ``state.fromSeq`` up.
function applyFragment(root, fragment, older = false) {
    const header = root.querySelector("[data-djtt-header]");
    const headerContent = fragment.querySelector("[data-djtt-header-content]");
    if (header && headerContent) header.replaceChildren(...headerContent.childNodes);
    const message = fragment.querySelector("[data-djtt-message]");
    if (fragment.dataset.disabled) {
        say(message ? message.textContent : "Time travel is off for this view.");
        root.dataset.idle = "1";
        return;
    }
    delete root.dataset.idle;
    state.headSeq = Number(fragment.dataset.headSeq);
    state.total = Number(fragment.dataset.length) || 0;
    const fromSeq = Number(fragment.dataset.fromSeq || state.headSeq);
    const list = rowsList(root);
    if (!older && (fromSeq > state.lastSeq + 1 || !list.children.length)) {
        // More events arrived than one page holds: the rows in between load on scroll.
        if (list.children.length) {
            list.replaceChildren();
            state.generation += 1; // an older page on its way belongs below the old rows
        }
        state.fromSeq = fromSeq;
    } else if (older) {
        state.fromSeq = fromSeq;
    }
    const fresh = fragment.querySelector("[data-djtt-new-rows]");
    const known = new Set([...list.children].map((row) => row.dataset.ttSeq));
    const incoming = [...fresh.children].filter((row) => !known.has(row.dataset.ttSeq));
    if (older) {
        list.append(...incoming);
    } else {
        list.prepend(...incoming);
        if (state.primed) queueAnnouncement(incoming);
        state.primed = true;
    }
    let changed = incoming.length > 0;
    for (const row of [...list.children]) {
        const index = Number(row.dataset.ttSeq) - state.headSeq;
        if (index < 0) {
            row.remove();
            changed = true;
        } else {
            row.dataset.ttIndex = String(index);
        }
    }
    state.fromSeq = Math.max(state.fromSeq, state.headSeq);
    state.lastSeq = Math.max(state.lastSeq, Number(fragment.dataset.lastSeq));
    takeShown(fragment.dataset);
    watchForOlder(list);
    markViewing(root);
    keepOneTabStop(root);
    showEmptyState(root);
    if (changed) rowsChanged(root);
    if (!state.pendingJump) say(statusLine());
}

// What the list says when it has no row: no event yet, none matching, or a new view.
function showEmptyState(root) {
    const box = root.querySelector("[data-djtt-empty]");
    if (!box) return;
    if (rowsList(root).children.length) {
        box.hidden = true;
        box.replaceChildren();
        return;
    }
    const filtered = FILTER_NAMES.some((name) => state.filters[name]);
    if (filtered && state.total) {
        const clear = document.createElement("button");
        clear.type = "button";
        clear.dataset.djttClearFilters = "";
        clear.textContent = "Clear filters";
        const plural = state.total === 1 ? "event matches" : "events match";
        box.replaceChildren(`0 of ${state.total} ${plural}. `, clear);
    } else if (state.reconnected) {
        box.textContent = earlierCount()
            ? "The page reconnected: a new view instance with an empty history; the earlier events are under Earlier sessions."
            : "The page reconnected: a new view instance with an empty history; the earlier events are gone.";
    } else {
        box.textContent = earlierCount()
            ? "No events yet: interact with the page and they appear here. Earlier sessions of this tab are under Earlier sessions."
            : "No events yet: interact with the page and they appear here.";
    }
    box.hidden = false;
}

function onClearFiltersClick(event) {
    if (!event.target.closest("[data-djtt-clear-filters]")) return;
    const root = panelRoot();
    const form = root && root.querySelector("[data-djtt-filters]");
    if (form) form.reset();
}

// New rows are announced politely, at most once a second, however fast they come.
function queueAnnouncement(incoming) {
    if (!incoming.length) return;
    state.unannounced = (state.unannounced || 0) + incoming.length;
    state.newestUnannounced = incoming[0].dataset.ttSeq;
    if (state.announceTimer) return;
    state.announceTimer = window.setTimeout(() => {
        state.announceTimer = null;
        const root = panelRoot();
        const region = root && root.querySelector("[data-djtt-announce]");
        const count = state.unannounced;
        state.unannounced = 0;
        if (!region || !count) return;
        region.textContent =
            count === 1
                ? `New event #${state.newestUnannounced}`
                : `${count} new events, the newest #${state.newestUnannounced}`;
    }, ANNOUNCE_MS);
}

// What the server says the page shows, unless an answer about a later restore came first.
function takeShown(data) {
    const serial = Number(data.shownSerial || 0);
    if (serial < state.shownSerial) return;
    state.shownSerial = serial;
    state.viewing = data.viewingSeq
        ? { seq: Number(data.viewingSeq), which: data.viewingWhich, componentId: data.viewingComponent || null }
        : null;
}

function statusLine() {
    if (state.viewing && state.viewing.componentId) {
        const { componentId, which, seq } = state.viewing;
        return `Component ${componentId} as ${which} #${seq}; the rest of the page is live. New events continue from this state.${state.restoreCost}`;
    }
    if (state.viewing) {
        return `Viewing #${state.viewing.seq} (${state.viewing.which}). New events continue from this state.${state.restoreCost}`;
    }
    const filtered = FILTER_NAMES.some((name) => state.filters[name]);
    const live = filtered
        ? "Live, filtered: matching new events appear as they happen."
        : "Live: new events appear as they happen.";
    return live + state.restoreCost;
}

function restoreCostText(cost) {
    // Measured by the server in the restore's own turn; nothing when it was not.
    if (!cost || typeof cost.render_ms !== "number") return "";
    const queries = Number(cost.queries) || 0;
    const patch = typeof cost.patch_bytes === "number" ? `, a ${cost.patch_bytes} B patch` : "";
    return ` The restore re-rendered in ${cost.render_ms.toFixed(1)} ms with ${queries} quer${queries === 1 ? "y" : "ies"}${patch}.`;
}

function timelineUrl(root, range) {
    const url = new URL(root.dataset.timelineUrl, window.location.href);
    url.searchParams.set("session", state.sessionId);
    url.searchParams.set("tab", tabId()); // so the server knows this tab's earlier sessions
    for (const [key, value] of Object.entries(range)) url.searchParams.set(key, String(value));
    url.searchParams.set("limit", String(PAGE));
    if (state.viewing && !state.viewing.componentId) {
        url.searchParams.set("viewing", `${state.viewing.seq}:${state.viewing.which}`);
    }
    for (const name of FILTER_NAMES) {
        if (state.filters[name]) url.searchParams.set(name, state.filters[name]);
    }
    return url;
}

// Fetches the rows newer than the newest shown. A closed panel does it too, at low
// priority, so that opening it only shows what is already there.
async function refresh() {
    const root = panelRoot();
    if (!root || switchedOff()) return;
    if (state.refreshing) {
        state.again = true;
        return;
    }
    const lv = liveView();
    if (!lv) {
        root.dataset.idle = "1";
        say("This page has no djust client: add {% djust_client_config %} to the template and render the view as a LiveView.");
        return;
    }
    const trouble = socketTrouble(lv);
    if (trouble || !lv.sessionId) {
        // A socket that was live and closed: is the whole server gone?
        const closed = lv.stats && lv.stats.connectedAt && !(lv.ws && lv.ws.readyState === WebSocket.OPEN);
        if (closed && !(await serverAnswers(root))) pollFailed(SERVER_DOWN);
        say(trouble || "Waiting for the LiveView socket to connect…");
        return;
    }
    if (lv.sessionId !== state.sessionId) resetTimeline(root, lv.sessionId);
    const url = timelineUrl(root, { after: state.lastSeq });
    state.refreshing = true;
    const generation = state.generation;
    try {
        const priority = panelIsOpen() ? "high" : "low";
        const response = await fetch(url, { credentials: "same-origin", priority });
        const body = await response.text();
        if (generation !== state.generation) return; // it answers older filters
        if (!response.ok) {
            pollFailed(failureText(response, body, "The panel request failed"));
            return;
        }
        if (state.pollFailed) report("main", null);
        const fragment = parseFragment(body);
        if (fragment && state.sessionId === lv.sessionId) {
            if (remounted(fragment)) {
                resetTimeline(root, lv.sessionId); // a live_redirect: the same socket, a new view
                state.again = true;
            } else {
                applyFragment(root, fragment);
            }
        }
    } catch (error) {
        pollFailed(SERVER_DOWN);
    } finally {
        state.refreshing = false;
        if (state.again) {
            state.again = false;
            refresh();
        }
    }
}

// The poll's own trouble shows in the main message slot until a poll succeeds again.
function pollFailed(text) {
    if (state.messages.main && !state.pollFailed) return; // the user's own message stays
    report("main", text);
    state.pollFailed = true;
}

async function serverAnswers(root) {
    try {
        await fetch(new URL(root.dataset.timelineUrl, window.location.href), { credentials: "same-origin" });
        return true;
    } catch (error) {
        return false;
    }
}

// A failed answer in one short sentence. The panel's endpoints answer in plain
// text (or JSON); anything else (a debug page, a proxy's error page) is named by
// its status only, never shown raw.
function failureText(response, body, what) {
    const type = response.headers.get("Content-Type") || "";
    const text = (body || "").trim();
    if (type.startsWith("text/plain") && text && text.length <= 500) return text;
    if (type.startsWith("application/json")) {
        try {
            const error = JSON.parse(text).error;
            if (error) return String(error);
        } catch (problem) {
            // not the panel's JSON: fall through to the status
        }
    }
    const where = response.status >= 500 ? ": the server's log says why" : "";
    return `${what} (the server answered ${response.status}${where}).`;
}

// fetch(), with "Failed to fetch" said in words.
async function panelFetch(url, options) {
    try {
        return await fetch(url, { credentials: "same-origin", ...options });
    } catch (error) {
        throw new Error(SERVER_DOWN);
    }
}

// Fetches the page of rows older than the oldest shown, as the list nears its end.
async function loadOlder() {
    const root = panelRoot();
    if (!root || state.loadingOlder || !state.sessionId || state.fromSeq <= state.headSeq) return;
    const generation = state.generation;
    state.loadingOlder = true;
    try {
        const response = await panelFetch(timelineUrl(root, { before: state.fromSeq }));
        const body = await response.text();
        if (generation !== state.generation || root !== panelRoot()) return; // rows started again
        if (!response.ok) {
            pollFailed(failureText(response, body, "The panel request failed"));
            return;
        }
        const fragment = parseFragment(body);
        if (fragment) applyFragment(root, fragment, true);
    } catch (error) {
        pollFailed(error.message);
    } finally {
        state.loadingOlder = false;
    }
}

function watchForOlder(list) {
    if (!state.olderObserver) {
        state.olderObserver = new IntersectionObserver((entries) => {
            if (entries.some((entry) => entry.isIntersecting)) loadOlder();
        });
    }
    state.olderObserver.disconnect();
    if (state.fromSeq <= state.headSeq) return; // every held event is shown
    const rows = list.children;
    const near = rows[Math.max(0, rows.length - LOOKAHEAD_ROWS)];
    if (near) state.olderObserver.observe(near);
}

// The toolbar fetches a panel's content on its first opening only when the content
// box is still empty. Fetching it here, in the background, turns that first
// opening into showing what is already there.
async function prefetchPanel() {
    const djDebug = toolbar();
    const box = djDebug && djDebug.querySelector(`#${PANEL_ID} .djDebugPanelContent .djdt-scroll`);
    if (!box || box.children.length || state.shellLoading || !djDebug.dataset.requestId) return;
    const url = new URL(djDebug.dataset.renderPanelUrl, window.location.href);
    url.searchParams.set("request_id", djDebug.dataset.requestId);
    url.searchParams.set("panel_id", PANEL_ID);
    state.shellLoading = true;
    try {
        const response = await fetch(url, { credentials: "same-origin", priority: "low" });
        if (!response.ok) return;
        const data = await response.json();
        // Opened meanwhile: the toolbar is fetching the same content itself.
        if (box.children.length || !box.isConnected || panelIsOpen()) return;
        const loader = box.previousElementSibling;
        // The toolbar removes the element before the box once its own fetch returns.
        if (loader && loader.classList.contains("djdt-loader")) loader.replaceWith(document.createElement("div"));
        box.innerHTML = data.content;
        applyToolbarStyles(box);
        init();
    } catch (error) {
        // Nothing shown: the toolbar fetches the content when the panel opens.
    } finally {
        state.shellLoading = false;
    }
}

// What the toolbar's own applyStyles does to content it inserts (CSP-safe styles).
function applyToolbarStyles(container) {
    for (const element of container.querySelectorAll("[data-djdt-styles]")) {
        for (const rule of (element.dataset.djdtStyles || "").split(";")) {
            const pair = rule.split(":");
            if (pair.length === 2) element.style[pair[0].trim()] = pair[1].trim();
        }
    }
}

// A new frame from djust: an open panel fetches at once, a closed one a moment later,
// when the page is idle.
function update() {
    if (switchedOff()) return;
    if (panelIsOpen()) {
        refresh();
        return;
    }
    if (!panelRoot()) prefetchPanel(); // once: it fills the rows when it is in
    if (state.quietTimer) return;
    state.quietTimer = window.setTimeout(() => {
        const run = () => {
            state.quietTimer = null;
            if (panelRoot()) refresh();
        };
        if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 1000 });
        else run();
    }, QUIET_DELAY_MS);
}

function endpointUrl(root, name, params) {
    const url = new URL(root.dataset[name], window.location.href);
    url.searchParams.set("session", state.sessionId);
    for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    return url;
}

async function fetchFragment(url) {
    const response = await panelFetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(failureText(response, body, "The panel request failed"));
    const template = document.createElement("template");
    template.innerHTML = body;
    return template.content;
}

async function loadLazy(details) {
    const body = details.querySelector(":scope > [data-djtt-lazy-body]");
    if (!body || body.dataset.loaded) return;
    const root = panelRoot();
    if (!root) return;
    body.dataset.loaded = "1";
    body.textContent = "Loading…";
    const row = details.closest("[data-tt-seq]");
    let url;
    if (details.hasAttribute("data-djtt-diff")) {
        url = endpointUrl(root, "diffUrl", { seq: row && row.dataset.ttSeq });
    } else {
        url = endpointUrl(root, "stateUrl", {
            seq: details.dataset.seq,
            which: details.dataset.which,
            path: details.dataset.path,
        });
    }
    try {
        body.replaceChildren(await fetchFragment(url));
        showState(toolbar());
    } catch (error) {
        delete body.dataset.loaded;
        body.textContent = error.message;
    }
}

function onToggle(event) {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    if (details.hasAttribute("data-djtt-diff") || details.hasAttribute("data-djtt-node")) {
        loadLazy(details);
    }
}

async function onMoreClick(event) {
    const button = event.target.closest("[data-djtt-more]");
    const root = panelRoot();
    if (!button || !root) return;
    const url = endpointUrl(root, "stateUrl", {
        seq: button.dataset.seq,
        which: button.dataset.which,
        path: button.dataset.path,
        offset: button.dataset.offset,
    });
    try {
        const fragment = await fetchFragment(url);
        const items = fragment.querySelector(".djtt-tree");
        button.closest("li").replaceWith(...(items ? items.children : []));
    } catch (error) {
        report("main", error.message);
    }
}

function fillFilters(root) {
    const form = root.querySelector("[data-djtt-filters]");
    if (!form) return;
    for (const name of FILTER_NAMES) {
        const input = form.elements.namedItem(name);
        if (!input) continue;
        if (input.type === "checkbox") input.checked = state.filters[name] === "1";
        else input.value = state.filters[name];
    }
}

function readFilters(form) {
    const filters = {};
    for (const name of FILTER_NAMES) {
        const input = form.elements.namedItem(name);
        if (!input) filters[name] = "";
        else if (input.type === "checkbox") filters[name] = input.checked ? "1" : "";
        else filters[name] = input.value.trim();
    }
    return filters;
}

function applyFilters(filters) {
    const root = panelRoot();
    state.filters = filters;
    saveFilters();
    if (root) filterImported(root);
    // Different filters select different rows: start the list again, and drop
    // any answer still on its way for the old filters.
    if (!root) {
        state.generation += 1;
        state.lastSeq = 0;
        return;
    }
    startRowsAgain(root);
    refresh();
}

function onFilterInput(event) {
    const form = event.target.closest && event.target.closest("[data-djtt-filters]");
    if (!form || event.target.matches("[data-djtt-watch]")) return; // a watch marks rows, keeps them
    window.clearTimeout(state.filterTimer);
    state.filterTimer = window.setTimeout(() => applyFilters(readFilters(form)), 250);
}

function onFilterReset(event) {
    const form = event.target.closest && event.target.closest("[data-djtt-filters]");
    if (!form) return;
    window.setTimeout(() => applyFilters(readFilters(form)), 0);
}

async function onCompareSubmit(event) {
    const form = event.target.closest && event.target.closest("[data-djtt-compare]");
    const root = panelRoot();
    if (!form || !root) return;
    event.preventDefault();
    const result = root.querySelector("[data-djtt-compare-result]");
    report("compare", null);
    const url = endpointUrl(root, "diffUrl", {
        seq: form.elements.namedItem("seq").value,
        against: form.elements.namedItem("against").value,
    });
    try {
        result.replaceChildren(await fetchFragment(url));
    } catch (error) {
        result.replaceChildren();
        report("compare", error.message);
    }
}

function restoreComponent(seq, componentId, which) {
    return jump(seq, which, `component ${componentId} from #${seq}`, (index, ddtEvent) => ({
        type: "time_travel_component_jump",
        index,
        component_id: componentId,
        which,
        ddt_event: ddtEvent,
    }));
}

function onComponentRestoreClick(event) {
    const button = event.target.closest("[data-djtt-component-restore]");
    if (!button) return;
    const row = button.closest("[data-tt-seq]");
    if (row) {
        restoreComponent(Number(row.dataset.ttSeq), button.dataset.componentId, button.dataset.djttComponentRestore);
    }
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
        throw new Error("The params must be a JSON object, like {\"amount\": 5}.");
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

function onReplayClick(event) {
    const open = event.target.closest("[data-djtt-replay-open]");
    const cancel = event.target.closest("[data-djtt-replay-cancel]");
    const row = event.target.closest("[data-tt-seq]");
    if (!row) return;
    if (open) toggleReplayForm(row, row.querySelector("[data-djtt-replay]").hidden);
    if (cancel) toggleReplayForm(row, false);
}

function onReplaySubmit(event) {
    const form = event.target.closest && event.target.closest("[data-djtt-replay]");
    const root = panelRoot();
    if (!form || !root) return;
    event.preventDefault();
    const error = form.querySelector("[data-djtt-replay-error]");
    const row = form.closest("[data-tt-seq]");
    const seq = Number(row.dataset.ttSeq);
    error.textContent = "";
    let params;
    try {
        params = parseReplayParams(form.elements.namedItem("params").value, root.dataset.maskMarker);
    } catch (problem) {
        error.textContent = problem.message;
        return;
    }
    const lv = liveView();
    if (!socketReady(lv) || lv.sessionId !== state.sessionId) {
        error.textContent = notLive(lv);
        return;
    }
    report("main", null);
    state.pendingReplay = form;
    say(`Replaying #${seq}…`);
    lv.sendMessage({
        type: "forward_replay",
        from_index: seq - state.headSeq,
        override_params: params,
        ddt_event: identityOf(row),
    });
}

// Downloads through fetch, so that a refusal shows its reason beside the links.
async function onExportClick(event) {
    const link = event.target.closest("[data-djtt-export]");
    const root = panelRoot();
    if (!link || !root) return;
    event.preventDefault();
    report("export", null);
    if (!state.sessionId) {
        report("export", "The LiveView socket has not connected yet: nothing to export.");
        return;
    }
    const form = link.closest("form");
    const params = { format: link.dataset.djttExport };
    for (const name of ["from", "to"]) params[name] = form.elements.namedItem(name).value;
    for (const name of FILTER_NAMES) params[name] = state.filters[name];
    if (params.from && params.to && Number(params.to) < Number(params.from)) {
        report("export", `Nothing to export: the range is reversed (#${params.from} comes after #${params.to}).`);
        return;
    }
    try {
        const response = await panelFetch(endpointUrl(root, "exportUrl", params));
        if (!response.ok) {
            const reason = failureText(response, await response.text(), "The export failed");
            report("export", `Nothing was exported. ${reason}`);
            return;
        }
        const disposition = response.headers.get("Content-Disposition") || "";
        const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "timeline";
        const href = URL.createObjectURL(await response.blob());
        const download = document.createElement("a");
        download.href = href;
        download.download = name;
        download.click();
        window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (error) {
        report("export", `Nothing was exported: ${error.message}`);
    }
}

function csrfToken() {
    try {
        if (window.djust && typeof window.djust.csrfToken === "function") return window.djust.csrfToken();
    } catch (error) {
        // fall through to the cookie
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
}

async function showImport() {
    const root = panelRoot();
    if (!root || state.importedFile === null) return;
    const result = root.querySelector("[data-djtt-import-result]");
    const url = endpointUrl(root, "importUrl", {});
    if (!state.sessionId) url.searchParams.delete("session");
    try {
        const response = await panelFetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: state.importedFile,
        });
        const body = await response.text();
        if (response.status === 403) throw new Error("The import was refused: this page has no CSRF token (add {% csrf_token %} to the template).");
        if (!response.ok) throw new Error(failureText(response, body, "The file could not be opened"));
        const template = document.createElement("template");
        template.innerHTML = body;
        result.replaceChildren(template.content);
        filterImported(root);
    } catch (error) {
        result.replaceChildren();
        report("export", error.message);
    }
}

// The key filter's rule (search.key_changed): the path, anything below it, or above it.
function pathMatches(path, key) {
    return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`) || key.startsWith(`${path}[`);
}

function importedRowMatches(row, filters, marker) {
    const event = filters.event.toLowerCase();
    if (event && !(row.dataset.ttEvent || "").toLowerCase().includes(event)) return false;
    if (filters.errors === "1" && !row.classList.contains("djtt-has-error")) return false;
    if (filters.key) {
        const paths = [...row.querySelectorAll("[data-djtt-path]")].map((line) => {
            const component = line.closest("[data-djtt-component]");
            const path = line.dataset.djttPath;
            return component ? `component:${component.dataset.djttComponent}.${path}` : path;
        });
        if (!paths.some((path) => pathMatches(path, filters.key))) return false;
    }
    const needle = filters.q.toLowerCase();
    if (!needle) return true;
    const text = marker ? row.textContent.split(marker).join(" ") : row.textContent;
    return text.toLowerCase().includes(needle); // a masked value never matches, nor its marker
}

// An opened file is sent to the server once; the filters then run here, on the
// rows it rendered (what is shown, so a value cut for display matches by its shown part).
function filterImported(root) {
    const imported = root.querySelector("[data-djtt-imported]");
    if (!imported) return;
    const rows = [...imported.querySelectorAll("li[data-tt-seq]")];
    let shown = 0;
    for (const row of rows) {
        row.hidden = !importedRowMatches(row, state.filters, root.dataset.maskMarker || "");
        if (!row.hidden) shown += 1;
    }
    const count = imported.querySelector("[data-djtt-import-count]");
    const active = FILTER_NAMES.some((name) => state.filters[name]);
    if (count) count.textContent = active ? `Showing ${shown} of ${rows.length} matching the filters.` : "";
}

async function onImportChange(event) {
    const input = event.target.closest && event.target.closest("[data-djtt-import]");
    if (!input || !input.files || !input.files.length) return;
    report("export", null);
    state.importedFile = await input.files[0].text();
    input.value = "";
    showImport();
}

// An earlier session (or any server-rendered read-only timeline) where imports show.
function showReadOnly(fragment) {
    const root = panelRoot();
    if (!root) return;
    state.importedFile = null;
    root.querySelector("[data-djtt-import-result]").replaceChildren(fragment);
    filterImported(root);
}

function onImportClose(event) {
    if (!event.target.closest("[data-djtt-import-close]")) return;
    const root = panelRoot();
    state.importedFile = null;
    if (root) root.querySelector("[data-djtt-import-result]").replaceChildren();
}

function rowsOf(root) {
    return [...rowsList(root).querySelectorAll(":scope > [data-tt-seq]")];
}

// The list is one Tab stop: the active row (and its own buttons) can be tabbed to,
// the arrow keys move between rows. The newest row is the stop until the user moves.
function setRowTabStop(row, index) {
    row.tabIndex = index;
    for (const control of row.querySelectorAll(":scope > .djtt-row-main button, :scope > details > summary")) {
        control.tabIndex = index;
    }
}

function setActiveRow(root, active) {
    for (const row of rowsList(root).querySelectorAll(':scope > [data-tt-seq][tabindex="0"]')) {
        if (row !== active) setRowTabStop(row, -1);
    }
    if (active) setRowTabStop(active, 0);
}

function keepOneTabStop(root) {
    const rows = rowsOf(root);
    if (!rows.length) return;
    const chosen = rows.find((row) => Number(row.dataset.ttSeq) === state.activeSeq);
    const wanted = chosen || rows[0];
    if (wanted.tabIndex !== 0) setActiveRow(root, wanted);
}

function onRowFocus(event) {
    const root = panelRoot();
    const row = event.target.closest && event.target.closest("[data-tt-seq]");
    if (!root || !row || row.parentElement !== rowsList(root)) return;
    state.activeSeq = Number(row.dataset.ttSeq);
    if (row.tabIndex !== 0) setActiveRow(root, row);
}

// One row is selected at a time: its detail (diff, state, params, SQL) is open,
// loaded on demand, beside the list at wide widths and below its row otherwise.
function selectRow(root, row) {
    const details = row.querySelector(":scope > details[data-djtt-diff]");
    if (!details) return;
    state.selected = Number(row.dataset.ttSeq);
    details.open = true;
}

function onDiffToggle(event) {
    const details = event.target;
    const root = panelRoot();
    if (!root || !(details instanceof HTMLDetailsElement) || !details.matches("[data-djtt-diff]")) return;
    const row = details.closest("[data-tt-seq]");
    if (!row || row.parentElement !== rowsList(root)) return;
    if (details.open) {
        state.selected = Number(row.dataset.ttSeq);
        for (const other of rowsList(root).querySelectorAll(":scope > li > details[data-djtt-diff][open]")) {
            if (other !== details) other.open = false;
        }
    } else if (state.selected === Number(row.dataset.ttSeq)) {
        state.selected = null;
    }
    for (const item of rowsOf(root)) item.classList.toggle("djtt-selected", Number(item.dataset.ttSeq) === state.selected);
}

function onRowClick(event) {
    const root = panelRoot();
    const main = event.target.closest(".djtt-row-main");
    if (!root || !main || event.target.closest("button, a, input, textarea")) return;
    const row = main.closest("[data-tt-seq]");
    if (row && row.parentElement === rowsList(root)) selectRow(root, row);
}

function showTools(root, open) {
    const tools = root.querySelector("[data-djtt-tools]");
    const toggle = root.querySelector("[data-djtt-tools-toggle]");
    state.toolsOpen = open;
    if (tools) tools.hidden = !open;
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
}

function onToolsClick(event) {
    const root = panelRoot();
    if (root && event.target.closest("[data-djtt-tools-toggle]")) showTools(root, !state.toolsOpen);
}

function onKeyDown(event) {
    const root = panelRoot();
    const panel = root && root.closest(`#${PANEL_ID}`);
    if (!panel || !panel.contains(event.target)) return;
    if (event.target.closest("[data-djtt-imported]")) return; // imported rows cannot be restored
    if (event.target.closest("[data-djtt-resize]")) return; // the dock's handle has its own keys
    const row = event.target.matches && event.target.matches("[data-tt-seq]") ? event.target : null;
    const rows = rowsOf(root);
    const moves = ["ArrowDown", "ArrowUp", "Home", "End"];
    if (moves.includes(event.key)) {
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
        if (state.selected !== null) selectRow(root, next); // the open detail follows
        return;
    }
    if (!row) return;
    if (event.key === " ") {
        event.preventDefault();
        selectRow(root, row);
    } else if (event.key === "Enter") {
        event.preventDefault();
        restore(Number(row.dataset.ttSeq), event.shiftKey ? "before" : "after");
    } else if (event.key === "Escape") {
        // Handled here, so the toolbar does not also close the panel.
        event.preventDefault();
        event.stopPropagation();
        onLiveClick({ target: root.querySelector("[data-djtt-live]") });
    }
}

// Why a jump or replay cannot be sent; a new session refreshes the rows.
function notLive(lv) {
    const trouble = socketTrouble(lv);
    if (trouble) return trouble;
    refresh();
    return "The LiveView socket reconnected: djust mounted a new view with an empty history. These rows were of the previous one.";
}

function restore(seq, which) {
    return jump(seq, which, `#${seq}`, (index, ddtEvent) => ({
        type: "time_travel_jump",
        index,
        which,
        ddt_event: ddtEvent,
    }));
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

function rowOf(root, seq) {
    return rowsList(root).querySelector(`:scope > [data-tt-seq="${seq}"]`);
}

// The page's socket when a jump frame can go through it; otherwise says why, and null.
function jumpSocket() {
    const lv = liveView();
    report("main", null);
    if (usesSse(lv)) {
        report("main", "This page uses djust's SSE fallback: djust accepts time-travel jumps only over the WebSocket.");
        return null;
    }
    if (!socketReady(lv) || lv.sessionId !== state.sessionId) {
        report("main", notLive(lv));
        return null;
    }
    return lv;
}

// Sends a state of an earlier session into the page (earlier.js builds the frame).
function sendEarlierState(frame, label) {
    const lv = jumpSocket();
    if (!lv) return;
    say(`Restoring ${label}…`);
    lv.sendMessage(frame);
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
    const index = (seq === null ? state.lastSeq : seq) - state.headSeq;
    state.pendingJump = { seq, which };
    say(`Restoring ${label} (${which})…`);
    lv.sendMessage(frameFor(index, row ? identityOf(row) : { newest: true }));
}

function onRestoreClick(event) {
    const button = event.target.closest("[data-djtt-restore]");
    if (!button) return;
    const row = button.closest("[data-tt-seq]");
    if (row) restore(Number(row.dataset.ttSeq), button.dataset.djttRestore);
}

function onLiveClick(event) {
    if (!event.target.closest("[data-djtt-live]")) return;
    if (state.lastSeq < state.headSeq) {
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

// djust acknowledged a restore or replay; the server says which event it applied.
function onTimeTravelState(event) {
    const frame = event.detail || {};
    if (frame.ddt_earlier) {
        earlierStateApplied(frame);
        return;
    }
    const applied = frame.ddt_event || {};
    if (applied.replay_of !== undefined) {
        const form = state.pendingReplay;
        state.pendingReplay = null;
        if (form) toggleReplayForm(form.closest("[data-tt-seq]"), false);
        state.viewing = null;
        state.restoreCost = "";
        state.shownSerial = Math.max(state.shownSerial, Number(applied.serial || 0));
        const as = applied.seq ? ` as #${applied.seq}` : "";
        report("main", `Replayed #${applied.replay_of}${as} on branch ${frame.branch_id}. The new event is at the top.`, "result");
        refresh();
        return;
    }
    state.pendingJump = null;
    if (applied.seq !== undefined) {
        state.shownSerial = Math.max(state.shownSerial, Number(applied.serial || 0));
        state.viewing = applied.live
            ? null
            : { seq: applied.seq, which: applied.which, componentId: applied.component_id || null };
    }
    state.restoreCost = restoreCostText(frame.ddt_timetravel_cost);
    const root = panelRoot();
    if (root) markViewing(root);
    say(statusLine());
    update();
}

// The page now shows a state of an earlier session: no row of this timeline.
function earlierStateApplied(frame) {
    const applied = frame.ddt_earlier;
    state.pendingJump = null;
    state.viewing = null;
    state.shownSerial = Math.max(state.shownSerial, Number(applied.serial || 0));
    state.restoreCost = restoreCostText(frame.ddt_timetravel_cost);
    report("main", `The page shows the state ${applied.which} #${applied.seq} of the earlier session; new events continue from it.`, "result");
    refresh();
}

function onTimeTravelEvent() {
    state.viewing = null;
    state.restoreCost = "";
    update();
}

const TIME_TRAVEL_FRAMES = ["time_travel_jump", "time_travel_component_jump", "forward_replay"];
const DJUST_REFUSALS = /^(time_travel|forward_replay|View not mounted)/;

// An error from the server is the answer to a restore or replay when the server's
// guard sent it (it names the frame) or djust's handler did (its messages say so);
// any other error (a handler that raised on a busy page) is not.
function onDjustError(event) {
    const lv = liveView();
    if (lv && !lv.viewMounted && !usesSse(lv)) {
        refresh(); // djust refused the mount: say why now, not at the next poll
        return;
    }
    const detail = event.detail || {};
    const message = detail.error || "unknown error";
    const fromGuard = TIME_TRAVEL_FRAMES.includes(detail.event);
    if (!fromGuard && !DJUST_REFUSALS.test(message)) return;
    const form = state.pendingReplay;
    const replay = fromGuard ? detail.event === "forward_replay" : Boolean(form);
    const text = fromGuard ? message : `djust refused the ${replay ? "replay" : "restore"}: ${message}`;
    if (replay) {
        state.pendingReplay = null;
        const error = form && form.querySelector("[data-djtt-replay-error]");
        if (error) error.textContent = text;
    } else {
        state.pendingJump = null;
    }
    report("main", text);
    say(statusLine());
}

function schedulePolling(root) {
    if (state.timer) return;
    const interval = Math.max(250, Number(root.dataset.pollMs) || 1500);
    state.timer = window.setInterval(() => {
        if (panelIsOpen()) refresh();
    }, interval);
}

function listenOnce() {
    const djDebug = toolbar();
    if (state.listening || !djDebug) return;
    state.listening = true;
    djDebug.addEventListener("click", onRestoreClick);
    djDebug.addEventListener("click", onLiveClick);
    djDebug.addEventListener("click", onMoreClick);
    djDebug.addEventListener("click", onComponentRestoreClick);
    djDebug.addEventListener("toggle", onToggle, true);
    djDebug.addEventListener("toggle", onDiffToggle, true);
    djDebug.addEventListener("focusin", onRowFocus);
    djDebug.addEventListener("click", onRowClick);
    djDebug.addEventListener("click", onToolsClick);
    djDebug.addEventListener("click", onDismissClick);
    djDebug.addEventListener("click", onClearFiltersClick);
    djDebug.addEventListener("input", onFilterInput);
    djDebug.addEventListener("reset", onFilterReset);
    djDebug.addEventListener("submit", onCompareSubmit);
    djDebug.addEventListener("submit", onReplaySubmit);
    djDebug.addEventListener("click", onReplayClick);
    djDebug.addEventListener("keydown", onKeyDown);
    djDebug.addEventListener("click", onExportClick);
    djDebug.addEventListener("click", onImportClose);
    djDebug.addEventListener("change", onImportChange);
    initToolbarSwitch(djDebug);
    initCheck(djDebug, () => ({
        root: panelRoot(),
        sessionId: state.sessionId,
        filters: state.filters,
        csrfToken: csrfToken(),
    }));
    djDebug.addEventListener("djdt.panel.render", (event) => {
        if (event.detail && event.detail.panelId === PANEL_ID) init();
    });
    document.addEventListener("djust:time-travel-event", onTimeTravelEvent);
    document.addEventListener("djust:time-travel-state", onTimeTravelState);
    window.addEventListener("djust:error", onDjustError);
    listenForEarlier(djDebug, {
        root: panelRoot,
        fetchFragment,
        report,
        showReadOnly,
        switchedOff,
        sendEarlierState,
        sessionId: () => state.sessionId,
    });
    listenForWatch(djDebug, {
        root: panelRoot,
        sessionId: () => state.sessionId,
        selected: () => state.selected,
        endpointUrl,
        fetch: panelFetch,
        fetchFragment,
        rows: rowsOf,
        rowOf,
        setActiveRow,
        selectRow,
        report,
    });
}

function init() {
    if (switchedOff()) return;
    listenOnce();
    const root = panelRoot();
    if (!root) return;
    initDock(toolbar(), PANEL_ID);
    fillFilters(root);
    initWatch(root);
    initEarlier(root);
    for (const slot of Object.keys(state.messages)) renderMessage(root, slot);
    showTools(root, state.toolsOpen);
    // The server's first message stands when it already says why nothing can show.
    // The panel's stats may describe a later fetch (UPDATE_ON_FETCH), not this page,
    // so a djust client on the page always gets asked about.
    if (!root.dataset.debug || (!liveView() && !root.dataset.hasViews)) return;
    // A re-rendered panel (UPDATE_ON_FETCH) starts empty: it takes the rows already
    // fetched, or fetches again.
    const list = rowsList(root);
    if (state.list && state.list !== list && !list.children.length) list.append(...state.list.children);
    state.list = list;
    if (!list.children.length) startRowsAgain(root);
    markViewing(root);
    keepOneTabStop(root);
    watchForOlder(list);
    schedulePolling(root);
    refresh();
}

init();
