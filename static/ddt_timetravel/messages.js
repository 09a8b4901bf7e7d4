// What the panel tells the user. The status line says live or viewing; errors and
// results sit apart from it, each next to the control that caused it, and stay
// until dismissed or that control is used again.

import { panelRoot } from "./toolbar.js";

const messages = {}; // slot -> {text, kind}: errors and results, kept until dismissed
let pollFailing = false; // the main message is the poll's own trouble

/** The status line: live, viewing, or what the panel waits for. One line at wide
 * widths, cut with an ellipsis: its title keeps the whole text for the pointer. */
export function say(message) {
    const root = panelRoot();
    const status = root?.querySelector("[data-djtt-status]");
    if (!status) return;
    status.textContent = message;
    status.title = message;
}

/** Shows ``text`` in message slot ``slot`` (null clears it). */
export function report(slot, text, kind = "error") {
    messages[slot] = text ? { text, kind } : null;
    if (slot === "main") pollFailing = false;
    const root = panelRoot();
    if (root) renderMessage(root, slot);
}

/** Puts the kept messages into a (re-rendered) panel. */
export function renderMessages(root) {
    for (const slot of Object.keys(messages)) renderMessage(root, slot);
}

function renderMessage(root, slot) {
    const box = root.querySelector(`[data-djtt-msg="${slot}"]`);
    if (!box) return;
    const message = messages[slot];
    if (!message) {
        box.replaceChildren();
        delete box.dataset.djttKind;
        return;
    }
    const text = document.createElement("span");
    text.className = "djtt-msg-text";
    text.textContent = message.text;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.dataset.djttDismiss = slot;
    dismiss.textContent = "Dismiss";
    box.dataset.djttKind = message.kind;
    box.replaceChildren(text, dismiss);
}

export function onDismissClick(button) {
    report(button.dataset.djttDismiss, null);
}

/** The poll's own trouble shows in the main slot until a poll succeeds again. */
export function pollFailed(text) {
    if (messages.main && !pollFailing) return; // the user's own message stays
    report("main", text);
    pollFailing = true;
}

/** A poll succeeded: its own trouble, if shown, goes. */
export function pollRecovered() {
    if (pollFailing) report("main", null);
}
