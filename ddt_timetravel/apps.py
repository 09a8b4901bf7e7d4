from django.apps import AppConfig


class TimeTravelConfig(AppConfig):
    """Registers the panel's templates, static files and system checks."""

    name = "ddt_timetravel"
    verbose_name = "Debug Toolbar Time Travel"
