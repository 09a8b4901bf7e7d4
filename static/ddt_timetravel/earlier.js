// Earlier sessions of this tab: the last timelines of view instances that went away.
//
// The tab has an id of its own, kept in sessionStorage (one per tab, it survives
// a reload), which the panel sends with its timeline requests so the server knows
// which tab a view belonged to. The server keeps the masked timeline when the view
// goes away; this module lists them and opens one read-only, like an import.

import { readStored, store } from "./storage.js";

const TAB_KEY = "djtt.tab";
const SEEN_KEY = "djtt.earlierSeen";
const GONE =
    "The earlier sessions of this tab are gone: the server restarted (they are kept in its memory only).";

const earlierState = { count: 0, listOpen: false };
let panel = null; // helpers handed over by panel.js

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
    const url = new URL(root.dataset.earlierUrl, window.location.href);
    url.searchParams.set("tab", tabId());
    const session = panel.sessionId(); // the page's view: may a state go into it?
    if (session) url.searchParams.set("session", session);
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
    if (!root.dataset.earlierUrl || panel.switchedOff()) return; // unticked: ask nothing
    let fragment;
    try {
        fragment = await panel.fetchFragment(listUrl(root, {}));
    } catch (error) {
        return; // the poll reports a server that is down
    }
    const list = fragment.querySelector("[data-djtt-earlier-list]");
    const count = list ? Number(list.dataset.count) || 0 : 0;
    if (count === 0 && seenBefore() > 0) panel.report("main", GONE, "info");
    earlierState.count = count;
    remember(count);
    showCount(root);
    const box = root.querySelector("[data-djtt-earlier-box]");
    if (box && list) box.replaceChildren(list);
    if (box) box.hidden = !earlierState.listOpen || count === 0;
}

async function openEarlier(root, id) {
    try {
        const fragment = await panel.fetchFragment(listUrl(root, { id }));
        panel.showReadOnly(fragment);
        earlierState.listOpen = false;
        showCount(root);
        const box = root.querySelector("[data-djtt-earlier-box]");
        if (box) box.hidden = true;
    } catch (error) {
        panel.report("main", error.message);
        loadList(root); // it may have been dropped: show what is kept now
    }
}

function onEarlierClick(event) {
    const root = panel.root();
    if (!root) return;
    if (event.target.closest("[data-djtt-earlier-toggle]")) {
        earlierState.listOpen = !earlierState.listOpen;
        showCount(root);
        loadList(root);
        return;
    }
    const open = event.target.closest("[data-djtt-earlier]");
    if (open) {
        openEarlier(root, open.dataset.djttEarlier);
        return;
    }
    const restore = event.target.closest("[data-djtt-earlier-restore]");
    if (restore) {
        restoreIntoPage(restore);
        return;
    }
    const link = event.target.closest("[data-djtt-earlier-export]");
    if (link) link.href = listUrl(root, { id: link.dataset.id, format: link.dataset.djttEarlierExport }).href;
}

// "Restore this state into the current page": djust's jump frame naming the kept
// session's state; the server puts it back (from the states as recorded, unmasked).
function restoreIntoPage(button) {
    const row = button.closest("[data-tt-seq]");
    const opened = button.closest("[data-djtt-imported]");
    const title = opened && opened.querySelector("[data-djtt-earlier-open]");
    if (!row || !title) return;
    const seq = Number(row.dataset.ttSeq);
    const which = button.dataset.djttEarlierRestore;
    panel.sendEarlierState(
        {
            type: "time_travel_jump",
            index: 0,
            which,
            ddt_earlier: { id: title.dataset.djttEarlierOpen, seq, which },
        },
        `the state ${which} #${seq} of the earlier session`,
    );
}

// The socket has a (new) session: a view instance replaced by it may now be kept.
export function sessionChanged(root) {
    window.setTimeout(() => loadList(root), 300);
}

export function listenForEarlier(djDebug, helpers) {
    panel = helpers;
    djDebug.addEventListener("click", onEarlierClick);
}

// The list is asked for once the page's socket has a session (see sessionChanged):
// a page whose view never mounted asks the server nothing.
export function initEarlier(root) {
    showCount(root);
}
