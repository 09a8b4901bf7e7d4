"""Test settings: the demo project as users configure it, tuned for the test run.

The demo's settings are the README's settings, so the tests exercise the same
toolbar and panel configuration a user gets. Only what a test run needs differs.
"""

import os
import tempfile
from pathlib import Path

from demo_project.settings import *  # noqa: F403
from demo_project.settings import DEBUG_TOOLBAR_PANELS

SECRET_KEY = "tests-only-insecure-key"

# The test run never touches the demo's database: pytest-django creates its own
# test database (in memory, shared between threads) from this entry.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("DDT_TT_TEST_DB_PATH")
        or str(Path(tempfile.gettempdir()) / "ddt-timetravel-tests.sqlite3"),
    }
}

# The toolbar hides itself while it detects a test run; these tests are about
# the toolbar being there.
DEBUG_TOOLBAR_CONFIG = {"IS_RUNNING_TESTS": False}

# The panel must be in the settings module itself: override_settings() does not
# add a panel's URLs to the toolbar's.
DEBUG_TOOLBAR_PANELS = [*DEBUG_TOOLBAR_PANELS]
if "ddt_timetravel.panels.TimeTravelPanel" not in DEBUG_TOOLBAR_PANELS:
    DEBUG_TOOLBAR_PANELS.append("ddt_timetravel.panels.TimeTravelPanel")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LIVEVIEW_ALLOWED_MODULES = [*LIVEVIEW_ALLOWED_MODULES, "tests.support.live_views"]  # noqa: F405
