"""The app: its templates and static files, its system checks and its socket guard."""

from django.apps import AppConfig
from django.core import checks


class TimeTravelConfig(AppConfig):
    """Registers the panel's templates, static files and system checks."""

    name = "ddt_timetravel"
    verbose_name = "Debug Toolbar Time Travel"

    def ready(self) -> None:
        """Register the system checks, the SQL source-line recorder and the socket guard."""
        from .checks import TAG, check_app_setup

        checks.register(check_app_setup, TAG)

        from django.db.backends.signals import connection_created

        from .sql_source import install

        connection_created.connect(install, dispatch_uid="ddt_timetravel.sql_source")

        from . import _djust

        _djust.install()
