// Talking to the panel's endpoints: their URLs, fetch with a down server said in
// words, failures in one short sentence, and the server's HTML as a fragment.

import { view } from "./view_state.js";

export const SERVER_DOWN = "The server did not answer. Is it still running? Reload the page once it is back.";

/** The server's HTML as nodes, parsed inert (a template runs no script, loads nothing). */
export function htmlFragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
}

/** The URL of endpoint ``name`` (its ``data-*-url`` on the root) for the page's session. */
export function endpointUrl(root, name, params) {
    const url = new URL(root.dataset[name], window.location.href);
    url.searchParams.set("session", view.sessionId);
    if (view.child) url.searchParams.set("child", view.child);
    for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    return url;
}

// A failed answer in one short sentence. The panel's endpoints answer in plain
// text (or JSON); anything else (a debug page, a proxy's error page) is named by
// its status only, never shown raw.
export function failureText(response, body, what) {
    const type = response.headers.get("Content-Type") || "";
    const text = (body || "").trim();
    if (type.startsWith("text/plain") && text && text.length <= 500) return text;
    if (type.startsWith("application/json")) {
        try {
            const error = JSON.parse(text).error;
            if (error) return String(error);
        } catch {
            // not the panel's JSON: fall through to the status
        }
    }
    const where = response.status >= 500 ? ": the server's log says why" : "";
    return `${what} (the server answered ${response.status}${where}).`;
}

/** fetch(), with "Failed to fetch" said in words. */
export async function panelFetch(url, options) {
    try {
        return await fetch(url, { credentials: "same-origin", ...options });
    } catch {
        throw new Error(SERVER_DOWN);
    }
}

/** Whether anything answers at ``url``: a closed socket may mean the server is gone. */
export async function serverAnswers(url) {
    try {
        await fetch(url, { credentials: "same-origin" });
        return true;
    } catch {
        return false;
    }
}

/** An endpoint's HTML answer as a fragment; a failure throws its sentence. */
export async function fetchFragment(url) {
    const response = await panelFetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(failureText(response, body, "The panel request failed"));
    return htmlFragment(body);
}

/** The page's CSRF token: djust's own helper, else Django's cookie. */
export function csrfToken() {
    try {
        if (window.djust && typeof window.djust.csrfToken === "function") return window.djust.csrfToken();
    } catch {
        // fall through to the cookie
    }
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
}
