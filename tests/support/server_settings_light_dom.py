"""The demo with the toolbar's other layout options: no shadow DOM, update on fetch."""

from demo_project.settings import *  # noqa: F403

DEBUG_TOOLBAR_CONFIG = {"USE_SHADOW_DOM": False, "UPDATE_ON_FETCH": True}
