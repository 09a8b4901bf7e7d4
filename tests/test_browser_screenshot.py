"""The README's screenshots: the steps of ``make screenshots`` still run on the demo.

They are written to a temporary folder here; only ``make screenshots`` writes ``docs/``.
"""

from __future__ import annotations

import importlib.util
import struct

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.browser

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; ValueError when it is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def load_screenshots_script():
    spec = importlib.util.spec_from_file_location(
        "screenshots", REPO_ROOT / "scripts" / "screenshots.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshot_steps_take_both_themes(browser, live_server_url, tmp_path):
    screenshots = load_screenshots_script()
    written = screenshots.take_all(browser, live_server_url, tmp_path)
    assert [path.name for path in written] == ["panel-light.png", "panel-dark.png"]
    for path in written:
        assert png_size(path.read_bytes()) == (screenshots.WIDTH, screenshots.HEIGHT)
