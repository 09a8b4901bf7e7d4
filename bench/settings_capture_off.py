"""The bench settings with the panel, but no toolbar capture of events (``TOOLBAR_CAPTURE``)."""

from bench.settings_with_panel import *  # noqa: F403

DDT_TIMETRAVEL = {"TOOLBAR_CAPTURE": False}
