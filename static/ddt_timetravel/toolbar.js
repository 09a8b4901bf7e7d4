// Where the panel lives in the toolbar: the toolbar's element (in its shadow root
// or not), the panel's own root inside it, and event delegation from it. The
// toolbar may replace the panel's DOM at any time (UPDATE_ON_FETCH), so nothing
// here keeps an element: each call looks it up again.

import { $$, getDebugElement } from "../debug_toolbar/js/utils.js";

export const PANEL_ID = "TimeTravelPanel";

/** The toolbar's ``#djDebug``, or null on a page without the toolbar. */
export function toolbarElement() {
    return document.getElementById("djDebugRoot") ? getDebugElement() : null;
}

/** The panel's ``[data-djtt-root]`` once its content is in, else null. */
export function panelRoot() {
    const djDebug = toolbarElement();
    return djDebug ? djDebug.querySelector(`#${PANEL_ID} [data-djtt-root]`) : null;
}

export function panelIsOpen() {
    const djDebug = toolbarElement();
    const panel = djDebug?.querySelector(`#${PANEL_ID}`);
    return Boolean(panel && $$.visible(panel));
}

/** The toolbar's checkbox for this panel is unticked; the server then answers 404 too. */
export function switchedOff() {
    return /(?:^|;\s*)djdtTimeTravelPanel=off(?:;|$)/.test(document.cookie);
}

/** Calls ``handler(element, event)`` for ``type`` events inside the closest ``selector``. */
export function delegate(djDebug, type, selector, handler) {
    $$.on(djDebug, type, selector, function (event) {
        handler(this, event);
    });
}
