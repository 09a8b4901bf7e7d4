// "Open in toolbar": show one event's captured turn in the toolbar's own panels
// (SQL, Templates, Cache, Signals, Timer), the way the History panel's "Switch"
// does, through the toolbar's own endpoint; "Back to the page's request" undoes it.

import { replaceToolbarState } from "../debug_toolbar/js/utils.js";
import { delegate } from "./toolbar.js";

const switched = { pageRequestId: null, eventRequestId: null };

export function initToolbarSwitch(djDebug) {
    delegate(djDebug, "click", "[data-djtt-toolbar-id]", (open) => switchTo(djDebug, open, open.dataset.djttToolbarId));
    delegate(djDebug, "click", "[data-djtt-toolbar-back]", (back) => {
        if (switched.pageRequestId) switchTo(djDebug, back, switched.pageRequestId);
    });
}

async function switchTo(djDebug, button, requestId) {
    const url = new URL(button.dataset.djttSidebarUrl, window.location.href);
    url.searchParams.set("request_id", requestId);
    url.searchParams.set("exclude_history", "True");
    const place = button.closest("[data-djtt-open-toolbar]");
    const status = place?.querySelector("[data-djtt-toolbar-status]");
    const response = await fetch(url, { credentials: "same-origin" }).catch(() => null);
    const data = response?.ok ? await response.json() : null;
    if (!data || Object.keys(data).length === 0) {
        if (status) status.textContent = "This event is no longer in the toolbar's history (RESULTS_CACHE_SIZE).";
        return;
    }
    if (switched.pageRequestId === null) switched.pageRequestId = djDebug.dataset.requestId;
    replaceToolbarState(requestId, data);
    switched.eventRequestId = requestId === switched.pageRequestId ? null : requestId;
    showState(djDebug);
}

// Every "Open in toolbar" place says which request the toolbar's panels show.
export function showState(djDebug) {
    for (const place of djDebug.querySelectorAll("[data-djtt-open-toolbar]")) {
        const back = place.querySelector("[data-djtt-toolbar-back]");
        const status = place.querySelector("[data-djtt-toolbar-status]");
        const open = place.querySelector("[data-djtt-toolbar-id]");
        const here = open && open.dataset.djttToolbarId === switched.eventRequestId;
        if (back) back.hidden = switched.eventRequestId === null;
        if (status) {
            status.textContent = here
                ? "The toolbar's panels show this event."
                : switched.eventRequestId
                  ? "The toolbar's panels show another event."
                  : "";
        }
    }
}
