"""The app: its templates and static files, its system checks and its socket guard."""

from django.apps import AppConfig
from django.core import checks


class TimeTravelConfig(AppConfig):
    """Registers the panel's templates, static files and system checks."""

    name = "ddt_timetravel"
    verbose_name = "Debug Toolbar Time Travel"

    def ready(self) -> None:
        """Register the system checks and the socket guard; measure turns where shown."""
        from .checks import TAG, check_app_setup

        checks.register(check_app_setup, TAG)

        from . import _djust

        _djust.install()

        from .recording.install import install_if_shown

        install_if_shown()
