// Time Travel panel for django-debug-toolbar: a thin client.
//
// All HTML comes from the server (Django templates). This module fetches
// fragments, sends djust frames through the page's own LiveView socket and
// listens to djust's and the toolbar's events. State lives in module scope so
// the toolbar may replace the panel's DOM (UPDATE_ON_FETCH) at any time.

const PANEL_ID = "TimeTravelPanel";
const DOCK_KEY = "djtt.dockHeight";
const FILTERS_KEY = "djtt.filters";
const FILTER_NAMES = ["event", "key", "q", "errors"];
const MIN_DOCK = 120;

const state = {
    sessionId: null,
    lastSeq: 0,
    headSeq: 1,
    viewing: null, // {seq, which} of the restored state the page shows
    pendingJump: null, // {seq, which, index} sent, not yet acknowledged
    pendingReplay: null, // the replay form whose frame was sent, not yet acknowledged
    importedFile: null, // text of an opened export, re-sent when filters change
    refreshing: false,
    again: false,
    timer: null,
    listening: false,
    filters: loadFilters(),
    filterTimer: null,
};

function loadFilters() {
    try {
        const saved = JSON.parse(sessionStorage.getItem(FILTERS_KEY) || "{}");
        return Object.fromEntries(FILTER_NAMES.map((name) => [name, String(saved[name] || "")]));
    } catch (error) {
        return Object.fromEntries(FILTER_NAMES.map((name) => [name, ""]));
    }
}

function saveFilters() {
    try {
        sessionStorage.setItem(FILTERS_KEY, JSON.stringify(state.filters));
    } catch (error) {
        // Storage may be unavailable; filters then last as long as the page.
    }
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

function switchedOff() {
    // The toolbar's checkbox for this panel; the server then answers 404 too.
    return /(?:^|;\s*)djdtTimeTravelPanel=off(?:;|$)/.test(document.cookie);
}

function say(message) {
    const root = panelRoot();
    const status = root && root.querySelector("[data-djtt-status]");
    if (status) status.textContent = message;
}

function rowsList(root) {
    return root.querySelector("[data-djtt-rows]");
}

function resetTimeline(root, sessionId) {
    state.sessionId = sessionId;
    state.lastSeq = 0;
    state.headSeq = 1;
    state.viewing = null;
    state.pendingJump = null;
    rowsList(root).replaceChildren();
}

function parseFragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content.querySelector("[data-djtt-fragment]");
}

function markViewing(root) {
    for (const row of rowsList(root).children) {
        const current = state.viewing && Number(row.dataset.ttSeq) === state.viewing.seq;
        row.classList.toggle("djdt-highlighted", Boolean(current));
        if (current) {
            row.setAttribute("aria-current", "true");
            row.dataset.ttWhich = state.viewing.which;
        } else {
            row.removeAttribute("aria-current");
            delete row.dataset.ttWhich;
        }
    }
}

function applyFragment(root, fragment) {
    const header = root.querySelector("[data-djtt-header]");
    const headerContent = fragment.querySelector("[data-djtt-header-content]");
    if (header && headerContent) header.replaceChildren(...headerContent.childNodes);
    const message = fragment.querySelector("[data-djtt-message]");
    if (fragment.dataset.disabled) {
        say(message ? message.textContent : "Time travel is off for this view.");
        return;
    }
    state.headSeq = Number(fragment.dataset.headSeq);
    const list = rowsList(root);
    const fresh = fragment.querySelector("[data-djtt-new-rows]");
    const known = new Set([...list.children].map((row) => row.dataset.ttSeq));
    const incoming = [...fresh.children].filter((row) => !known.has(row.dataset.ttSeq));
    list.prepend(...incoming);
    for (const row of [...list.children]) {
        const index = Number(row.dataset.ttSeq) - state.headSeq;
        if (index < 0) row.remove();
        else row.dataset.ttIndex = String(index);
    }
    state.lastSeq = Math.max(state.lastSeq, Number(fragment.dataset.lastSeq));
    if (state.viewing && state.viewing.seq === state.lastSeq && state.viewing.which === "after") {
        state.viewing = null; // the newest after-state is the live state
    }
    markViewing(root);
    if (message) say(message.textContent);
    else if (!state.pendingJump) say(statusLine());
}

function statusLine() {
    if (state.viewing) {
        return `Viewing #${state.viewing.seq} (${state.viewing.which}). New events continue from this state.`;
    }
    return "Live: new events appear as they happen.";
}

async function refresh() {
    const root = panelRoot();
    if (!root || !panelIsOpen() || switchedOff()) return;
    if (state.refreshing) {
        state.again = true;
        return;
    }
    const lv = liveView();
    if (!lv) {
        say("This page has no djust client: add {% djust_client_config %} to the template and render the view as a LiveView.");
        return;
    }
    if (!lv.sessionId) {
        say("The LiveView socket has not connected yet. If this persists, reload the page.");
        return;
    }
    if (lv.sessionId !== state.sessionId) resetTimeline(root, lv.sessionId);
    const url = new URL(root.dataset.timelineUrl, window.location.href);
    url.searchParams.set("session", state.sessionId);
    url.searchParams.set("after", String(state.lastSeq));
    if (state.viewing) url.searchParams.set("viewing", `${state.viewing.seq}:${state.viewing.which}`);
    for (const name of FILTER_NAMES) {
        if (state.filters[name]) url.searchParams.set(name, state.filters[name]);
    }
    state.refreshing = true;
    try {
        const response = await fetch(url, { credentials: "same-origin" });
        const body = await response.text();
        if (!response.ok) {
            say(body || `The panel request failed (${response.status}).`);
            return;
        }
        const fragment = parseFragment(body);
        if (fragment && state.sessionId === lv.sessionId) applyFragment(root, fragment);
    } catch (error) {
        say("The server did not answer. Is it still running? Reload the page once it is back.");
    } finally {
        state.refreshing = false;
        if (state.again) {
            state.again = false;
            refresh();
        }
    }
}

async function locate(root, seq) {
    const url = new URL(root.dataset.locateUrl, window.location.href);
    url.searchParams.set("session", state.sessionId);
    url.searchParams.set("seq", String(seq));
    const response = await fetch(url, { credentials: "same-origin" });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `The panel request failed (${response.status}).`);
    return body.index;
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
    const response = await fetch(url, { credentials: "same-origin" });
    const body = await response.text();
    if (!response.ok) throw new Error(body || `The panel request failed (${response.status}).`);
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
        say(error.message);
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
    showImport();
    if (!root) return;
    // Different filters select different rows: start the list again.
    rowsList(root).replaceChildren();
    state.lastSeq = 0;
    refresh();
}

function onFilterInput(event) {
    const form = event.target.closest && event.target.closest("[data-djtt-filters]");
    if (!form) return;
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
    const url = endpointUrl(root, "diffUrl", {
        seq: form.elements.namedItem("seq").value,
        against: form.elements.namedItem("against").value,
    });
    try {
        result.replaceChildren(await fetchFragment(url));
    } catch (error) {
        result.replaceChildren();
        say(error.message);
    }
}

function restoreComponent(seq, componentId, which) {
    return jump(seq, which, `component ${componentId} from #${seq}`, (index) => ({
        type: "time_travel_component_jump",
        index,
        component_id: componentId,
        which,
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

async function onReplaySubmit(event) {
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
        error.textContent = "The LiveView socket is not connected: reload the page to start a new session.";
        return;
    }
    try {
        const index = await locate(root, seq);
        state.pendingReplay = form;
        say(`Replaying #${seq}…`);
        lv.sendMessage({ type: "forward_replay", from_index: index, override_params: params });
    } catch (problem) {
        error.textContent = problem.message;
    }
}

function onExportClick(event) {
    const link = event.target.closest("[data-djtt-export]");
    const root = panelRoot();
    if (!link || !root) return;
    if (!state.sessionId) {
        event.preventDefault();
        say("The LiveView socket has not connected yet: nothing to export.");
        return;
    }
    const form = link.closest("form");
    const params = { format: link.dataset.djttExport };
    for (const name of ["from", "to"]) params[name] = form.elements.namedItem(name).value;
    for (const name of FILTER_NAMES) params[name] = state.filters[name];
    link.href = endpointUrl(root, "exportUrl", params).toString();
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
    const params = {};
    for (const name of FILTER_NAMES) params[name] = state.filters[name];
    const url = endpointUrl(root, "importUrl", params);
    if (!state.sessionId) url.searchParams.delete("session");
    try {
        const response = await fetch(url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: state.importedFile,
        });
        const body = await response.text();
        if (response.status === 403) throw new Error("The import was refused: this page has no CSRF token (add {% csrf_token %} to the template).");
        if (!response.ok) throw new Error(body || `The import failed (${response.status}).`);
        const template = document.createElement("template");
        template.innerHTML = body;
        result.replaceChildren(template.content);
        say("Showing the imported timeline below the filters.");
    } catch (error) {
        result.replaceChildren();
        say(error.message);
    }
}

async function onImportChange(event) {
    const input = event.target.closest && event.target.closest("[data-djtt-import]");
    if (!input || !input.files || !input.files.length) return;
    state.importedFile = await input.files[0].text();
    input.value = "";
    showImport();
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

function onKeyDown(event) {
    const root = panelRoot();
    const panel = root && root.closest(`#${PANEL_ID}`);
    if (!panel || !panel.contains(event.target)) return;
    if (event.target.closest("[data-djtt-imported]")) return; // imported rows cannot be restored
    const row = event.target.matches && event.target.matches("[data-tt-seq]") ? event.target : null;
    const rows = rowsOf(root);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        const inField = event.target.closest("input, textarea, select, summary");
        if (inField || !rows.length) return;
        event.preventDefault();
        const position = row ? rows.indexOf(row) : -1;
        const next = event.key === "ArrowDown" ? Math.min(position + 1, rows.length - 1) : Math.max(position - 1, 0);
        rows[next].focus();
        return;
    }
    if (!row) return;
    if (event.key === "Enter") {
        event.preventDefault();
        restore(Number(row.dataset.ttSeq), event.shiftKey ? "before" : "after");
    } else if (event.key === "Escape") {
        // Handled here, so the toolbar does not also close the panel.
        event.preventDefault();
        event.stopPropagation();
        onLiveClick({ target: root.querySelector("[data-djtt-live]") });
    }
}

function restore(seq, which) {
    return jump(seq, which, `#${seq}`, (index) => ({ type: "time_travel_jump", index, which }));
}

// Sends one of djust's jump frames for event ``seq``, at its position right now.
async function jump(seq, which, label, frameFor) {
    const root = panelRoot();
    const lv = liveView();
    if (!root) return;
    if (usesSse(lv)) {
        say("This page uses djust's SSE fallback: djust accepts time-travel jumps only over the WebSocket.");
        return;
    }
    if (!socketReady(lv) || lv.sessionId !== state.sessionId) {
        say("The LiveView socket is not connected: reload the page to start a new session.");
        return;
    }
    try {
        const index = await locate(root, seq);
        state.pendingJump = { seq, which, index };
        say(`Restoring ${label} (${which})…`);
        lv.sendMessage(frameFor(index));
    } catch (error) {
        state.pendingJump = null;
        say(error.message);
    }
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
        say("No events yet: the page is live.");
        return;
    }
    restore(state.lastSeq, "after");
}

function onTimeTravelState(event) {
    const frame = event.detail || {};
    if (state.pendingReplay) {
        const form = state.pendingReplay;
        state.pendingReplay = null;
        toggleReplayForm(form.closest("[data-tt-seq]"), false);
        state.viewing = null;
        say(`Replayed on branch ${frame.branch_id}. The new event is at the top.`);
        refresh();
        return;
    }
    const pending = state.pendingJump;
    const seq = pending && pending.index === frame.cursor ? pending.seq : state.headSeq + frame.cursor;
    state.pendingJump = null;
    state.viewing = seq === state.lastSeq && frame.which === "after" ? null : { seq, which: frame.which };
    const root = panelRoot();
    if (root) markViewing(root);
    say(statusLine());
    refresh();
}

function onTimeTravelEvent() {
    state.viewing = null;
    refresh();
}

function onDjustError(event) {
    const detail = event.detail || {};
    const message = detail.error || "unknown error";
    if (state.pendingReplay) {
        const form = state.pendingReplay;
        state.pendingReplay = null;
        const error = form.querySelector("[data-djtt-replay-error]");
        if (error) error.textContent = `djust refused the replay: ${message}`;
        say(`djust refused the replay: ${message}`);
        return;
    }
    if (!state.pendingJump) return;
    state.pendingJump = null;
    say(`djust refused the restore: ${message}`);
}

function startResize(event) {
    const handle = event.target.closest("[data-djtt-resize]");
    if (!handle) return;
    const panel = handle.closest(`#${PANEL_ID}`);
    if (!panel) return;
    event.preventDefault();
    const startY = event.clientY;
    const startHeight = panel.getBoundingClientRect().height;
    const move = (moveEvent) => setDockHeight(panel, startHeight + (startY - moveEvent.clientY));
    const stop = () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", stop);
        try {
            localStorage.setItem(DOCK_KEY, String(Math.round(panel.getBoundingClientRect().height)));
        } catch (error) {
            // Storage may be unavailable (private mode); the size just is not kept.
        }
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
}

function setDockHeight(panel, height) {
    const max = Math.max(MIN_DOCK, window.innerHeight - 60);
    const clamped = Math.min(Math.max(height, MIN_DOCK), max);
    panel.style.setProperty("--djtt-dock-height", `${clamped}px`);
}

function restoreDockHeight() {
    const djDebug = toolbar();
    const panel = djDebug && djDebug.querySelector(`#${PANEL_ID}`);
    let saved = null;
    try {
        saved = Number(localStorage.getItem(DOCK_KEY));
    } catch (error) {
        saved = null;
    }
    if (panel && saved) setDockHeight(panel, saved);
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
    djDebug.addEventListener("pointerdown", startResize);
    djDebug.addEventListener("click", onMoreClick);
    djDebug.addEventListener("click", onComponentRestoreClick);
    djDebug.addEventListener("toggle", onToggle, true);
    djDebug.addEventListener("input", onFilterInput);
    djDebug.addEventListener("reset", onFilterReset);
    djDebug.addEventListener("submit", onCompareSubmit);
    djDebug.addEventListener("submit", onReplaySubmit);
    djDebug.addEventListener("click", onReplayClick);
    djDebug.addEventListener("keydown", onKeyDown);
    djDebug.addEventListener("click", onExportClick);
    djDebug.addEventListener("click", onImportClose);
    djDebug.addEventListener("change", onImportChange);
    djDebug.addEventListener("djdt.panel.render", (event) => {
        if (event.detail && event.detail.panelId === PANEL_ID) init();
    });
    document.addEventListener("djust:time-travel-event", onTimeTravelEvent);
    document.addEventListener("djust:time-travel-state", onTimeTravelState);
    window.addEventListener("djust:error", onDjustError);
}

function init() {
    if (switchedOff()) return;
    listenOnce();
    const root = panelRoot();
    if (!root) return;
    restoreDockHeight();
    fillFilters(root);
    // The server's first message stands when it already says why nothing can show.
    // The panel's stats may describe a later fetch (UPDATE_ON_FETCH), not this page,
    // so a djust client on the page always gets asked about.
    if (!root.dataset.debug || (!liveView() && !root.dataset.hasViews)) return;
    // A re-rendered panel (reopened, UPDATE_ON_FETCH) starts empty: fetch all again.
    if (!rowsList(root).children.length) state.lastSeq = 0;
    schedulePolling(root);
    refresh();
}

init();
