// The list of rows: finding a row, the row the page shows (aria-current), the one
// selected row whose detail is open, and the list as one Tab stop.

import { panelRoot } from "./toolbar.js";
import { view } from "./view_state.js";

const selection = {
    selected: null, // seq of the row whose detail is open
    activeSeq: null, // seq of the row that is the list's Tab stop, once the user chose one
};

export function rowsList(root) {
    return root.querySelector("[data-djtt-rows]");
}

export function rowsOf(root) {
    return [...rowsList(root).querySelectorAll(":scope > [data-tt-seq]")];
}

export function rowOf(root, seq) {
    return rowsList(root).querySelector(`:scope > [data-tt-seq="${seq}"]`);
}

/** The seq of the row whose detail is open, or null. */
export function selectedSeq() {
    return selection.selected;
}

/** A new view instance: its rows start with nothing selected. */
export function forgetSelection() {
    selection.selected = null;
    selection.activeSeq = null;
}

/** Marks the row the page shows. Only a whole-view restore makes a row the page's state. */
export function markViewing(root) {
    const whole = view.viewing && !view.viewing.componentId ? view.viewing : null;
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

// The list is one Tab stop: the active row (and its own buttons) can be tabbed to,
// the arrow keys move between rows. The newest row is the stop until the user moves.
function setRowTabStop(row, index) {
    row.tabIndex = index;
    for (const control of row.querySelectorAll(":scope > .djtt-row-main button, :scope > details > summary")) {
        control.tabIndex = index;
    }
}

export function setActiveRow(root, active) {
    for (const row of rowsList(root).querySelectorAll(':scope > [data-tt-seq][tabindex="0"]')) {
        if (row !== active) setRowTabStop(row, -1);
    }
    if (active) setRowTabStop(active, 0);
}

export function keepOneTabStop(root) {
    const rows = rowsOf(root);
    if (!rows.length) return;
    const chosen = rows.find((row) => Number(row.dataset.ttSeq) === selection.activeSeq);
    const wanted = chosen || rows[0];
    if (wanted.tabIndex !== 0) setActiveRow(root, wanted);
}

/** Opens ``row``'s detail (diff, state, params, SQL), loaded on demand. */
export function selectRow(row) {
    const details = row.querySelector(":scope > details[data-djtt-diff]");
    if (!details) return;
    selection.selected = Number(row.dataset.ttSeq);
    details.open = true;
}

function listedRow(root, element) {
    const row = element.closest("[data-tt-seq]");
    return row && row.parentElement === rowsList(root) ? row : null;
}

export function onRowFocus(event) {
    const root = panelRoot();
    const row = root && event.target.closest && listedRow(root, event.target);
    if (!row) return;
    selection.activeSeq = Number(row.dataset.ttSeq);
    if (row.tabIndex !== 0) setActiveRow(root, row);
}

// One row is selected at a time: its detail sits beside the list at wide widths
// and below its row otherwise.
export function onDiffToggle(event) {
    const details = event.target;
    const root = panelRoot();
    if (!root || !(details instanceof HTMLDetailsElement) || !details.matches("[data-djtt-diff]")) return;
    const row = listedRow(root, details);
    if (!row) return;
    if (details.open) {
        selection.selected = Number(row.dataset.ttSeq);
        for (const other of rowsList(root).querySelectorAll(":scope > li > details[data-djtt-diff][open]")) {
            if (other !== details) other.open = false;
        }
    } else if (selection.selected === Number(row.dataset.ttSeq)) {
        selection.selected = null;
    }
    for (const item of rowsOf(root)) {
        item.classList.toggle("djtt-selected", Number(item.dataset.ttSeq) === selection.selected);
    }
}

/** A click on a row's line (not on one of its controls) selects the row. */
export function onRowClick(main, event) {
    const root = panelRoot();
    if (!root || event.target.closest("button, a, input, textarea")) return;
    const row = listedRow(root, main);
    if (row) selectRow(row);
}
