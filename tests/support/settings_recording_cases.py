"""Settings for the "recording is installed only where it can show something" test.

``DDT_TT_RECORDING_CASE`` picks the case: ``shown`` (the test settings as they
are), ``debug_off``, ``unlisted`` (panel not in DEBUG_TOOLBAR_PANELS) or
``disabled`` (panel in the toolbar's DISABLE_PANELS).
"""

import os

from tests.support.settings import *  # noqa: F403
from tests.support.settings import DEBUG_TOOLBAR_CONFIG, DEBUG_TOOLBAR_PANELS

PANEL = "ddt_timetravel.panels.TimeTravelPanel"
CASE = os.environ["DDT_TT_RECORDING_CASE"]

if CASE == "debug_off":
    DEBUG = False
elif CASE == "unlisted":
    DEBUG_TOOLBAR_PANELS = [path for path in DEBUG_TOOLBAR_PANELS if path != PANEL]
elif CASE == "disabled":
    DEBUG_TOOLBAR_CONFIG = {**DEBUG_TOOLBAR_CONFIG, "DISABLE_PANELS": {PANEL}}
elif CASE != "shown":
    raise ValueError(f"unknown DDT_TT_RECORDING_CASE {CASE!r}")
