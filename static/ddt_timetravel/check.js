// "Check against current code": the server runs the selected events again on the
// code as it is now, a few at a time; each answer adds its rows and says what is
// left, so the panel shows progress, and Cancel simply stops asking.

import { currentFilters } from "./filters.js";
import { csrfToken, htmlFragment } from "./server.js";
import { delegate, panelRoot } from "./toolbar.js";
import { view } from "./view_state.js";

const check = { running: false, cancelled: false };

export function initCheck(djDebug) {
    delegate(djDebug, "click", "[data-djtt-check-start]", (start) => runCheck(start.closest("[data-djtt-check]")));
    delegate(djDebug, "click", "[data-djtt-check-cancel]", () => {
        check.cancelled = true;
    });
}

function checkUrl(box, from, to, begin) {
    const url = new URL(box.dataset.djttCheckUrl, window.location.href);
    // An earlier session's check runs on what the server kept: no socket needed.
    if (box.dataset.djttEarlierId) url.searchParams.set("earlier", box.dataset.djttEarlierId);
    else url.searchParams.set("session", view.sessionId);
    if (view.child && !box.dataset.djttEarlierId) url.searchParams.set("child", view.child);
    url.searchParams.set("from", from);
    if (to) url.searchParams.set("to", to);
    for (const [name, value] of Object.entries(currentFilters())) {
        if (value) url.searchParams.set(name, value);
    }
    if (begin) url.searchParams.set("begin", "1");
    return url;
}

async function askChunk(url) {
    const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
    });
    if (response.status === 403) {
        throw new Error("The check was refused: this page has no CSRF token (add {% csrf_token %} to the template).");
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `The check failed (${response.status}).`);
    return body;
}

function markFirst(rows, seq) {
    const row = rows.querySelector(`[data-tt-check-seq="${seq}"]`);
    if (!row) return;
    row.dataset.ttCheckFirst = "1";
    const label = document.createElement("strong");
    label.className = "djtt-check-first";
    label.textContent = "First divergence";
    row.prepend(label);
    const diff = row.querySelector("[data-djtt-check-diff]");
    if (diff) diff.open = true;
}

function summary(done, total, diverged, first, cancelled) {
    const head = cancelled ? `Cancelled after ${done} of ${total} events. ` : "";
    if (diverged) return `${head}${diverged} of ${done} events diverge from the recording; the first is #${first}.`;
    return `${head}All ${done} checked events still produce the recorded state.`;
}

async function runCheck(box) {
    const root = panelRoot();
    if (!root || !box || check.running) return;
    const message = box.querySelector("[data-djtt-check-msg]");
    const progress = box.querySelector("[data-djtt-check-progress]");
    const rows = box.querySelector("[data-djtt-check-rows]");
    const start = box.querySelector("[data-djtt-check-start]");
    const cancel = box.querySelector("[data-djtt-check-cancel]");
    message.textContent = "";
    if (!view.sessionId && !box.dataset.djttEarlierId) {
        message.textContent = "The LiveView socket has not connected yet: nothing to check.";
        return;
    }
    // An earlier session is checked whole (its rows follow the filters, not the range).
    const form = box.dataset.djttEarlierId ? null : root.querySelector("[data-djtt-export-form]");
    const from = form?.elements.namedItem("from").value || "1";
    const to = form?.elements.namedItem("to").value || "";
    if (to && Number(to) < Number(from)) {
        message.textContent = `Nothing to check: the range is reversed (#${from} comes after #${to}).`;
        return;
    }
    rows.replaceChildren();
    check.running = true;
    check.cancelled = false;
    start.disabled = true;
    cancel.hidden = false;
    let next = from;
    let done = 0;
    let total = 0;
    let diverged = 0;
    let first = null;
    try {
        while (next !== null && !check.cancelled) {
            const body = await askChunk(checkUrl(box, next, to, done === 0));
            rows.append(htmlFragment(body.html));
            box.querySelector("[data-djtt-check-not-contained]").textContent = body.not_contained;
            box.querySelector("[data-djtt-check-result]").hidden = false;
            done += body.checked;
            total = done + body.remaining;
            diverged += body.diverged.length;
            if (first === null && body.diverged.length) {
                first = body.diverged[0];
                markFirst(rows, first);
            }
            next = body.next === null ? null : String(body.next);
            progress.textContent = `Checked ${done} of ${total} events…`;
        }
        progress.textContent = summary(done, total, diverged, first, next !== null);
    } catch (error) {
        message.textContent = error.message;
        progress.textContent = done ? summary(done, total, diverged, first, true) : "";
    } finally {
        check.running = false;
        start.disabled = false;
        cancel.hidden = true;
    }
}
