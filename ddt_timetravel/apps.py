"""The app: its templates and static files, and its system checks."""

from django.apps import AppConfig
from django.core import checks


class TimeTravelConfig(AppConfig):
    """Registers the panel's templates, static files and system checks."""

    name = "ddt_timetravel"
    verbose_name = "Debug Toolbar Time Travel"

    def ready(self) -> None:
        """Register the system checks (``manage.py check --tag ddt_timetravel``)."""
        from .checks import TAG, check_app_setup

        checks.register(check_app_setup, TAG)
