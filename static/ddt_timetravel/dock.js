// The dock: where the Time Travel panel sits (the bottom of the window or its
// right side, the user's choice, remembered), its size, and the room it
// reserves on the page while open, so that no control of the page hides under it.

import { readStored, store } from "./storage.js";
import { delegate } from "./toolbar.js";

const HEIGHT_KEY = "djtt.dockHeight";
const WIDTH_KEY = "djtt.dockWidth";
const SIDE_KEY = "djtt.dockSide";
const MIN_SIZE = 120;
const STEP = 24; // pixels per arrow key on the handle

let djDebug = null;
let panelId = null;
let pageStyle = null; // the page's own inline padding, put back when the panel closes

function read(key) {
    return readStored("localStorage", key);
}

function write(key, value) {
    store("localStorage", key, value);
}

function currentPanel() {
    return djDebug ? djDebug.querySelector(`#${panelId}`) : null;
}

function isOpen(panel) {
    return Boolean(panel) && !panel.classList.contains("djdt-hidden") && panel.getBoundingClientRect().height > 0;
}

// Docked to the side only where the window is wide enough (the stylesheet decides).
function onSide(panel) {
    return panel.classList.contains("djtt-side") && panel.getBoundingClientRect().top < 1;
}

function setSize(panel, side, size) {
    const room = side ? window.innerWidth - 240 : window.innerHeight - 60;
    const clamped = Math.round(Math.min(Math.max(size, MIN_SIZE), Math.max(MIN_SIZE, room)));
    panel.style.setProperty(side ? "--djtt-dock-width" : "--djtt-dock-height", `${clamped}px`);
    return clamped;
}

function syncControls(panel) {
    const side = onSide(panel);
    const handle = panel.querySelector("[data-djtt-resize]");
    if (handle) {
        const rect = panel.getBoundingClientRect();
        const share = side ? rect.width / window.innerWidth : rect.height / window.innerHeight;
        handle.setAttribute("aria-orientation", side ? "vertical" : "horizontal");
        handle.setAttribute("aria-valuenow", String(Math.round(share * 100)));
    }
    const toggle = panel.querySelector("[data-djtt-dock-side]");
    if (toggle) toggle.setAttribute("aria-pressed", String(panel.classList.contains("djtt-side")));
}

/** Pads the page by the dock's size while the panel is open; undoes it when closed. */
export function reserveRoom() {
    const panel = currentPanel();
    const html = document.documentElement;
    if (!isOpen(panel)) {
        if (pageStyle) {
            for (const [name, value] of Object.entries(pageStyle)) html.style.setProperty(name, value);
            pageStyle = null;
        }
        return;
    }
    if (!pageStyle) {
        pageStyle = {};
        for (const name of ["padding-bottom", "padding-right", "scroll-padding-bottom", "scroll-padding-right"]) {
            pageStyle[name] = html.style.getPropertyValue(name);
        }
    }
    const rect = panel.getBoundingClientRect();
    const side = onSide(panel);
    const bottom = side ? pageStyle["padding-bottom"] : `${Math.ceil(window.innerHeight - rect.top)}px`;
    const right = side ? `${Math.ceil(window.innerWidth - rect.left)}px` : pageStyle["padding-right"];
    html.style.setProperty("padding-bottom", bottom);
    html.style.setProperty("scroll-padding-bottom", side ? pageStyle["scroll-padding-bottom"] : bottom);
    html.style.setProperty("padding-right", right);
    html.style.setProperty("scroll-padding-right", side ? right : pageStyle["scroll-padding-right"]);
    syncControls(panel);
}

function resizeTo(panel, side, size) {
    const kept = setSize(panel, side, size);
    write(side ? WIDTH_KEY : HEIGHT_KEY, String(kept));
    reserveRoom();
}

function startResize(handle, event) {
    const panel = handle.closest(`#${panelId}`);
    if (!panel) return;
    event.preventDefault();
    const side = onSide(panel);
    const start = side ? event.clientX : event.clientY;
    const rect = panel.getBoundingClientRect();
    const startSize = side ? rect.width : rect.height;
    const move = (moveEvent) => {
        const now = side ? moveEvent.clientX : moveEvent.clientY;
        setSize(panel, side, startSize + (start - now));
        reserveRoom();
    };
    const stop = () => {
        window.removeEventListener("pointermove", move);
        window.removeEventListener("pointerup", stop);
        const done = panel.getBoundingClientRect();
        resizeTo(panel, side, side ? done.width : done.height);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", stop);
}

// The handle is a separator: the arrow keys grow and shrink the dock, Home and End
// take it to its smallest and largest.
function onHandleKey(handle, event) {
    const panel = handle.closest(`#${panelId}`);
    if (!panel) return;
    const side = onSide(panel);
    const rect = panel.getBoundingClientRect();
    const size = side ? rect.width : rect.height;
    const grow = side ? "ArrowLeft" : "ArrowUp";
    const shrink = side ? "ArrowRight" : "ArrowDown";
    const sizes = { [grow]: size + STEP, [shrink]: size - STEP, Home: MIN_SIZE, End: Number.POSITIVE_INFINITY };
    if (!(event.key in sizes)) return;
    event.preventDefault();
    resizeTo(panel, side, sizes[event.key]);
}

function onSideClick(toggle) {
    const panel = toggle.closest(`#${panelId}`);
    if (!panel) return;
    const side = !panel.classList.contains("djtt-side");
    panel.classList.toggle("djtt-side", side);
    write(SIDE_KEY, side ? "1" : "");
    reserveRoom();
    syncControls(panel);
}

// When the panel closes with focus inside it, focus goes back to the toolbar's link.
function onToolbarChange(mutations) {
    const watched = (mutation) => [panelId, "djDebugToolbar"].includes(mutation.target.id);
    if (!mutations.some(watched)) return;
    for (const mutation of mutations) {
        const panel = mutation.target;
        if (panel.id !== panelId || !panel.classList.contains("djdt-hidden")) continue;
        if ((mutation.oldValue || "").split(" ").includes("djdt-hidden")) continue;
        const active = djDebug.getRootNode().activeElement;
        const link = djDebug.querySelector(`#djdt-${panelId} a`);
        if (active && panel.contains(active) && link?.getClientRects().length) link.focus();
    }
    reserveRoom();
}

/** Starts the dock for the toolbar element ``toolbar`` (idempotent: the panel may re-render). */
export function initDock(toolbar, id) {
    if (!toolbar) return;
    if (djDebug !== toolbar) {
        djDebug = toolbar;
        panelId = id;
        delegate(toolbar, "pointerdown", "[data-djtt-resize]", startResize);
        delegate(toolbar, "keydown", "[data-djtt-resize]", onHandleKey);
        delegate(toolbar, "click", "[data-djtt-dock-side]", onSideClick);
        new MutationObserver(onToolbarChange).observe(toolbar, {
            subtree: true,
            attributes: true,
            attributeFilter: ["class"],
            attributeOldValue: true,
        });
        window.addEventListener("resize", reserveRoom);
    }
    const panel = currentPanel();
    if (!panel) return;
    panel.classList.toggle("djtt-side", Boolean(read(SIDE_KEY)));
    const height = Number(read(HEIGHT_KEY));
    if (height) setSize(panel, false, height);
    const width = Number(read(WIDTH_KEY));
    if (width) setSize(panel, true, width);
    reserveRoom();
    syncControls(panel);
}
