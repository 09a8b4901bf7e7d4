"""The toolbar glue: title, scripts, URLs and what the page request tells.

No timeline logic here: the panel body is a shell that the panel's script fills
from the endpoints in :mod:`ddt_timetravel.endpoints`, live, while the page runs.
"""

from __future__ import annotations

from debug_toolbar.panels import Panel
from django.conf import settings
from django.core.checks import CheckMessage
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import URLPattern
from django.utils.html import format_html

from . import endpoints
from .conf import get_setting
from .core.masking import MASKED
from .page import time_travel_enabled, views_on_page


class TimeTravelPanel(Panel):
    """Shows the time-travel timeline of the LiveView on this page."""

    title = "Time Travel"
    template = "ddt_timetravel/panel.html"
    is_async = True

    @property
    def is_historical(self) -> bool:
        """Live data: the History panel's "Switch" leaves this panel alone."""
        return False

    @property
    def nav_subtitle(self) -> str:
        """What the toolbar's sidebar says under the title: is this page recording?"""
        views_found = self.get_stats().get("views") or []  # type: ignore[no-untyped-call]
        if not views_found:
            return "no LiveView on this page"
        if any(view["time_travel"] for view in views_found):
            return "recording"
        return "time travel off"

    @property
    def scripts(self) -> list[str]:
        """The toolbar's scripts plus the panel's ES module."""
        scripts: list[str] = super().scripts
        scripts.append(static("ddt_timetravel/panel.js"))
        return scripts

    @property
    def title_bar(self) -> str:
        """The panel's module, started with the page rather than on first opening.

        The toolbar loads ``scripts`` only when it renders the panel's content;
        the title bar is in every page, so the module can fetch rows quietly
        while the panel is closed, and opening it only shows them. Toolbars
        before 8.0 do not render ``title_bar``: there the module starts on opening.
        """
        nonce = getattr(self.toolbar, "csp_nonce", None)
        return format_html(
            '<script type="module" src="{}"{} async></script>',
            static("ddt_timetravel/panel.js"),
            format_html(' nonce="{}"', nonce) if nonce else "",
        )

    @classmethod
    def get_urls(cls) -> list[URLPattern]:
        """The panel's endpoints, added to the toolbar's ``djdt`` namespace."""
        return endpoints.url_patterns()

    @classmethod
    def run_checks(cls) -> list[CheckMessage]:
        """System checks the toolbar runs for its panels, even without the app installed."""
        from .checks import check_panel_setup

        return check_panel_setup()

    def generate_stats(self, request: HttpRequest, response: HttpResponse) -> None:
        """Record which LiveViews the page rendered and the few settings the shell needs."""
        content = b""
        if "html" in response.get("Content-Type", "") and not response.streaming:
            content = response.content
        found = [
            {"path": view_path, "time_travel": time_travel_enabled(view_path)}
            for view_path in views_on_page(content)
        ]
        self.record_stats(  # type: ignore[no-untyped-call]
            {
                "views": found,
                "debug": bool(settings.DEBUG),
                "poll_ms": int(get_setting("POLL_INTERVAL_MS")),
                "mask_marker": str(MASKED),
                # The page's CSP nonce, for the panel's stylesheet link (as the
                # toolbar's own templates put it on theirs).
                "csp_nonce": str(self.toolbar.csp_nonce or ""),
            }
        )
