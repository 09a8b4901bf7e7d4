// Time Travel panel for django-debug-toolbar: a thin client, in a few modules.
//
// All HTML comes from the server (Django templates). This module starts the
// panel and routes events to the modules that handle them: every listener is
// delegated from the toolbar's element, so the toolbar may replace the panel's
// DOM (UPDATE_ON_FETCH) at any time and module state survives it.

import { $$ } from "../debug_toolbar/js/utils.js";
import { initCheck } from "./check.js";
import { initDock } from "./dock.js";
import { initEarlier, listenForEarlier } from "./earlier.js";
import { fillFilters, listenForFilters } from "./filters.js";
import {
    filterImported,
    initInspect,
    onCompareSubmit,
    onExportClick,
    onImportChange,
    onImportClose,
    onMoreClick,
    onToggle,
    onToolsClick,
} from "./inspect.js";
import { onDismissClick, renderMessages } from "./messages.js";
import {
    eventRecorded,
    onComponentRestoreClick,
    onDjustError,
    onEarlierRestoreClick,
    onKeyDown,
    onLiveClick,
    onReplayCancelClick,
    onReplayOpenClick,
    onReplaySubmit,
    onRestoreClick,
    stateApplied,
} from "./restore.js";
import { onDiffToggle, onRowClick, onRowFocus } from "./rows.js";
import { liveView } from "./socket.js";
import { filtersChanged, onViewPick, refresh, showTimeline } from "./timeline.js";
import { delegate, PANEL_ID, panelIsOpen, panelRoot, switchedOff, toolbarElement } from "./toolbar.js";
import { initToolbarSwitch } from "./toolbar_switch.js";
import { initWatch, listenForWatch } from "./watch.js";

// How long a closed panel waits after djust's frame before fetching quietly.
const QUIET_DELAY_MS = 150;

// [event type, selector, handler(element, event)], delegated from #djDebug.
const DELEGATED = [
    ["click", "[data-djtt-restore]", onRestoreClick],
    ["click", "[data-djtt-live]", onLiveClick],
    ["click", "[data-djtt-view-pick]", onViewPick],
    ["click", "[data-djtt-component-restore]", onComponentRestoreClick],
    ["click", "[data-djtt-earlier-restore]", onEarlierRestoreClick],
    ["click", "[data-djtt-replay-open]", onReplayOpenClick],
    ["click", "[data-djtt-replay-cancel]", onReplayCancelClick],
    ["submit", "[data-djtt-replay]", onReplaySubmit],
    ["click", ".djtt-row-main", onRowClick],
    ["click", "[data-djtt-more]", onMoreClick],
    ["click", "[data-djtt-tools-toggle]", onToolsClick],
    ["click", "[data-djtt-dismiss]", onDismissClick],
    ["submit", "[data-djtt-compare]", onCompareSubmit],
    ["click", "[data-djtt-export]", onExportClick],
    ["click", "[data-djtt-import-close]", onImportClose],
    ["change", "[data-djtt-import]", onImportChange],
];

const started = { listening: false, shellLoading: false, quietTimer: null };

// A new frame from djust: an open panel fetches at once, a closed one a moment later,
// when the page is idle.
function update() {
    if (switchedOff()) return;
    if (panelIsOpen()) {
        refresh();
        return;
    }
    if (!panelRoot()) prefetchPanel(); // once: it fills the rows when it is in
    if (started.quietTimer) return;
    started.quietTimer = window.setTimeout(() => {
        const run = () => {
            started.quietTimer = null;
            if (panelRoot()) refresh();
        };
        if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 1000 });
        else run();
    }, QUIET_DELAY_MS);
}

// The toolbar fetches a panel's content on its first opening only when the content
// box is still empty. Fetching it here, in the background, turns that first
// opening into showing what is already there.
async function prefetchPanel() {
    const djDebug = toolbarElement();
    const box = djDebug?.querySelector(`#${PANEL_ID} .djDebugPanelContent .djdt-scroll`);
    if (!box || box.children.length || started.shellLoading || !djDebug.dataset.requestId) return;
    const url = new URL(djDebug.dataset.renderPanelUrl, window.location.href);
    url.searchParams.set("request_id", djDebug.dataset.requestId);
    url.searchParams.set("panel_id", PANEL_ID);
    started.shellLoading = true;
    try {
        const response = await fetch(url, { credentials: "same-origin", priority: "low" });
        if (!response.ok) return;
        const data = await response.json();
        // Opened meanwhile: the toolbar is fetching the same content itself.
        if (box.children.length || !box.isConnected || panelIsOpen()) return;
        const loader = box.previousElementSibling;
        // The toolbar removes the element before the box once its own fetch returns.
        if (loader?.classList.contains("djdt-loader")) loader.replaceWith(document.createElement("div"));
        box.innerHTML = data.content;
        $$.applyStyles(box); // what the toolbar does to content it inserts (CSP-safe styles)
        init();
    } catch {
        // Nothing shown: the toolbar fetches the content when the panel opens.
    } finally {
        started.shellLoading = false;
    }
}

function listenOnce() {
    const djDebug = toolbarElement();
    if (started.listening || !djDebug) return;
    started.listening = true;
    for (const [type, selector, handler] of DELEGATED) delegate(djDebug, type, selector, handler);
    djDebug.addEventListener("toggle", onToggle, true); // toggle does not bubble
    djDebug.addEventListener("toggle", onDiffToggle, true);
    djDebug.addEventListener("focusin", onRowFocus);
    djDebug.addEventListener("keydown", onKeyDown);
    listenForFilters(djDebug, () => {
        const root = panelRoot();
        if (root) filterImported(root);
        filtersChanged();
    });
    initToolbarSwitch(djDebug);
    initCheck(djDebug);
    $$.onPanelRender(djDebug, PANEL_ID, init);
    document.addEventListener("djust:time-travel-event", () => {
        eventRecorded();
        update();
    });
    document.addEventListener("djust:time-travel-state", (event) => {
        stateApplied(event.detail || {});
        update();
    });
    window.addEventListener("djust:error", onDjustError);
    listenForEarlier(djDebug);
    listenForWatch(djDebug);
}

// Runs at load and on every render of the panel (the toolbar's event may come
// before this module loads): idempotent.
function init() {
    if (switchedOff()) return;
    listenOnce();
    const root = panelRoot();
    if (!root) return;
    initDock(toolbarElement(), PANEL_ID);
    fillFilters(root);
    initWatch(root);
    initEarlier(root);
    renderMessages(root);
    initInspect(root);
    // The server's first message stands when it already says why nothing can show.
    // The panel's stats may describe a later fetch (UPDATE_ON_FETCH), not this page,
    // so a djust client on the page always gets asked about.
    if (!root.dataset.djttDebug || (!liveView() && !root.dataset.djttHasViews)) return;
    showTimeline(root);
}

init();
