"""The README's screenshots: the steps of ``make screenshots`` still run on the demo.

They are written to a temporary folder here; only ``make screenshots`` writes ``docs/``.
"""

from __future__ import annotations

import base64
import importlib.util
import struct
from pathlib import Path

import pytest

from tests.support import REPO_ROOT

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


def mean_brightness(browser, picture: Path) -> float:
    """Mean luminance (0-255) of a PNG, read back through a canvas in Chromium."""
    context = browser.new_context()
    try:
        page = context.new_page()
        data = base64.b64encode(picture.read_bytes()).decode()
        return page.evaluate(
            """async (src) => {
                const img = new Image();
                img.src = src;
                await img.decode();
                const canvas = document.createElement("canvas");
                [canvas.width, canvas.height] = [img.width, img.height];
                const context = canvas.getContext("2d");
                context.drawImage(img, 0, 0);
                const pixels = context.getImageData(0, 0, img.width, img.height).data;
                let sum = 0;
                for (let i = 0; i < pixels.length; i += 4) {
                    sum += 0.2126 * pixels[i] + 0.7152 * pixels[i + 1] + 0.0722 * pixels[i + 2];
                }
                return sum / (pixels.length / 4);
            }""",
            f"data:image/png;base64,{data}",
        )
    finally:
        context.close()


def test_screenshot_steps_take_a_light_and_a_dark_picture(browser, live_server_url, tmp_path):
    screenshots = load_screenshots_script()
    light, dark = screenshots.take_all(browser, live_server_url, tmp_path)
    assert (light.parent, dark.parent) == (tmp_path, tmp_path)  # never docs/ from a test
    for path in (light, dark):
        assert png_size(path.read_bytes()) == (screenshots.WIDTH, screenshots.HEIGHT)
    light_level, dark_level = mean_brightness(browser, light), mean_brightness(browser, dark)
    # The demo page stays light; the toolbar and the panel below it follow the theme.
    assert light_level > 170, f"the light picture is not light: mean luminance {light_level:.0f}"
    assert dark_level < light_level - 40, (
        f"the dark picture is not darker: mean luminance {dark_level:.0f} vs {light_level:.0f}"
    )
