"""The demo without daphne: ``runserver`` is Django's own WSGI server, with no WebSocket."""

from demo_project.settings import *  # noqa: F403
from demo_project.settings import INSTALLED_APPS

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "daphne"]
