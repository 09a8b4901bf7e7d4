// The page's view instance as the panel knows it, shared by the timeline and the
// restore buttons: its socket session, how its events are numbered, and which
// recorded state the page shows. Only the timeline and the restore answers write it.

export const view = {
    sessionId: null, // djust's socket session whose view the rows belong to
    viewInstance: null, // the view instance the rows belong to (a live_redirect mounts another)
    child: "", // the embedded {% live_render %} view whose timeline is shown ("": the page's view)
    headSeq: 1, // the number of the oldest event the view still holds (buffer index 0)
    lastSeq: 0, // the newest event listed
    viewing: null, // {seq, which, componentId} of the restored state the page shows
    shownSerial: 0, // the server's count of restores and replays behind ``viewing``
    pendingJump: null, // {seq, which} sent, not yet acknowledged
    restoreCost: "", // what the last restore's re-render cost, said after the status
};
