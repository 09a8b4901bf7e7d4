"""The same project without this package: no ``ddt_timetravel`` app, no panel.

The toolbar itself stays: the comparison isolates what ddt-timetravel adds.
"""

from bench.settings_with_panel import *  # noqa: F403
from bench.settings_with_panel import DEBUG_TOOLBAR_PANELS, INSTALLED_APPS

PANEL = "ddt_timetravel.panels.TimeTravelPanel"

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "ddt_timetravel"]
DEBUG_TOOLBAR_PANELS = [panel for panel in DEBUG_TOOLBAR_PANELS if panel != PANEL]
