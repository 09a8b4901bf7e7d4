// The timeline: fetching rows from the server and keeping the list right. New
// rows go on top as djust records events, older pages load as the list scrolls,
// and an answer meant for older filters or an earlier view instance is dropped.

import { earlierCount, sessionChanged, tabId } from "./earlier.js";
import { currentFilters, FILTER_NAMES, filtersActive } from "./filters.js";
import { pollFailed, pollRecovered, say } from "./messages.js";
import { forgetSelection, keepOneTabStop, markViewing, rowsList } from "./rows.js";
import { failureText, htmlFragment, panelFetch, SERVER_DOWN, serverAnswers } from "./server.js";
import { liveView, socketClosed, socketTrouble } from "./socket.js";
import { panelIsOpen, panelRoot, switchedOff } from "./toolbar.js";
import { view } from "./view_state.js";
import { rowsChanged } from "./watch.js";

const ANNOUNCE_MS = 1000; // at most one "new events" announcement a second
// Rows fetched at a time: the newest first, older pages as the list scrolls near its end.
const PAGE = 100;
// Older pages, asked for while the list scrolls, are smaller: putting one in the list
// is one task of the scroll, kept short so that scrolling stays smooth.
const OLDER_PAGE = 25;
// Rows before the end of the list whose coming into view loads the next older page.
const LOOKAHEAD_ROWS = 30;

const timeline = {
    fromSeq: 1, // the oldest event the rows shown cover: older pages ask before it
    list: null, // the element holding the rows, kept across re-rendered panels
    loadingOlder: false,
    olderObserver: null,
    refreshing: false,
    again: false,
    timer: null,
    generation: 0, // bumped when the rows start again (filters, session): older answers are dropped
    total: 0, // events held by the view, whatever the filters
    reconnected: false, // a new view instance replaced the one whose rows were shown
    primed: false, // the list has had its first answer: later rows are new events
    unannounced: 0, // new rows not yet announced to screen readers
    newestUnannounced: null,
    announceTimer: null,
};

function startRowsAgain(root) {
    timeline.generation += 1;
    timeline.primed = false;
    view.lastSeq = 0;
    timeline.fromSeq = 1;
    rowsList(root).replaceChildren();
}

function resetTimeline(root, sessionId) {
    // A second session on the same page is a new view instance: its history starts empty.
    timeline.reconnected = view.sessionId !== null;
    forgetSelection();
    view.sessionId = sessionId;
    view.viewInstance = null;
    view.child = ""; // a new view instance: its embedded views are others
    view.headSeq = 1;
    view.viewing = null;
    view.shownSerial = 0;
    view.pendingJump = null;
    startRowsAgain(root);
    if (!switchedOff()) sessionChanged(root); // an unticked panel asks the server nothing
}

// True when the socket's view is another instance than the rows show (a live_redirect).
function remounted(fragment) {
    const shown = view.viewInstance;
    view.viewInstance = fragment.dataset.djttViewInstance || null;
    return Boolean(shown && view.viewInstance && shown !== view.viewInstance);
}

// Puts one page of rows in the list: new rows on top, or (``older``) a page at the bottom.
// The list always holds one contiguous run of events, from ``timeline.fromSeq`` up.
function applyFragment(root, fragment, older = false) {
    const header = root.querySelector("[data-djtt-header]");
    const headerContent = fragment.querySelector("[data-djtt-header-content]");
    if (header && headerContent) header.replaceChildren(...headerContent.childNodes);
    const message = fragment.querySelector("[data-djtt-message]");
    if (fragment.dataset.djttDisabled) {
        say(message ? message.textContent : "Time travel is off for this view.");
        root.dataset.djttIdle = "1";
        return;
    }
    delete root.dataset.djttIdle;
    view.headSeq = Number(fragment.dataset.djttHeadSeq);
    timeline.total = Number(fragment.dataset.djttLength) || 0;
    const fromSeq = Number(fragment.dataset.djttFromSeq || view.headSeq);
    const list = rowsList(root);
    if (!older && (fromSeq > view.lastSeq + 1 || !list.children.length)) {
        // More events arrived than one page holds: the rows in between load on scroll.
        if (list.children.length) {
            list.replaceChildren();
            timeline.generation += 1; // an older page on its way belongs below the old rows
        }
        timeline.fromSeq = fromSeq;
    } else if (older) {
        timeline.fromSeq = fromSeq;
    }
    const fresh = fragment.querySelector("[data-djtt-new-rows]");
    const known = new Set([...list.children].map((row) => row.dataset.ttSeq));
    const incoming = [...fresh.children].filter((row) => !known.has(row.dataset.ttSeq));
    stripe(incoming, older ? list.lastElementChild : list.firstElementChild, older);
    if (older) {
        list.append(...incoming);
    } else {
        list.prepend(...incoming);
        if (timeline.primed) queueAnnouncement(incoming);
        timeline.primed = true;
    }
    let changed = incoming.length > 0;
    for (const row of [...list.children]) {
        const index = Number(row.dataset.ttSeq) - view.headSeq;
        if (index < 0) {
            row.remove();
            changed = true;
        } else {
            row.dataset.ttIndex = String(index);
        }
    }
    timeline.fromSeq = Math.max(timeline.fromSeq, view.headSeq);
    view.lastSeq = Math.max(view.lastSeq, Number(fragment.dataset.djttLastSeq));
    takeShown(fragment.dataset);
    watchForOlder(list);
    markViewing(root);
    keepOneTabStop(root);
    showEmptyState(root);
    if (changed) rowsChanged(root);
    if (!view.pendingJump) say(statusLine());
}

// Stripes follow the rows, not their positions (no :nth-child): a row put on top or
// at the bottom takes the other stripe of its neighbour, so adding one restyles and
// repaints that row alone, not every row below it.
function stripe(incoming, neighbour, older) {
    const outward = older ? incoming : [...incoming].reverse(); // from the neighbour on
    // Without a neighbour the top row is striped, as the first of a list.
    const first = older ? false : incoming.length % 2 === 0;
    let striped = neighbour ? neighbour.classList.contains("djtt-stripe") : first;
    for (const row of outward) {
        striped = !striped;
        row.classList.toggle("djtt-stripe", striped);
    }
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
    if (filtersActive() && timeline.total) {
        const clear = document.createElement("button");
        clear.type = "button";
        clear.dataset.djttClearFilters = "";
        clear.textContent = "Clear filters";
        const plural = timeline.total === 1 ? "event matches" : "events match";
        box.replaceChildren(`0 of ${timeline.total} ${plural}. `, clear);
    } else if (timeline.reconnected) {
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

// New rows are announced politely, at most once a second, however fast they come.
function queueAnnouncement(incoming) {
    if (!incoming.length) return;
    timeline.unannounced += incoming.length;
    timeline.newestUnannounced = incoming[0].dataset.ttSeq;
    if (timeline.announceTimer) return;
    timeline.announceTimer = window.setTimeout(() => {
        timeline.announceTimer = null;
        const root = panelRoot();
        const region = root?.querySelector("[data-djtt-announce]");
        const count = timeline.unannounced;
        timeline.unannounced = 0;
        if (!region || !count) return;
        region.textContent =
            count === 1
                ? `New event #${timeline.newestUnannounced}`
                : `${count} new events, the newest #${timeline.newestUnannounced}`;
    }, ANNOUNCE_MS);
}

// What the server says the page shows, unless an answer about a later restore came first.
function takeShown(data) {
    const serial = Number(data.djttShownSerial || 0);
    if (serial < view.shownSerial) return;
    view.shownSerial = serial;
    view.viewing = data.djttViewingSeq
        ? {
              seq: Number(data.djttViewingSeq),
              which: data.djttViewingWhich,
              componentId: data.djttViewingComponent || null,
          }
        : null;
}

/** The status line: live (filtered or not), or which restored state the page shows. */
export function statusLine() {
    if (view.viewing?.componentId) {
        const { componentId, which, seq } = view.viewing;
        return `Component ${componentId} as ${which} #${seq}; the rest of the page is live. New events continue from this state.${view.restoreCost}`;
    }
    if (view.viewing) {
        return `Viewing #${view.viewing.seq} (${view.viewing.which}). New events continue from this state.${view.restoreCost}`;
    }
    const live = filtersActive()
        ? "Live, filtered: matching new events appear as they happen."
        : "Live: new events appear as they happen.";
    return live + view.restoreCost;
}

function timelineUrl(root, range, limit = PAGE) {
    const url = new URL(root.dataset.djttTimelineUrl, window.location.href);
    url.searchParams.set("session", view.sessionId);
    if (view.child) url.searchParams.set("child", view.child);
    url.searchParams.set("tab", tabId()); // so the server knows this tab's earlier sessions
    for (const [key, value] of Object.entries(range)) url.searchParams.set(key, String(value));
    url.searchParams.set("limit", String(limit));
    if (view.viewing && !view.viewing.componentId) {
        url.searchParams.set("viewing", `${view.viewing.seq}:${view.viewing.which}`);
    }
    const filters = currentFilters();
    for (const name of FILTER_NAMES) {
        if (filters[name]) url.searchParams.set(name, filters[name]);
    }
    return url;
}

/** Fetches the rows newer than the newest shown. A closed panel does it too, at low
 * priority, so that opening it only shows what is already there. */
export async function refresh() {
    const root = panelRoot();
    if (!root || switchedOff()) return;
    if (timeline.refreshing) {
        timeline.again = true;
        return;
    }
    const lv = liveView();
    if (!lv) {
        root.dataset.djttIdle = "1";
        say(
            "This page has no djust client: add {% djust_client_config %} to the template and render the view as a LiveView.",
        );
        return;
    }
    const trouble = socketTrouble(lv);
    if (trouble || !lv.sessionId) {
        // A socket that was live and closed: is the whole server gone?
        if (socketClosed(lv) && !(await serverAnswers(new URL(root.dataset.djttTimelineUrl, window.location.href)))) {
            pollFailed(SERVER_DOWN);
        }
        say(trouble || "Waiting for the LiveView socket to connect…");
        return;
    }
    if (lv.sessionId !== view.sessionId) resetTimeline(root, lv.sessionId);
    const url = timelineUrl(root, { after: view.lastSeq });
    timeline.refreshing = true;
    const generation = timeline.generation;
    try {
        const priority = panelIsOpen() ? "high" : "low";
        const response = await panelFetch(url, { priority });
        const body = await response.text();
        if (generation !== timeline.generation) return; // it answers older filters
        if (!response.ok) {
            pollFailed(failureText(response, body, "The panel request failed"));
            return;
        }
        pollRecovered();
        const fragment = htmlFragment(body).querySelector("[data-djtt-fragment]");
        if (fragment && view.sessionId === lv.sessionId) {
            if (remounted(fragment)) {
                resetTimeline(root, lv.sessionId); // a live_redirect: the same socket, a new view
                timeline.again = true;
            } else {
                applyFragment(root, fragment);
            }
        }
    } catch {
        pollFailed(SERVER_DOWN);
    } finally {
        timeline.refreshing = false;
        if (timeline.again) {
            timeline.again = false;
            refresh();
        }
    }
}

// Fetches the page of rows older than the oldest shown, as the list nears its end.
async function loadOlder() {
    const root = panelRoot();
    if (!root || timeline.loadingOlder || !view.sessionId || timeline.fromSeq <= view.headSeq) return;
    const generation = timeline.generation;
    timeline.loadingOlder = true;
    try {
        const response = await panelFetch(timelineUrl(root, { before: timeline.fromSeq }, OLDER_PAGE));
        const body = await response.text();
        if (generation !== timeline.generation || root !== panelRoot()) return; // rows started again
        if (!response.ok) {
            pollFailed(failureText(response, body, "The panel request failed"));
            return;
        }
        const fragment = htmlFragment(body).querySelector("[data-djtt-fragment]");
        if (fragment) applyFragment(root, fragment, true);
    } catch (error) {
        pollFailed(error.message);
    } finally {
        timeline.loadingOlder = false;
    }
}

function watchForOlder(list) {
    if (!timeline.olderObserver) {
        timeline.olderObserver = new IntersectionObserver((entries) => {
            if (entries.some((entry) => entry.isIntersecting)) loadOlder();
        });
    }
    timeline.olderObserver.disconnect();
    if (timeline.fromSeq <= view.headSeq) return; // every held event is shown
    const rows = list.children;
    const near = rows[Math.max(0, rows.length - LOOKAHEAD_ROWS)];
    if (near) timeline.olderObserver.observe(near);
    // The last row too: a list scrolled past ``near`` (a page is shorter than the
    // lookahead) still asks for the next page once its end is in view.
    if (list.lastElementChild) timeline.olderObserver.observe(list.lastElementChild);
}

function schedulePolling(root) {
    if (timeline.timer) return;
    const interval = Math.max(250, Number(root.dataset.djttPollMs) || 1500);
    timeline.timer = window.setInterval(() => {
        if (panelIsOpen()) refresh();
    }, interval);
}

/** A LiveView of the page picked in the header (``data-djtt-view-pick``, "" for the
 * socket's view): its own timeline, from the start. */
export function onViewPick(button) {
    const root = panelRoot();
    if (!root || button.dataset.djttViewPick === view.child) return;
    view.child = button.dataset.djttViewPick;
    view.viewing = null;
    forgetSelection();
    startRowsAgain(root);
    refresh();
}

/** Different filters select different rows: the list starts again, and any answer
 * still on its way for the old filters is dropped. */
export function filtersChanged() {
    const root = panelRoot();
    if (!root) {
        timeline.generation += 1;
        view.lastSeq = 0;
        return;
    }
    startRowsAgain(root);
    refresh();
}

/** Shows the timeline in a (re-rendered) panel: a panel re-rendered by the toolbar
 * (UPDATE_ON_FETCH) starts empty and takes the rows already fetched, or fetches again. */
export function showTimeline(root) {
    const list = rowsList(root);
    if (timeline.list && timeline.list !== list && !list.children.length) list.append(...timeline.list.children);
    timeline.list = list;
    if (!list.children.length) startRowsAgain(root);
    markViewing(root);
    keepOneTabStop(root);
    watchForOlder(list);
    schedulePolling(root);
    refresh();
}
