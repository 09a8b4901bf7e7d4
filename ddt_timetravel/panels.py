"""The toolbar glue: title, scripts, URLs. The timeline itself lives elsewhere."""

from __future__ import annotations

from debug_toolbar.panels import Panel
from django.templatetags.static import static


class TimeTravelPanel(Panel):
    """Shows the time-travel timeline of the LiveView on this page."""

    title = "Time Travel"
    template = "ddt_timetravel/panel.html"
    is_async = True

    @property
    def is_historical(self) -> bool:
        return False

    @property
    def nav_subtitle(self) -> str:
        return "djust state history"

    @property
    def scripts(self) -> list[str]:
        scripts = super().scripts
        scripts.append(static("ddt_timetravel/panel.js"))
        return scripts
