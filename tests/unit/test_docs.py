"""The README stays true: its settings table, its troubleshooting and the code agree."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ddt_timetravel.conf import DEFAULTS
from tests.support import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
CHECKS_SOURCE = (REPO_ROOT / "ddt_timetravel" / "checks.py").read_text(encoding="utf-8")
SETTINGS_HEADING = "### Project settings: `DDT_TIMETRAVEL`"
CHECK_ID = re.compile(r"\bddt_timetravel\.[EWI]\d{3}\b")
TABLE_ROW = re.compile(r"^\| `(?P<key>[^`]+)` \| `(?P<default>[^`]*)` \|", re.MULTILINE)


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n") + len(heading) + 1
    following = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, start)
    return text[start : following.start() if following else len(text)]


def documented_settings() -> dict[str, object]:
    """Key -> documented default, from the README's ``DDT_TIMETRAVEL`` table."""
    table = section(README, SETTINGS_HEADING)
    return {row["key"]: ast.literal_eval(row["default"]) for row in TABLE_ROW.finditer(table)}


def test_section_helper_stops_at_the_next_heading():
    text = "# A\n## B\nb text\n### C\nc text\n## D\nd text\n"
    assert section(text, "## B") == "b text\n### C\nc text\n"
    assert section(text, "### C") == "c text\n"


def test_every_documented_setting_exists_with_its_default():
    documented = documented_settings()
    assert documented, f"no settings table under {SETTINGS_HEADING!r}"
    for key, default in documented.items():
        assert key in DEFAULTS, f"README documents {key}, which conf.DEFAULTS does not have"
        assert default == DEFAULTS[key], f"README says {key} defaults to {default!r}"


def test_every_setting_is_documented():
    assert set(DEFAULTS) <= set(documented_settings())


def test_every_check_id_has_a_troubleshooting_entry():
    defined = set(CHECK_ID.findall(CHECKS_SOURCE))
    assert len(defined) >= 10, "the check ids were not found in checks.py"
    troubleshooting = section(README, "## Troubleshooting")
    entries = set(re.findall(r"^#### `(ddt_timetravel\.[EWI]\d{3})`$", troubleshooting, re.M))
    assert defined <= entries, f"undocumented: {sorted(defined - entries)}"
    assert entries <= defined, f"documented but not defined: {sorted(entries - defined)}"


def _python_strings(path: Path) -> list[str]:
    """String literals of a module; f-strings with their fields as placeholders."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            found.append(
                "".join(p.value if isinstance(p, ast.Constant) else "\0" for p in node.values)
            )
    return found


def _panel_sources() -> str:
    """Everything the panel can say: templates, scripts and the Python messages."""
    texts = [
        *(REPO_ROOT / "templates" / "ddt_timetravel").glob("*.html"),
        *(REPO_ROOT / "static" / "ddt_timetravel").glob("*.js"),
    ]
    parts = [path.read_text(encoding="utf-8") for path in texts]
    for module in sorted((REPO_ROOT / "ddt_timetravel").rglob("*.py")):
        parts.extend(_python_strings(module))
    return " ".join(" ".join(part.split()) for part in parts)


def test_every_documented_panel_message_is_one_the_panel_says():
    messages = section(README, "### Messages in the panel")
    quoted = [" ".join(m.split()) for m in re.findall(r'\*\*"(.+?)"\*\*', messages, re.S)]
    assert len(quoted) >= 15, "the panel messages were not found in the README"
    sources = _panel_sources()
    never_said = [
        piece
        for message in quoted
        for piece in re.split(r"<[^>]+>", message)
        if len(piece.strip()) >= 4 and piece not in sources
    ]
    assert never_said == [], "the README quotes messages the panel never says"
