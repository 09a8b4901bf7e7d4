// Earlier sessions of this tab: the last timelines of view instances that went away.
//
// The tab has an id of its own, kept in sessionStorage (one per tab, it survives
// a reload), which the panel sends with its timeline requests so the server knows
// which tab a view belonged to. The server keeps the masked timeline when the view
// goes away; this module lists them and opens one read-only, like an import.

import { showReadOnly } from "./inspect.js";
import { report } from "./messages.js";
import { fetchFragment } from "./server.js";
import { readStored, store } from "./storage.js";
import { delegate, panelRoot, switchedOff } from "./toolbar.js";
import { view } from "./view_state.js";

const TAB_KEY = "djtt.tab";
const SEEN_KEY = "djtt.earlierSeen";
const GONE = "The earlier sessions of this tab are gone: the server restarted (they are kept in its memory only).";

const earlierState = { count: 0, listOpen: false };

function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

// This tab's id, made once and kept for as long as the tab lives.
export function tabId() {
    let id = readStored("sessionStorage", TAB_KEY);
    if (!id) {
        id = newId();
        store("sessionStorage", TAB_KEY, id); // without storage, each reload is a new tab
    }
    return id;
}

export function earlierCount() {
    return earlierState.count;
}

// Without storage, a restart is not told apart from "nothing kept".
function seenBefore() {
    return Number(readStored("sessionStorage", SEEN_KEY) || 0);
}

function remember(count) {
    store("sessionStorage", SEEN_KEY, count);
}

function listUrl(root, params) {
    const url = new URL(root.dataset.djttEarlierUrl, window.location.href);
    url.searchParams.set("tab", tabId());
    if (view.sessionId) url.searchParams.set("session", view.sessionId); // the page's view: may a state go into it?
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url;
}

function showCount(root) {
    const toggle = root.querySelector("[data-djtt-earlier-toggle]");
    if (!toggle) return;
    toggle.hidden = earlierState.count === 0;
    toggle.textContent = `Earlier sessions (${earlierState.count})`;
    toggle.setAttribute("aria-expanded", String(earlierState.listOpen));
}

async function loadList(root) {
    if (!root.dataset.djttEarlierUrl || switchedOff()) return; // unticked: ask nothing
    let fragment;
    try {
        fragment = await fetchFragment(listUrl(root, {}));
    } catch (_error) {
        return; // the poll reports a server that is down
    }
    const list = fragment.querySelector("[data-djtt-earlier-list]");
    const count = list ? Number(list.dataset.djttEarlierCount) || 0 : 0;
    if (count === 0 && seenBefore() > 0) report("main", GONE, "info");
    earlierState.count = count;
    remember(count);
    showCount(root);
    const box = root.querySelector("[data-djtt-earlier-box]");
    if (box && list) box.replaceChildren(list);
    if (box) box.hidden = !earlierState.listOpen || count === 0;
}

async function openEarlier(root, id) {
    try {
        const fragment = await fetchFragment(listUrl(root, { id }));
        showReadOnly(fragment);
        earlierState.listOpen = false;
        showCount(root);
        const box = root.querySelector("[data-djtt-earlier-box]");
        if (box) box.hidden = true;
    } catch (error) {
        report("main", error.message);
        loadList(root); // it may have been dropped: show what is kept now
    }
}

function onToggleClick() {
    const root = panelRoot();
    if (!root) return;
    earlierState.listOpen = !earlierState.listOpen;
    showCount(root);
    loadList(root);
}

function onOpenClick(button) {
    const root = panelRoot();
    if (root) openEarlier(root, button.dataset.djttEarlier);
}

// The export links get their URL as they are clicked: the tab id is read then.
function onExportClick(link) {
    const root = panelRoot();
    if (root)
        link.href = listUrl(root, { id: link.dataset.djttEarlierId, format: link.dataset.djttEarlierExport }).href;
}

// The socket has a (new) session: a view instance replaced by it may now be kept.
export function sessionChanged(root) {
    window.setTimeout(() => loadList(root), 300);
}

export function listenForEarlier(djDebug) {
    delegate(djDebug, "click", "[data-djtt-earlier-toggle]", onToggleClick);
    delegate(djDebug, "click", "[data-djtt-earlier]", onOpenClick);
    delegate(djDebug, "click", "[data-djtt-earlier-export]", onExportClick);
}

// The list is asked for once the page's socket has a session (see sessionChanged):
// a page whose view never mounted asks the server nothing.
export function initEarlier(root) {
    showCount(root);
}
