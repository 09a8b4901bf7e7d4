"""What the tests share: helpers, settings modules, test views and pytest plugins.

The plugins (``reports``, ``live_socket``, ``demo_servers``, ``browser``,
``repository_guard``) are loaded by ``tests/conftest.py``; each has one job.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def on_ci() -> bool:
    """True on CI (``CI=true``), where a browser or redis test may not be skipped."""
    return os.environ.get("CI", "").lower() == "true"
