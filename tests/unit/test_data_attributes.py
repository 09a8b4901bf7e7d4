"""One data-attribute prefix for the panel, and the hooks users' tests rely on.

Everything the panel's own templates and scripts read or write is ``data-djtt-*``;
``data-tt-*`` is kept for the hooks the README promises to users' browser tests
(each one documented there, each one still rendered); the rest belongs to the
toolbar (its own ``data-djdt-*``, ``data-theme`` and the attributes of its
``#djDebug``, read from the installed toolbar's templates).
"""

from __future__ import annotations

import re
from pathlib import Path

import debug_toolbar

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC = REPO_ROOT / "static" / "ddt_timetravel"
TEMPLATES = REPO_ROOT / "templates" / "ddt_timetravel"
TOOLBAR_TEMPLATES = Path(debug_toolbar.__file__).parent / "templates" / "debug_toolbar"
HOOKS_HEADING = "### Hooks for your own browser tests\n"

ATTRIBUTE = re.compile(r"(?<![\w-])data-([a-z][a-z0-9-]*)")
DATASET = re.compile(r"\bdataset\.([a-zA-Z][a-zA-Z0-9]*)")


def _kebab(name: str) -> str:
    return re.sub(r"[A-Z]", lambda upper: "-" + upper.group().lower(), name)


def _used() -> set[str]:
    """Every data attribute the panel's templates, stylesheet and scripts name."""
    names: set[str] = set()
    for path in [*TEMPLATES.glob("*.html"), *STATIC.glob("*.css"), *STATIC.glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        names.update(ATTRIBUTE.findall(text))
        names.update(_kebab(name) for name in DATASET.findall(text))
    return names


def _written() -> set[str]:
    """The data attributes the templates render or the scripts set."""
    names: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        names.update(ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
    for path in STATIC.glob("*.js"):
        text = path.read_text(encoding="utf-8")
        names.update(_kebab(name) for name in re.findall(r"\bdataset\.(\w+)\s*=(?!=)", text))
    return names


def _documented_hooks() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(HOOKS_HEADING) + len(HOOKS_HEADING)
    end = readme.index("\n#", start)
    return {f"tt-{name}" for name in re.findall(r"`data-tt-([a-z-]+)", readme[start:end])}


def _toolbars_own() -> set[str]:
    names = {"theme"}
    for path in TOOLBAR_TEMPLATES.rglob("*.html"):
        names.update(ATTRIBUTE.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_data_attribute_is_the_panels_own_a_documented_hook_or_the_toolbars():
    used = _used()
    assert any(name.startswith("djtt-") for name in used), "no data-djtt-* attribute found"
    strays = {
        name
        for name in used
        if not name.startswith(("djtt-", "djdt-")) and name not in _documented_hooks()
    }
    assert sorted(strays - _toolbars_own()) == []


def test_every_documented_hook_is_still_there():
    hooks = _documented_hooks()
    assert {"tt-seq", "tt-index", "tt-event"} <= hooks
    assert sorted(hooks - _written()) == []
