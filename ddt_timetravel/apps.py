"""The app: its templates and static files, and its system checks."""

from django.apps import AppConfig
from django.core import checks


class TimeTravelConfig(AppConfig):
    """Registers the panel's templates, static files and system checks."""

    name = "ddt_timetravel"
    verbose_name = "Debug Toolbar Time Travel"

    def ready(self) -> None:
        """Register the system checks and the SQL source-line recorder."""
        from .checks import TAG, check_app_setup

        checks.register(check_app_setup, TAG)

        from django.db.backends.signals import connection_created

        from .sql_source import install

        connection_created.connect(install, dispatch_uid="ddt_timetravel.sql_source")
