from django.apps import AppConfig


class DemoAppConfig(AppConfig):
    """The demo's LiveViews and models."""

    name = "demo_app"
    default_auto_field = "django.db.models.BigAutoField"
