"""The panel's stylesheet takes its colours from variables only.

The toolbar's own ``--djdt-*`` variables are read from the installed toolbar's
stylesheet (a name it does not define would leave the panel without a colour in
one theme); the panel's ``--djtt-*`` colours are set in one light and one dark
block at the top, and no rule below them names a colour of its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import debug_toolbar

PANEL_CSS = Path(__file__).resolve().parents[2] / "static" / "ddt_timetravel" / "panel.css"
TOOLBAR_CSS = (
    Path(debug_toolbar.__file__).parent / "static" / "debug_toolbar" / "css" / "toolbar.css"
)

LIGHT = '#djDebug,\n#djDebug[data-theme="light"] {'
DARK = '#djDebug[data-theme="dark"] {'
COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla|hwb|lab|lch|oklab|oklch|color)\("
    r"|(?<![-\w])(?:white|black|red|green|blue|gray|grey|yellow|orange|purple|pink|brown|navy)(?![-\w])"
)


def _block(css: str, opening: str) -> str:
    start = css.index(opening) + len(opening)
    return css[start : css.index("}", start)]


def _defined(block: str) -> set[str]:
    return set(re.findall(r"(--dj[dt]t-[\w-]+)\s*:", block))


def _rules_after_the_blocks(css: str) -> str:
    dark = css.index(DARK)
    return css[css.index("}", dark) + 1 :]


def test_every_toolbar_variable_used_is_one_the_toolbar_defines_for_both_themes():
    toolbar = TOOLBAR_CSS.read_text(encoding="utf-8")
    light = _defined(_block(toolbar, LIGHT)) | _defined(_block(toolbar, "#djDebug {"))
    dark = light | _defined(_block(toolbar, DARK))
    used = set(re.findall(r"var\((--djdt-[\w-]+)", PANEL_CSS.read_text(encoding="utf-8")))
    assert used, "the panel no longer reads any toolbar variable"
    assert sorted(used - light) == [] and sorted(used - dark) == []


def test_the_panels_own_colours_are_set_in_one_light_and_one_dark_block():
    css = PANEL_CSS.read_text(encoding="utf-8")
    assert css.count(LIGHT) == 1 and css.count(DARK) == 1
    light, dark = _defined(_block(css, LIGHT)), _defined(_block(css, DARK))
    assert sorted(dark - light) == [], "a dark colour without its light one"
    used = set(re.findall(r"var\((--djtt-[\w-]+)", css))
    set_elsewhere = set(re.findall(r"(--djtt-[\w-]+)\s*:", _rules_after_the_blocks(css)))
    set_by_scripts = {  # the dock's size, set on the panel as it is resized
        name
        for script in PANEL_CSS.parent.glob("*.js")
        for name in re.findall(r'"(--djtt-[\w-]+)"', script.read_text(encoding="utf-8"))
    }
    never_set = used - light - set_elsewhere - set_by_scripts
    assert sorted(never_set) == [], "a --djtt-* variable that is never set"


def test_no_rule_names_a_colour_of_its_own():
    rules = _rules_after_the_blocks(PANEL_CSS.read_text(encoding="utf-8"))
    literals = [
        (rules.count("\n", 0, found.start()), found.group()) for found in COLOUR.finditer(rules)
    ]
    assert literals == []
