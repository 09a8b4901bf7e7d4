// The page's djust socket, read from djust's client state at the moment it is
// needed: window.djust.liveViewInstance is re-created on navigation and lazy
// hydration, so it is never kept.

export function liveView() {
    return window.djust?.liveViewInstance || null;
}

/** The page talks to djust over its SSE fallback: no frames are pushed, jumps are refused. */
export function usesSse(lv) {
    return Boolean(lv) && !("ws" in lv);
}

function socketOpen(lv) {
    return Boolean(lv?.ws && lv.ws.readyState === WebSocket.OPEN);
}

/** djust's ``sendMessage`` has no readiness guard: a frame may go only when this holds. */
export function socketReady(lv) {
    return socketOpen(lv) && Boolean(lv.viewMounted && lv.sessionId);
}

/** A socket that was live and has closed (the server may be gone). */
export function socketClosed(lv) {
    return Boolean(lv?.stats?.connectedAt) && !socketOpen(lv);
}

// How the page's socket is doing, from djust's client state (djust 1.2.6,
// static/djust/src/03-websocket.js): ws.readyState, sessionId and viewMounted;
// reconnectAttempts of maxReconnectAttempts, enabled (false once it gave up);
// stats.connectedAt (set when a socket first opened) and stats.messages (the
// last frames, newest first, as its inspector keeps them). Null when the view is
// mounted, or the page uses the SSE fallback (handled where it matters).
export function socketTrouble(lv) {
    if (!lv || usesSse(lv) || socketReady(lv)) return null;
    const everOpened = Boolean(lv.stats?.connectedAt);
    const gaveUp = lv.enabled === false;
    const attempt = lv.reconnectAttempts;
    const attempts = lv.maxReconnectAttempts;
    if (socketOpen(lv)) {
        const refusal = mountRefusal(lv);
        if (refusal !== null) return refusalMessage(refusal);
        return "The LiveView socket is open; waiting for djust to mount the view…";
    }
    if (!everOpened && (attempt > 0 || gaveUp)) {
        const retry = gaveUp
            ? "djust's client stopped trying."
            : `djust's client keeps trying (attempt ${attempt} of ${attempts}).`;
        return `This server does not speak WebSocket: run it under ASGI (daphne first in INSTALLED_APPS, or uvicorn with a websockets library). If it does, route ws/live/ to djust's LiveViewConsumer (check W006). ${retry}`;
    }
    if (!everOpened) return "Waiting for the LiveView socket to connect…";
    if (gaveUp) {
        return "The LiveView socket closed and djust's client stopped reconnecting. Is the server still running? Reload the page once it is back.";
    }
    return `The LiveView socket closed; djust's client is reconnecting (attempt ${attempt} of ${attempts}). The view it mounts again starts with an empty history.`;
}

/** Why a click cannot go through the socket now, in words that stay true while the
 * status line counts djust's reconnect attempts (a kept message with a count would
 * soon contradict it). Null when the socket is ready. */
export function sendRefusal(lv) {
    const trouble = socketTrouble(lv);
    if (trouble === null || !socketClosed(lv) || lv.enabled === false) return trouble;
    return "The LiveView socket closed; djust's client is reconnecting, so nothing was sent (the status line counts its attempts). The view it mounts again starts with an empty history.";
}

// djust's error frame since the socket's last "connect" frame, if the view did not
// mount: djust answered the mount with it (e.g. a module not allowed).
function mountRefusal(lv) {
    const frames = lv.stats?.messages || [];
    for (const frame of frames) {
        if (frame.direction !== "received") continue;
        if (frame.type === "connect" || frame.type === "mount") break;
        if (frame.type === "error") return String(frame.data?.error || "no reason given");
    }
    return null;
}

function refusalMessage(error) {
    const root = document.querySelector("[dj-view]");
    const view = root?.getAttribute("dj-view") || "the view";
    if (/not allowed/i.test(error)) {
        return `djust refused to mount ${view}: its module is not in LIVEVIEW_ALLOWED_MODULES (djust says: “${error}”). Add it there (check W007), then reload the page.`;
    }
    return `djust refused to mount ${view}: ${error}`;
}
