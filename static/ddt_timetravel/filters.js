// The filter bar: which events the list shows (handler name, changed key, text,
// errors only). Kept in sessionStorage, so a reload keeps them for this tab.

import { debounce } from "../debug_toolbar/js/utils.js";
import { readStored, store } from "./storage.js";
import { delegate } from "./toolbar.js";

const FILTERS_KEY = "djtt.filters";
export const FILTER_NAMES = ["event", "key", "q", "errors"];
const TYPING_DELAY_MS = 250;

let filters = loadFilters();

function loadFilters() {
    let saved = {};
    try {
        saved = JSON.parse(readStored("sessionStorage", FILTERS_KEY) || "{}") || {};
    } catch {
        // not JSON (written by something else): start without filters
    }
    return Object.fromEntries(FILTER_NAMES.map((name) => [name, String(saved[name] || "")]));
}

/** The filters in force, by name ("" when unset; ``errors`` is "1" when ticked). */
export function currentFilters() {
    return filters;
}

export function filtersActive() {
    return FILTER_NAMES.some((name) => filters[name]);
}

/** Puts the filters in force into a (re-rendered) filter bar. */
export function fillFilters(root) {
    const form = root.querySelector("[data-djtt-filters]");
    if (!form) return;
    for (const name of FILTER_NAMES) {
        const input = form.elements.namedItem(name);
        if (!input) continue;
        if (input.type === "checkbox") input.checked = filters[name] === "1";
        else input.value = filters[name];
    }
}

function readFilters(form) {
    const read = {};
    for (const name of FILTER_NAMES) {
        const input = form.elements.namedItem(name);
        if (!input) read[name] = "";
        else if (input.type === "checkbox") read[name] = input.checked ? "1" : "";
        else read[name] = input.value.trim();
    }
    return read;
}

/** Calls ``changed()`` once the filter bar's values are the filters in force. */
export function listenForFilters(djDebug, changed) {
    const apply = (form) => {
        filters = readFilters(form);
        store("sessionStorage", FILTERS_KEY, JSON.stringify(filters));
        changed();
    };
    const applySoon = debounce(apply, TYPING_DELAY_MS);
    delegate(djDebug, "input", "[data-djtt-filters]", (form, event) => {
        if (!event.target.matches("[data-djtt-watch]")) applySoon(form); // a watch marks rows, keeps them
    });
    // The form's fields hold the reset values only after the event.
    delegate(djDebug, "reset", "[data-djtt-filters]", (form) => window.setTimeout(() => apply(form), 0));
    delegate(djDebug, "click", "[data-djtt-clear-filters]", (button) => {
        const form = button.closest("[data-djtt-root]")?.querySelector("[data-djtt-filters]");
        if (form) form.reset();
    });
}
