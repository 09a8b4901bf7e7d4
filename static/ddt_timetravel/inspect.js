// Looking closer and taking the history out: an event's diff and full state
// (loaded when opened), Compare, Export (JSON or a pytest module) and Import.
// An imported file or an earlier session shows read-only; the filters run on its
// rows here, in the page.

import { currentFilters, FILTER_NAMES, filtersActive } from "./filters.js";
import { report } from "./messages.js";
import { csrfToken, endpointUrl, failureText, fetchFragment, htmlFragment, panelFetch } from "./server.js";
import { panelRoot, toolbarElement } from "./toolbar.js";
import { showState } from "./toolbar_switch.js";
import { view } from "./view_state.js";

const inspect = {
    importedFile: null, // text of an opened export, sent once: filters then run on its rows
    toolsOpen: false, // compare, export and import are folded away until asked for
};

async function loadLazy(details) {
    const body = details.querySelector(":scope > [data-djtt-lazy-body]");
    if (!body || body.dataset.djttLoaded) return;
    const root = panelRoot();
    if (!root) return;
    body.dataset.djttLoaded = "1";
    body.textContent = "Loading…";
    const row = details.closest("[data-tt-seq]");
    let url;
    if (details.hasAttribute("data-djtt-diff")) {
        url = endpointUrl(root, "djttDiffUrl", { seq: row?.dataset.ttSeq });
    } else {
        url = endpointUrl(root, "djttStateUrl", {
            seq: details.dataset.djttStateSeq,
            which: details.dataset.djttStateWhich,
            path: details.dataset.djttStatePath,
        });
    }
    try {
        body.replaceChildren(await fetchFragment(url));
        showState(toolbarElement());
    } catch (error) {
        delete body.dataset.djttLoaded;
        body.textContent = error.message;
    }
}

/** A diff or state node opened: its content is fetched the first time. */
export function onToggle(event) {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open) return;
    if (details.hasAttribute("data-djtt-diff") || details.hasAttribute("data-djtt-node")) {
        loadLazy(details);
    }
}

/** "More": the next items of a long list or dict in the state tree. */
export async function onMoreClick(button) {
    const root = panelRoot();
    if (!root) return;
    const url = endpointUrl(root, "djttStateUrl", {
        seq: button.dataset.djttStateSeq,
        which: button.dataset.djttStateWhich,
        path: button.dataset.djttStatePath,
        offset: button.dataset.djttStateOffset,
    });
    try {
        const fragment = await fetchFragment(url);
        const items = fragment.querySelector(".djtt-tree");
        button.closest("li").replaceWith(...(items ? items.children : []));
    } catch (error) {
        report("main", error.message);
    }
}

export async function onCompareSubmit(form, event) {
    const root = panelRoot();
    if (!root) return;
    event.preventDefault();
    const result = root.querySelector("[data-djtt-compare-result]");
    report("compare", null);
    const url = endpointUrl(root, "djttDiffUrl", {
        seq: form.elements.namedItem("seq").value,
        against: form.elements.namedItem("against").value,
    });
    try {
        result.replaceChildren(await fetchFragment(url));
    } catch (error) {
        result.replaceChildren();
        report("compare", error.message);
    }
}

/** Downloads through fetch, so that a refusal shows its reason beside the links. */
export async function onExportClick(link, event) {
    const root = panelRoot();
    if (!root) return;
    event.preventDefault();
    report("export", null);
    if (!view.sessionId) {
        report("export", "The LiveView socket has not connected yet: nothing to export.");
        return;
    }
    const form = link.closest("form");
    const params = { format: link.dataset.djttExport };
    for (const name of ["from", "to"]) params[name] = form.elements.namedItem(name).value;
    const filters = currentFilters();
    for (const name of FILTER_NAMES) params[name] = filters[name];
    if (params.from && params.to && Number(params.to) < Number(params.from)) {
        report("export", `Nothing to export: the range is reversed (#${params.from} comes after #${params.to}).`);
        return;
    }
    try {
        const response = await panelFetch(endpointUrl(root, "djttExportUrl", params));
        if (!response.ok) {
            const reason = failureText(response, await response.text(), "The export failed");
            report("export", `Nothing was exported. ${reason}`);
            return;
        }
        const disposition = response.headers.get("Content-Disposition") || "";
        const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "timeline";
        const href = URL.createObjectURL(await response.blob());
        const download = document.createElement("a");
        download.href = href;
        download.download = name;
        download.click();
        window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (error) {
        report("export", `Nothing was exported: ${error.message}`);
    }
}

export async function onImportChange(input) {
    if (!input.files?.length) return;
    report("export", null);
    inspect.importedFile = await input.files[0].text();
    input.value = "";
    showImport();
}

async function showImport() {
    const root = panelRoot();
    if (!root || inspect.importedFile === null) return;
    const result = root.querySelector("[data-djtt-import-result]");
    const url = endpointUrl(root, "djttImportUrl", {});
    if (!view.sessionId) url.searchParams.delete("session");
    try {
        const response = await panelFetch(url, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: inspect.importedFile,
        });
        const body = await response.text();
        if (response.status === 403) {
            throw new Error(
                "The import was refused: this page has no CSRF token (add {% csrf_token %} to the template).",
            );
        }
        if (!response.ok) throw new Error(failureText(response, body, "The file could not be opened"));
        result.replaceChildren(htmlFragment(body));
        filterImported(root);
    } catch (error) {
        result.replaceChildren();
        report("export", error.message);
    }
}

/** An earlier session (or any server-rendered read-only timeline) where imports show. */
export function showReadOnly(fragment) {
    const root = panelRoot();
    if (!root) return;
    inspect.importedFile = null;
    root.querySelector("[data-djtt-import-result]").replaceChildren(fragment);
    filterImported(root);
}

export function onImportClose() {
    const root = panelRoot();
    inspect.importedFile = null;
    if (root) root.querySelector("[data-djtt-import-result]").replaceChildren();
}

// The key filter's rule (search.key_changed): the path, anything below it, or above it.
function pathMatches(path, key) {
    return path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`) || key.startsWith(`${path}[`);
}

function importedRowMatches(row, filters, marker) {
    const event = filters.event.toLowerCase();
    if (event && !(row.dataset.ttEvent || "").toLowerCase().includes(event)) return false;
    if (filters.errors === "1" && !row.classList.contains("djtt-has-error")) return false;
    if (filters.key) {
        const paths = [...row.querySelectorAll("[data-djtt-path]")].map((line) => {
            const component = line.closest("[data-djtt-component]");
            const path = line.dataset.djttPath;
            return component ? `component:${component.dataset.djttComponent}.${path}` : path;
        });
        if (!paths.some((path) => pathMatches(path, filters.key))) return false;
    }
    const needle = filters.q.toLowerCase();
    if (!needle) return true;
    const text = marker ? row.textContent.split(marker).join(" ") : row.textContent;
    return text.toLowerCase().includes(needle); // a masked value never matches, nor its marker
}

/** An opened file is sent to the server once; the filters then run here, on the rows
 * it rendered (what is shown, so a value cut for display matches by its shown part). */
export function filterImported(root) {
    const imported = root.querySelector("[data-djtt-imported]");
    if (!imported) return;
    const rows = [...imported.querySelectorAll("li[data-tt-seq]")];
    const filters = currentFilters();
    let shown = 0;
    for (const row of rows) {
        row.hidden = !importedRowMatches(row, filters, root.dataset.djttMaskMarker || "");
        if (!row.hidden) shown += 1;
    }
    const count = imported.querySelector("[data-djtt-import-count]");
    if (count) count.textContent = filtersActive() ? `Showing ${shown} of ${rows.length} matching the filters.` : "";
}

function showTools(root, open) {
    const tools = root.querySelector("[data-djtt-tools]");
    const toggle = root.querySelector("[data-djtt-tools-toggle]");
    inspect.toolsOpen = open;
    if (tools) tools.hidden = !open;
    if (toggle) toggle.setAttribute("aria-expanded", String(open));
}

export function onToolsClick() {
    const root = panelRoot();
    if (root) showTools(root, !inspect.toolsOpen);
}

/** Puts compare, export and import back as they were in a (re-rendered) panel. */
export function initInspect(root) {
    showTools(root, inspect.toolsOpen);
}
