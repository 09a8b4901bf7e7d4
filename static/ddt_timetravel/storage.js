// Browser storage that may be unavailable (private mode, blocked site data):
// reading then gives null and writing does nothing, so a choice lasts as long as
// the page. ``area`` is "sessionStorage" (this tab) or "localStorage" (every tab).

export function readStored(area, key) {
    try {
        return window[area].getItem(key);
    } catch {
        return null;
    }
}

export function store(area, key, value) {
    try {
        window[area].setItem(key, String(value));
    } catch {
        // nothing kept: see above
    }
}
