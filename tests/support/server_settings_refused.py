"""The demo with its views left out of ``LIVEVIEW_ALLOWED_MODULES``: djust refuses the mount."""

from demo_project.settings import *  # noqa: F403

LIVEVIEW_ALLOWED_MODULES = ["demo_app.components"]
